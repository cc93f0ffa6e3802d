import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyResultsFile } from '../../src/main/exports/batches';
import { matchResultsFile } from '../../src/main/exports/results-file';
import { type TestContext, useTestContext } from '../helpers/context';
import { configureDestinations, exportsOf, NOW, seedGoldenEvents } from './helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => exportsOf(c).shutdown());

const delivery = (eventId: string, destination: string) =>
  ctx.db.prepare('SELECT d.status, d.last_error FROM event_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.event_id = ? AND d.destination = ?').get(eventId, destination) as
    | { status: string; last_error: string | null }
    | undefined;

/** The saved file with Google's results column added: the given rows (by order id) refused with a message. */
function withErrors(file: string, refused: Record<string, string>): string {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines
    .map((line, i) => {
      if (i === 0) return line; // Parameters:TimeZone=
      if (i === 1) return `${line},Errors`;
      const hit = Object.entries(refused).find(([order]) => line.includes(`,${order},`));
      return `${line},${hit ? `"${hit[1]}"` : ''}`;
    })
    .join('\r\n');
}

describe('Mark failed from a platform results file (issue 15 item 7)', () => {
  it('Google: exactly the refused rows fail on the Google delivery, with Google’s message; the rest stay queued', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const path = join(ctx.dataDir, 'click.csv');
    const run = await exportsOf(ctx).run({ format: 'google-click' }, path, { now: NOW });
    // ORD-1001 by order id; the Sydney row (no order id) by its click id.
    const text = withErrors(path, { 'ORD-1001': 'Conversion action not found (CONVERSION_NOT_FOUND)' }).replace(
      /^(Cj0KCQiA-sydney,.*),$/m,
      '$1,"The click is too old to be imported (EXPIRED_CLICK)"',
    );
    const result = applyResultsFile(ctx.db, run.batchId, text, 'America/New_York');
    expect(result.failed).toBe(2);
    expect(result.unmatched).toEqual([]);
    expect(result.accepted).toBe(run.exported - 2);
    expect(delivery('ny-edt-0130', 'google_ads')).toEqual({ status: 'failed', last_error: 'Conversion action not found (CONVERSION_NOT_FOUND)' });
    expect(delivery('sydney-aest-0130', 'google_ads')).toEqual({ status: 'failed', last_error: 'The click is too old to be imported (EXPIRED_CLICK)' });
    expect(delivery('ny-edt-0130', 'meta')?.status ?? 'queued').not.toBe('failed');
    expect(delivery('ny-est-0130', 'google_ads')?.status ?? 'queued').toBe('queued');
    // The batch stays open: the accepted rows can be marked uploaded.
    expect(exportsOf(ctx).listBatches()[0]).toMatchObject({ status: 'exported' });
    const uploaded = await exportsOf(ctx).markUploaded(run.batchId);
    expect(uploaded.outcome.changed).toBe(run.exported - 2);
  });

  it('Meta: rows matched by event_id; an unknown row is reported, not guessed', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const path = join(ctx.dataDir, 'meta.csv');
    const run = await exportsOf(ctx).run({ format: 'meta' }, path, { now: NOW });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const header = `${lines[0]},error_message`;
    const first = `${lines[1]},"Invalid parameter: event_time too old"`;
    const rest = lines.slice(2).map((line) => `${line},`);
    const unknown = lines[1]!.replace(/^([^,]*),([^,]*),([^,]*),/, '$1,$2,no-such-event,') + ',Invalid';
    const text = [header, first, ...rest, unknown].join('\n');
    const firstEventId = lines[1]!.split(',')[2]!;
    const result = applyResultsFile(ctx.db, run.batchId, text, 'America/New_York');
    expect(result.failed).toBe(1);
    expect(delivery(firstEventId, 'meta')).toEqual({ status: 'failed', last_error: 'Invalid parameter: event_time too old' });
    expect(result.unmatched).toHaveLength(1);
    expect(result.unmatched[0]).toMatchObject({ line: lines.length + 1, message: 'Invalid' });
  });

  it('refuses a file without an error column, naming the columns it looked for', () => {
    expect(() => matchResultsFile('Google Click ID,Conversion Name\nabc,Lead\n', [], 'UTC')).toThrow(/no error column/);
  });

  it('matches by conversion time (and name) when the row has no order id or click id; two candidates are not guessed', () => {
    const event = (id: string, time: string, name: string) => ({ id, event_id: id, transaction_id: null, gclid: null, gbraid: null, wbraid: null, event_time: time, conversion_name: name, event_name: 'lead' });
    const events = [event('a', '2026-11-20T10:00:00.000Z', 'Lead'), event('b', '2026-11-20T10:00:00.000Z', 'Signup'), event('c', '2026-11-21T10:00:00.000Z', 'Lead')];
    const text = 'Parameters:TimeZone=Europe/Paris\nEmail,Conversion Name,Conversion Time,Errors\nx,Lead,2026-11-20 11:00:00,Bad email\ny,Lead,2026-11-21 11:00:00,\nz,,2026-11-20 11:00:00,Bad\nw,Other,2026-11-20 11:00:00,Bad too\n';
    const match = matchResultsFile(text, events, 'UTC');
    expect(match.failures).toEqual([{ eventId: 'a', line: 3, message: 'Bad email' }]);
    expect(match.accepted).toBe(1);
    expect(match.unmatched).toEqual([
      { line: 5, message: 'Bad', why: '2 events of the batch have this conversion time' },
      { line: 6, message: 'Bad too', why: 'no event of the batch has its event id, order id, click id or time' },
    ]);
  });
});
