import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyAssignments, flattenSettings } from '../../settings/dotted';
import { exportSettingsJson, getSettings, importSettingsJson } from '../../settings/service';
import type { CliCommand } from '../command';
import { existingFile, printJson, UsageError, type CliIo } from '../io';

const SUBCOMMANDS = {
  get: 'settings get [KEY] [--json]',
  set: 'settings set KEY=VALUE… [--json]',
  export: 'settings export FILE',
  import: 'settings import FILE [--json]',
};

/** The value at a dotted path (a section as an object), or undefined when the path has a dotted name in it. */
function valueAt(settings: object, key: string): unknown {
  let at: unknown = settings;
  for (const part of key.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function printFlat(io: CliIo, entries: [string, unknown][]): void {
  for (const [key, value] of entries) io.out(`${key}=${value === null ? '' : String(value)}`);
}

export const settingsCommand: CliCommand = {
  name: 'settings',
  summary: 'Read and change the settings the app uses (time zone, default country, destinations, conversion names…)',
  usage: 'settings get [KEY] [--json] | set KEY=VALUE… | export FILE | import FILE',
  subcommands: SUBCOMMANDS,
  details: [
    'Keys are dotted paths, e.g. defaultCountry=FR, timeZone=Europe/Paris, google.requiredCurrency=EUR,',
    'destinations.lead.googleConversionName="Qualified lead", meta.actionSource=website,',
    '"conversionNames.Booked consultation.googleConversionName=Consultation (CRM)".',
    'An empty value (or null) clears an optional setting; in conversionNames an empty value makes the field',
    'automatic again and null means "not sent to that platform". Every change is validated as in the app;',
    'an invalid one changes nothing. export/import use the same JSON document as Settings → Export / Import.',
  ].join('\n'),
  run(ctx, args, io) {
    const [verb, ...rest] = args;
    switch (verb) {
      case 'get': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } }, strict: true });
        if (positionals.length > 1) throw new UsageError('settings get takes at most one KEY');
        const settings = getSettings(ctx.db);
        const key = positionals[0];
        if (key === undefined) {
          if (values.json) printJson(io, settings);
          else printFlat(io, flattenSettings(settings));
          return 0;
        }
        const entries = flattenSettings(settings).filter(([k]) => k === key || k.startsWith(`${key}.`));
        if (!entries.length) throw new UsageError(`unknown setting "${key}" (convdesk settings get lists them)`);
        if (values.json) printJson(io, valueAt(settings, key) ?? Object.fromEntries(entries));
        else printFlat(io, entries);
        return 0;
      }
      case 'set': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } }, strict: true });
        if (!positionals.length) throw new UsageError('settings set needs at least one KEY=VALUE (e.g. defaultCountry=FR)');
        const next = applyAssignments(getSettings(ctx.db), positionals);
        const saved = importSettingsJson(ctx.db, JSON.stringify(next));
        if (values.json) printJson(io, saved);
        else io.out(`saved ${positionals.length} setting(s)`);
        return 0;
      }
      case 'export': {
        const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {}, strict: true });
        if (positionals.length !== 1) throw new UsageError('settings export takes exactly one FILE');
        const path = resolve(positionals[0]!);
        try {
          writeFileSync(path, exportSettingsJson(ctx.db).json, { mode: 0o600 });
        } catch (error) {
          throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
        }
        io.out(`settings written to ${path}`);
        return 0;
      }
      case 'import': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } }, strict: true });
        if (positionals.length !== 1) throw new UsageError('settings import takes exactly one FILE');
        const path = existingFile(positionals[0]!);
        const saved = importSettingsJson(ctx.db, readFileSync(path, 'utf8'));
        if (values.json) printJson(io, saved);
        else io.out(`settings imported from ${path}`);
        return 0;
      }
      default:
        throw new UsageError(`settings needs a sub-command: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    }
  },
};
