/// <reference lib="dom" />
// Browser side of the loopback transport: `window.api` built by the SAME client factory the preload
// uses, over fetch + EventSource instead of ipcRenderer. Bundled to out/node/harness-client.js.
import { createClient } from '../../src/shared/ipc/client';
import type { ClientTransport } from '../../src/shared/ipc/transport';
import type { Result } from '../../src/shared/ipc/result';

declare global {
  interface Window {
    __CONVDESK_TOKEN__: string;
  }
}

const token = window.__CONVDESK_TOKEN__;

async function post(path: string, body: BodyInit, contentType: string): Promise<unknown> {
  const response = await fetch(path, { method: 'POST', body, headers: { 'content-type': contentType, 'x-convdesk-token': token } });
  return response.json();
}

/** The preload turns a dropped File into a path; here its bytes are uploaded and main gets an upload id. */
async function translateInput(channel: string, input: unknown): Promise<unknown> {
  if (channel !== 'files:register' || typeof input !== 'object' || input === null) return input;
  const file = (input as { file?: unknown }).file;
  if (!(file instanceof File)) return input;
  const uploaded = (await post(`/api/upload?name=${encodeURIComponent(file.name)}`, file, 'application/octet-stream')) as
    | { uploadId: string }
    | Result<never>;
  if ('ok' in uploaded) return uploaded;
  return { uploadId: uploaded.uploadId, name: file.name };
}

let source: EventSource | null = null;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function eventSource(): EventSource {
  source ??= new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  return source;
}

const loopbackTransport: ClientTransport = {
  async invoke(channel, input) {
    const translated = await translateInput(channel, input);
    if (translated && typeof translated === 'object' && 'ok' in translated) return translated as Result<unknown>;
    return (await post(`/api/invoke/${channel}`, JSON.stringify(translated ?? {}), 'application/json')) as Result<unknown>;
  },
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) {
      const created = new Set<(payload: unknown) => void>();
      listeners.set(event, created);
      set = created;
      eventSource().addEventListener(event, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const fn of created) fn(payload);
      });
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

(window as unknown as { api: unknown }).api = Object.freeze(createClient(loopbackTransport));
