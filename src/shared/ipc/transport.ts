import type { Result } from './result';

/** How a client reaches main: Electron IPC in the app, loopback HTTP + SSE in browser e2e. */
export interface ClientTransport {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  /** Subscribes to a push event; returns the unsubscribe function. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}
