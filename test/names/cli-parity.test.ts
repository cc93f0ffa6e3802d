/**
 * Issue 11, defect 12: the CLI can do what the app does. Every test runs the real `convdesk` (the
 * bundled CLI, as shipped) on a real SQLite file with the real migrations.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const REAL_WORLD = join(root, 'test', 'fixtures', 'real-world');
let tmp: string;
let db: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-names-cli-'));
  db = join(tmp, 'app.db');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'convdesk.cjs'), ...args], { encoding: 'utf8', cwd: tmp });
  return { ...result, json: () => JSON.parse(result.stdout) };
}
const cli = (...args: string[]) => run(['--db', db, ...args]);

describe('--help and --version', () => {
  it('--version prints the package version and exits 0', () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    for (const flag of ['--version', '-V']) {
      const out = run([flag]);
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout.trim()).toBe(`convdesk ${version}`);
    }
  });

  it('--help works on every command and sub-command, exits 0 and needs no database', () => {
    const commands: string[][] = [
      [], ['events'], ['events', 'list'], ['events', 'add'], ['events', 'queue'], ['events', 'mark-failed'], ['stats'],
      ['import'], ['imports'], ['imports', 'list'], ['imports', 'show'], ['imports', 'undo'],
      ['export'], ['batches'], ['settings'], ['settings', 'get'], ['settings', 'set'], ['settings', 'export'], ['settings', 'import'],
    ];
    for (const command of commands) {
      for (const flag of command.length === 1 ? ['--help', '-h'] : ['--help']) {
        const out = run([...command, flag]);
        expect(out.status, `${command.join(' ')} ${flag}: ${out.stderr}`).toBe(0);
        expect(out.stdout, command.join(' ')).toMatch(/^Usage: convdesk/);
        expect(out.stderr).toBe('');
      }
    }
    expect(run(['settings', 'set', '--help']).stdout).toContain('settings set KEY=VALUE');
    expect(run(['imports', 'undo', '--help']).stdout).toContain('imports undo ID');
    expect(run(['help', 'settings']).stdout).toContain('settings get');
    expect(run(['events', 'list', '--help']).stdout).toContain('--conversion-name');
  });
});

describe('settings get / set / export / import', () => {
  it('set takes dotted KEY=VALUE pairs, validated with the settings schema; get reads them back', () => {
    const set = cli('settings', 'set', 'defaultCountry=fr', 'timeZone=Europe/Paris', 'google.requiredCurrency=eur', 'destinations.lead.googleConversionName=All leads', 'conversionNames.Booked consultation.metaEventName=Schedule', 'importMaxFileMb=512');
    expect(set.status, set.stderr).toBe(0);
    const got = cli('settings', 'get', '--json').json();
    expect(got).toMatchObject({
      defaultCountry: 'FR',
      timeZone: 'Europe/Paris',
      importMaxFileMb: 512,
      google: { requiredCurrency: 'EUR' },
      destinations: { lead: { googleConversionName: 'All leads', metaEventName: 'Lead' } },
      conversionNames: { 'Booked consultation': { metaEventName: 'Schedule' } },
    });
    expect(cli('settings', 'get', 'defaultCountry').stdout.trim()).toBe('defaultCountry=FR');
    expect(cli('settings', 'get', 'google', '--json').json()).toEqual({ requiredCurrency: 'EUR' });
    expect(cli('settings', 'get').stdout).toContain('destinations.lead.googleConversionName=All leads\n');
    // An empty value clears an optional setting.
    expect(cli('settings', 'set', 'google.requiredCurrency=').status).toBe(0);
    expect(cli('settings', 'get', 'google', '--json').json()).toEqual({ requiredCurrency: null });
  });

  it('an unknown key or an invalid value is a clear error and changes nothing', () => {
    expect(cli('settings', 'set', 'defaultCountry=DE').status).toBe(0);
    const unknown = cli('settings', 'set', 'defaultCountry=FR', 'defaultCountyr=FR');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^convdesk: Unknown setting "defaultCountyr"\. Settings: .*defaultCountry/);
    const bad = cli('settings', 'set', 'defaultCountry=France');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('convdesk: Invalid settings: defaultCountry is not an ISO 3166 alpha-2 country code');
    expect(cli('settings', 'set', 'importMaxFileMb=lots').stderr).toContain('importMaxFileMb must be a number, got "lots"');
    expect(cli('settings', 'set', 'noequals').stderr).toContain('"noequals" is not KEY=VALUE');
    expect(cli('settings', 'get', 'defaultCountry').stdout.trim()).toBe('defaultCountry=DE');
  });

  it('export FILE / import FILE use the app’s JSON document; messages name the full path', () => {
    expect(cli('settings', 'set', 'defaultCountry=GB', 'meta.actionSource=website').status).toBe(0);
    const file = join(tmp, 'settings.json');
    const exported = cli('settings', 'export', file);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(file);
    const document = JSON.parse(readFileSync(file, 'utf8'));
    expect(document.convdeskSettings).toMatchObject({ defaultCountry: 'GB', meta: { actionSource: 'website' } });

    const otherDb = join(tmp, 'other.db');
    const imported = run(['--db', otherDb, 'settings', 'import', file, '--json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({ defaultCountry: 'GB', meta: { actionSource: 'website' } });

    const missing = cli('settings', 'import', 'nowhere.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(`convdesk: ${join(tmp, 'nowhere.json')} does not exist`);
    writeFileSync(join(tmp, 'bad.json'), '{"convdeskSettings": {"defaultCountry": 12}}');
    const bad = cli('settings', 'import', 'bad.json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^convdesk: Invalid settings file: defaultCountry/);
    expect(cli('settings', 'get', 'defaultCountry').stdout.trim()).toBe('defaultCountry=GB');
  });
});

describe('imports list / show / undo', () => {
  it('lists an import, shows its report and undoes it with the import service', () => {
    const imported = cli('import', join(REAL_WORLD, 'meta_offline_simple.csv'), '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const { importId, imported: count } = imported.json() as { importId: string; imported: number };
    expect(count).toBeGreaterThan(0);

    const list = cli('imports', 'list', '--json');
    expect(list.status, list.stderr).toBe(0);
    expect(list.json().imports).toEqual([expect.objectContaining({ id: importId, fileName: 'meta_offline_simple.csv', imported: count, status: 'completed' })]);
    expect(cli('imports', 'list').stdout).toContain(importId);

    const show = cli('imports', 'show', importId, '--json');
    expect(show.status, show.stderr).toBe(0);
    expect(show.json()).toMatchObject({ id: importId, imported: count, headers: ['email', 'event_time', 'event_name'] });

    const undo = cli('imports', 'undo', importId, '--json');
    expect(undo.status, undo.stderr).toBe(0);
    expect(undo.json()).toEqual({ importId, deleted: count });
    expect(cli('stats', '--json').json().total).toBe(0);

    const again = cli('imports', 'show', 'no-such-import');
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe('convdesk: No import with id no-such-import');
  });
});

describe('messages', () => {
  it('carry no internal code prefix', () => {
    cli('events', 'add', '--name', 'lead', '--event-id', 'L-1');
    const refused = cli('events', 'mark-sent', '--filter-status', 'pending');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/^convdesk: Nothing changed/);
    const dup = cli('events', 'add', '--name', 'lead', '--event-id', 'L-1');
    expect(dup.stderr).toMatch(/^convdesk: An event with event_id "L-1" already exists/);
  });

  it('events list --event-name takes categories and points at --conversion-name for other names', () => {
    const out = cli('events', 'list', '--event-name', 'Qualified lead');
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('for the conversion name "Qualified lead" use --conversion-name');
  });
});
