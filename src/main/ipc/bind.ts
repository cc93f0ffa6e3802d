import { contract, type ChannelName, type ChannelOutput, type ChannelParsed } from '../../shared/ipc/contract';
import { AppError, err, ok, type Result } from '../../shared/ipc/result';

/** What a transport knows about who sent a request. */
export interface SenderInfo {
  /** URL of the frame that sent it; null when the frame is gone (Electron's senderFrame can be null). */
  frameUrl: string | null;
  /** False for iframes: only the app's top frame may call main. */
  isMainFrame: boolean;
}

export type SenderCheck = (sender: SenderInfo) => boolean;

export type Handler<K extends ChannelName> = (input: ChannelParsed<K>) => Promise<ChannelOutput<K>> | ChannelOutput<K>;
export type Handlers = { [K in ChannelName]: Handler<K> };

/** A server-side transport: Electron's ipcMain, or the loopback HTTP server. */
export interface ServerTransport {
  handle(channel: string, listener: (sender: SenderInfo, input: unknown) => Promise<Result<unknown>>): void;
}

export interface Logger {
  error(message: string, error?: unknown): void;
}

/**
 * Allows only top-level frames of the app itself. An http(s) entry matches by origin, as does the
 * app's own privileged scheme (app://bundle, see src/main/app-protocol.ts); a file: entry must be the
 * exact page (query and hash ignored), so another local HTML file cannot call main.
 */
export function allowOrigins(allowed: readonly string[]): SenderCheck {
  const keys = new Set(allowed.map(pageKey).filter((key): key is string => key !== null));
  return (sender) => {
    if (!sender.isMainFrame || sender.frameUrl === null) return false;
    const key = pageKey(sender.frameUrl);
    return key !== null && keys.has(key);
  };
}

function pageKey(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:') return `file://${parsed.pathname}`;
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
    // WHATWG URL gives custom schemes an opaque origin ("null"), so compare scheme and host exactly.
    if (parsed.protocol === 'app:' && parsed.host) return `app://${parsed.host}`;
    return null;
  } catch {
    return null;
  }
}

/** Runs one request through sender check → zod parse → handler → Result. Never throws. */
export async function dispatch(
  name: ChannelName,
  handlers: Handlers,
  senderCheck: SenderCheck,
  sender: SenderInfo,
  input: unknown,
  logger: Logger = console,
): Promise<Result<unknown>> {
  if (!senderCheck(sender)) return err('forbidden', `Refused ${name}: the request did not come from the app's window`);
  const parsed = contract[name].input.safeParse(input);
  if (!parsed.success) {
    return err('validation', `Invalid input for ${name}: ${formatIssues(parsed.error.issues)}`, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    });
  }
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toShape() };
    if (isBusy(error)) {
      return err('conflict', `The database is busy: an import, export or bulk change is writing right now, so ${name} was not applied. Try again when it finishes.`);
    }
    logger.error(`Unexpected error in ${name}`, error);
    return err('internal', `Something went wrong in ${name}. The details were written to the app log.`);
  }
}

/** Binds every channel of the contract to a transport. Missing handlers are a startup error. */
export function bindContract(transport: ServerTransport, handlers: Handlers, senderCheck: SenderCheck, logger?: Logger): void {
  for (const name of Object.keys(contract) as ChannelName[]) {
    if (typeof handlers[name] !== 'function') throw new Error(`No handler for channel ${name}`);
    transport.handle(name, (sender, input) => dispatch(name, handlers, senderCheck, sender, input, logger));
  }
}

export function formatIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')} ${issue.message}` : issue.message))
    .join('; ');
}

/** SQLite's "another connection holds the write lock" (after the connection's busy timeout). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
