import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the loopback harness. It listens on 127.0.0.1 only, but a web page the user has
 * open elsewhere can still reach it: through DNS rebinding (a foreign name resolving to 127.0.0.1,
 * so the Host header is that name) or with cross-origin requests (the Origin header is that page).
 */
export class LoopbackGuard {
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;

  constructor(port: number) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`));
  }

  /** The Host header names this server exactly (127.0.0.1 or localhost, with its port). */
  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    return host !== undefined && this.hosts.has(host);
  }

  /**
   * The Origin header, when the browser sent one, is the app's own. `required` for requests only
   * the app's page makes (uploads); test code calling from Node sends none.
   */
  originAllowed(req: IncomingMessage, required: boolean): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    return this.origins.has(origin);
  }
}
