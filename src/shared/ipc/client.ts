import { CHANNEL_NAMES, type ChannelInput, type ChannelName, type ChannelOutput } from './contract';
import { PUSH_EVENT_NAMES, type PushEventName, type PushPayload } from './events';
import type { Result } from './result';
import type { ClientTransport } from './transport';

export type ApiFunctions = {
  [K in ChannelName]: (input: ChannelInput<K>) => Promise<Result<ChannelOutput<K>>>;
};
export type ApiOn = <E extends PushEventName>(event: E, listener: (payload: PushPayload<E>) => void) => () => void;
/** `window.api`: one function per channel, plus `on` for push events. */
export type Api = ApiFunctions & { on: ApiOn };

/**
 * Builds `window.api` from the contract over any transport. Used by the preload (Electron IPC)
 * and by the browser e2e harness (loopback HTTP); nothing else differs between the two.
 */
export function createClient(transport: ClientTransport): Api {
  const api: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = (input: unknown) => transport.invoke(name, input ?? {});
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!(PUSH_EVENT_NAMES as string[]).includes(event)) throw new Error(`Unknown push event ${event}`);
    return transport.subscribe(event, listener);
  };
  return api as Api;
}
