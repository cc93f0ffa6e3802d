import type { Api } from '../../../shared/ipc/client';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/ipc/contract';
import type { PushEventName, PushPayload } from '../../../shared/ipc/events';
import type { ErrorCode } from '../../../shared/ipc/result';

declare global {
  interface Window {
    api: Api;
  }
}

/** A typed error from main: code + human message (+ details such as row/column). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'transport',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The only reader of `window.api`: calls a channel and unwraps its Result (throws ApiError). */
export async function call<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  const fn = window.api?.[channel] as unknown as ((input: unknown) => Promise<unknown>) | undefined;
  if (!fn) throw new ApiError('transport', 'The app is not connected to its database process. Restart Conversion Desk.');
  let result: { ok: true; value: unknown } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
  try {
    result = (await fn(input)) as typeof result;
  } catch (error) {
    throw new ApiError('transport', `Could not reach the app's database process: ${(error as Error).message}`);
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.details);
  return result.value as ChannelOutput<K>;
}

/** Subscribes to a push event from main; returns the unsubscribe function. */
export function onPush<E extends PushEventName>(event: E, listener: (payload: PushPayload<E>) => void): () => void {
  if (!window.api) return () => undefined;
  return window.api.on(event, listener);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
