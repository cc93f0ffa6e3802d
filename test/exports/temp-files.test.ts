import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalTempFiles, recoverExportFiles } from '../../src/main/exports/temp-files';
import { createTestContext } from '../helpers/context';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

const DEAD_PID = 2 ** 22 + 12_345; // above Linux's pid_max default range: no such process
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function leftBehind(name: string, content: string, batchId: string, pid = DEAD_PID) {
  const final = join(ctx.dataDir, name);
  const part = `${final}.0badf00d.part`;
  writeFileSync(part, content);
  journalTempFiles(ctx.db, [part], { path: final, batchId });
  ctx.db.prepare('UPDATE export_temp_files SET owner_pid = ?').run(pid);
  return { final, part };
}

function commitBatch(id: string, path: string, fileSha: string) {
  ctx.db.prepare("INSERT INTO sync_batches (id, destination, file_path, file_sha256, event_count, status) VALUES (?, 'google-click', ?, ?, 1, 'exported')").run(id, path, fileSha);
}

describe('recovering what a killed export left (at the next start)', () => {
  it('removes the .part file of an export whose batch never committed', () => {
    const { final, part } = leftBehind('upload.csv', 'half a file', 'b-never');
    expect(recoverExportFiles(ctx.db)).toEqual({ finished: [], removed: [part] });
    expect(existsSync(part)).toBe(false);
    expect(existsSync(final)).toBe(false);
    expect(ctx.db.prepare('SELECT count(*) FROM export_temp_files').pluck().get()).toBe(0);
  });

  it('puts the complete file of a committed batch (killed between COMMIT and rename) into place, over an older file', () => {
    const { final, part } = leftBehind('upload.csv', 'the whole file\n', 'b-1');
    commitBatch('b-1', final, sha('the whole file\n'));
    writeFileSync(final, 'an older export', { flag: 'w' });
    // The older file predates the export (its journal row): backdate it.
    const older = new Date(Date.now() - 60_000);
    utimesSync(final, older, older);
    expect(recoverExportFiles(ctx.db)).toEqual({ finished: [final], removed: [] });
    expect(readFileSync(final, 'utf8')).toBe('the whole file\n');
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('removes a part that is not the batch’s file (the second reader’s half), and leaves a live process’s files alone', () => {
    const { final, part } = leftBehind('upload.csv', 'second half', 'b-2');
    commitBatch('b-2', final, sha('first half + second half'));
    expect(recoverExportFiles(ctx.db).removed).toEqual([part]);
    expect(existsSync(final)).toBe(false);

    const live = leftBehind('other.csv', 'being written', 'b-3', process.ppid);
    expect(recoverExportFiles(ctx.db)).toEqual({ finished: [], removed: [] });
    expect(existsSync(live.part)).toBe(true);
    expect(ctx.db.prepare('SELECT count(*) FROM export_temp_files').pluck().get()).toBe(1);
  });
});
