import { pushEvent, type PushEvent } from './define';
import type { SendProgress } from '../domain/send';

export interface ImportProgress {
  importId: string;
  /** reading → (indexing, for large imports that rebuild the event indexes) → finishing → done/failed/cancelled. */
  phase: 'reading' | 'indexing' | 'finishing' | 'done' | 'failed' | 'cancelled';
  rowsDone: number;
  bytesDone: number;
  bytesTotal: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  /** Phase 'indexing': indexes rebuilt so far and in all (each takes seconds on a million events). */
  indexesDone?: number;
  indexesTotal?: number;
}

export interface JobProgress {
  jobId: string;
  kind: 'export' | 'bulk';
  done: number;
  total: number;
  phase: 'running' | 'done' | 'failed' | 'cancelled';
}

/** Every push event main sends to the renderer. */
export const pushEvents = {
  'import:progress': pushEvent<ImportProgress>(),
  'job:progress': pushEvent<JobProgress>(),
  /** Something changed the events table; screens refetch. */
  'events:changed': pushEvent<{ reason: string }>(),
  /** A send run's progress (events/s, ETA, retries waiting) and its end. */
  'send:progress': pushEvent<SendProgress>(),
} as const;

export type PushEvents = typeof pushEvents;
export type PushEventName = keyof PushEvents & string;
export type PushPayload<K extends PushEventName> = PushEvents[K] extends PushEvent<infer P> ? P : never;
export const PUSH_EVENT_NAMES = Object.keys(pushEvents) as PushEventName[];
