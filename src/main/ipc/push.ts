import type { PushEventName, PushPayload } from '../../shared/ipc/events';

/** Sends push events to every connected renderer, whatever the transport. */
export interface PushSink {
  emit<E extends PushEventName>(event: E, payload: PushPayload<E>): void;
}

export class PushHub implements PushSink {
  private readonly sinks = new Set<(event: string, payload: unknown) => void>();
  add(sink: (event: string, payload: unknown) => void): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
  emit<E extends PushEventName>(event: E, payload: PushPayload<E>): void {
    for (const sink of this.sinks) sink(event, payload);
  }
}
