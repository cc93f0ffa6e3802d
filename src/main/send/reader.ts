/**
 * The send's reader thread (started by source.ts's readerSource from the send worker's own script):
 * on a read-only connection of its own, reads the events queued for the destination in rowid order,
 * runs the pre-flight (`destination.prepare`: the platform JSON of each event) and posts them one
 * request at a time, as many as the sending thread has asked for (credit), so it is never more than a
 * few requests ahead. It changes no data and holds no secret (the credentials it gets are stripped);
 * it also checkpoints the WAL the sending thread's marks fill, so that I/O is off the sending thread.
 */
import type { MessagePort } from 'node:worker_threads';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { DestinationName } from '../../shared/domain/send';
import type { AppSettings } from '../../shared/domain/settings';
import { createKysely, openDatabase } from '../db/connection';
import { setCacheSizeKib, setQueryOnly, walCheckpoint } from '../db/pragma-repo';
import { createDeliveryRepo } from './delivery-repo';
import { createDestination, type DestinationCredentials } from './destinations';
import { inThreadSource, type SourceChunk } from './source';

export interface ReaderData {
  role: 'reader';
  dbPath: string;
  nativeBinding?: string;
  destination: DestinationName;
  /** Without secrets: the reader only prepares events, it never sends. */
  credentials: DestinationCredentials;
  settings: AppSettings;
  filter: EventFilterParsed;
  /** Fixed "now" for the pre-flight windows (tests); the clock otherwise. */
  nowMs?: number;
  pageSize: number;
  /** Events the engine resends from an interrupted run (not read again). */
  skip: string[];
}

export type ReaderMessage<E> = { type: 'chunk'; chunk: SourceChunk<E> } | { type: 'end' } | { type: 'failed'; message: string };

/** The credentials a reader needs to build a destination's `prepare`: every secret blanked. */
export function withoutSecrets(credentials: DestinationCredentials): DestinationCredentials {
  return {
    meta: credentials.meta ? { ...credentials.meta, accessToken: '', appSecret: null } : undefined,
    google_ads: credentials.google_ads ? { ...credentials.google_ads, clientSecret: '', refreshToken: '' } : undefined,
  };
}

export function runReader(data: ReaderData, port: MessagePort): void {
  let credit = 0;
  let finished = false;
  let produce: () => void;
  try {
    // Opened for writing only so that it may checkpoint; query_only refuses any change to the data.
    const db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
    setQueryOnly(db, true);
    // It streams through the events once.
    setCacheSizeKib(db, 4096);
    const destination = createDestination(data.destination, data.credentials, data.settings);
    const delivery = createDeliveryRepo(db, createKysely(db), destination.name, data.filter, destination.columns, data.settings);
    const source = inThreadSource(delivery, destination, { pageSize: data.pageSize, skip: new Set(data.skip), nowMs: data.nowMs !== undefined ? () => data.nowMs! : Date.now });
    produce = () => {
      try {
        while (credit > 0 && !finished) {
          const chunk = source.take();
          if (!chunk) {
            finished = true;
            db.close();
            port.postMessage({ type: 'end' } satisfies ReaderMessage<unknown>);
            break;
          }
          credit--;
          port.postMessage({ type: 'chunk', chunk } satisfies ReaderMessage<unknown>);
          // The sending connection does not checkpoint while this thread reads (engine.ts): the WAL's
          // pages are copied back into the database here, on the other core.
          walCheckpoint(db, 'PASSIVE');
        }
      } catch (error) {
        finished = true;
        port.postMessage({ type: 'failed', message: (error as Error)?.message ?? String(error) } satisfies ReaderMessage<unknown>);
      }
    };
  } catch (error) {
    port.postMessage({ type: 'failed', message: (error as Error)?.message ?? String(error) } satisfies ReaderMessage<unknown>);
    return;
  }
  port.on('message', (message: { type: 'credit'; requests: number }) => {
    credit += message.requests;
    produce();
  });
}
