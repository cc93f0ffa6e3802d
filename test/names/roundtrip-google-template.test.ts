/**
 * Issue 11, "Done when": import → queue → export of the Google Ads template from the real-world corpus,
 * from the CLI alone (settings included), gives Google's columns with the file's own conversion names.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const TEMPLATE = join(root, 'test', 'fixtures', 'real-world', 'gads_click_valid_sample.csv');
let tmp: string;
let db: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-names-roundtrip-'));
  db = join(tmp, 'app.db');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'convdesk.cjs'), '--db', db, ...args], { encoding: 'utf8', cwd: tmp });
  return { ...result, json: () => JSON.parse(result.stdout) };
}

describe('round trip from the CLI alone: Google template → queue → Google file', () => {
  it("keeps the file's own conversion names as Google's Conversion Name", () => {
    const settings = cli('settings', 'set', 'timeZone=Asia/Singapore', 'conversionNames.Booked consultation.googleConversionName=Consultation (offline)');
    expect(settings.status, settings.stderr).toBe(0);

    const imported = cli('import', TEMPLATE, '--json');
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({ rowsRead: 3, imported: 3, invalid: 0 });

    const listed = cli('events', 'list', '--json', '--sort', 'event_time:asc');
    expect(listed.status, listed.stderr).toBe(0);
    expect((listed.json().events as { conversion_name: string; event_name: string; transaction_id: string }[]).map((e) => [e.transaction_id, e.conversion_name, e.event_name])).toEqual([
      ['ORDER-1001', 'Qualified lead', 'lead'],
      ['ORDER-1002', 'Qualified lead', 'lead'],
      ['ORDER-1003', 'Booked consultation', 'custom'],
    ]);
    expect(cli('events', 'list', '--conversion-name', 'Qualified lead', '--json').json().total).toBe(2);

    const queued = cli('events', 'queue', '--filter-status', 'pending', '--json');
    expect(queued.status, queued.stderr).toBe(0);
    expect(queued.json()).toMatchObject({ changed: 3 });

    const out = join(tmp, 'google.csv');
    const exported = cli('export', '--format', 'google-click', '--out', out, '--now', '2026-05-25T00:00:00Z', '--json');
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.json()).toMatchObject({ exported: 3, excluded: [] });
    expect(readFileSync(out, 'utf8')).toBe(
      [
        'Parameters:TimeZone=Asia/Singapore',
        'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,Ad User Data,Ad Personalization',
        'EAIaIQobChMIvalidGclid01,Qualified lead,2026-05-20 14:30:00,125.50,USD,ORDER-1001,,',
        'EAIaIQobChMIvalidGclid02,Qualified lead,2026-05-21 09:15:00,220.00,SGD,ORDER-1002,,',
        'EAIaIQobChMIvalidGclid03,Consultation (offline),2026-05-21 18:05:00,0.00,USD,ORDER-1003,,',
        '',
      ].join('\n'),
    );
  });
});
