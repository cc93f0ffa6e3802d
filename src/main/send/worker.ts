/**
 * The send worker (bundled to out/node/send-worker.cjs; Electron's build beside main): runs one
 * send on its own connection, so the window never blocks while requests are built, answers are
 * recorded and events are marked. Cancellation is a shared flag the engine polls between requests.
 * The credentials arrive in workerData (memory only) and never leave this thread.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { DestinationName, SendProgress, SendResult } from '../../shared/domain/send';
import { AppError } from '../../shared/ipc/result';
import { createKysely, openDatabase, type Sqlite } from '../db/connection';
import { rollback } from '../db/common-repo';
import { setCacheSizeKib } from '../db/pragma-repo';
import { getSettings } from '../settings/service';
import { createDestination, type DestinationCredentials } from './destinations';
import { runSend, type RetryPolicy } from './engine';
import { runReader, withoutSecrets, type ReaderData } from './reader';
import { workerPath } from '../runtime';

export interface SendWorkerData {
  dbPath: string;
  nativeBinding?: string;
  runId: string;
  destination: DestinationName;
  credentials: DestinationCredentials;
  filter: EventFilterParsed;
  dryRun: boolean;
  retry?: RetryPolicy;
  /** Fixed "now" for the pre-flight windows (tests); the clock otherwise. */
  nowMs?: number;
  listLimit: number;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 means cancel. */
  cancel: SharedArrayBuffer;
}

export type SendWorkerMessage =
  | { type: 'started' }
  | { type: 'progress'; progress: SendProgress }
  | { type: 'done'; result: SendResult }
  | { type: 'failed'; code: string; message: string };

async function run(data: SendWorkerData, port: MessagePort): Promise<SendWorkerMessage> {
  const flag = new Int32Array(data.cancel);
  let db: Sqlite | undefined;
  try {
    db = openDatabase(data.dbPath, { nativeBinding: data.nativeBinding });
    // The send streams through the events once: a small page cache keeps the app's peak memory down
    // (the main connection keeps its own), as the export worker does.
    setCacheSizeKib(db, 16384);
    const settings = getSettings(db);
    const destination = createDestination(data.destination, data.credentials, settings);
    const result = await runSend({
      db,
      k: createKysely(db),
      runId: data.runId,
      destination,
      filter: data.filter,
      dryRun: data.dryRun,
      retry: data.retry,
      nowMs: data.nowMs !== undefined ? () => data.nowMs! : undefined,
      listLimit: data.listLimit,
      isCancelled: () => Atomics.load(flag, 0) === 1,
      onProgress: (progress) => port.postMessage({ type: 'progress', progress } satisfies SendWorkerMessage),
      onStarted: () => port.postMessage({ type: 'started' } satisfies SendWorkerMessage),
      // This script again, as the reader thread of large sends (reader.ts).
      reader: {
        script: workerPath('send-worker'),
        data: { role: 'reader', dbPath: data.dbPath, nativeBinding: data.nativeBinding, destination: data.destination, credentials: withoutSecrets(data.credentials), settings, filter: data.filter, nowMs: data.nowMs },
      },
    });
    return { type: 'done', result };
  } catch (error) {
    if (error instanceof AppError) return { type: 'failed', code: error.code, message: error.message };
    const code = (error as NodeJS.ErrnoException)?.code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      return { type: 'failed', code: 'conflict', message: 'Another job (an import, export or bulk change) is writing to the database; try again when it has finished.' };
    }
    // No stack, no request body: the message of a database or programming error only.
    return { type: 'failed', code: 'internal', message: `The send failed: ${(error as Error)?.message ?? String(error)}` };
  } finally {
    try {
      if (db?.inTransaction) rollback(db);
      db?.close();
    } catch {
      /* closing after a failure: nothing more to do */
    }
  }
}

/**
 * The send's threads run at a lower priority than the window's thread, so a send using both cores
 * never delays the window. Linux only: there a thread's nice value is its own; elsewhere it would
 * lower the whole process, the window included.
 */
export const SEND_THREAD_NICE = 5;

if (parentPort && workerData) {
  const port = parentPort;
  if (process.platform === 'linux') {
    try {
      setPriority(0, SEND_THREAD_NICE);
    } catch {
      /* not permitted: run at the normal priority */
    }
  }
  if ((workerData as ReaderData).role === 'reader') runReader(workerData as ReaderData, port);
  else void run(workerData as SendWorkerData, port).then((message) => port.postMessage(message));
}
