import { z } from 'zod';
import { channel } from '../define';
import {
  DelimiterSchema,
  EncodingSchema,
  FileRefSchema,
  HashPlatformSchema,
  ImportMappingSchema,
  ImportOptionsSchema,
  PresetSaveSchema,
  type ImportReport,
  type ImportSummary,
  type MappingPreset,
  type SniffResult,
  type SourceTime,
} from '../../domain/imports';
import type { SampleQuality } from '../../domain/match-quality';

const ImportIdSchema = z.object({ importId: z.string().min(1).max(64) }).strict();
const FileRefInput = FileRefSchema.pick({ id: true }).passthrough();

export const importsChannels = {
  /** Sniffs the file: encoding, delimiter, header, time zone, decimal comma, masked preview, suggested mapping/preset. */
  'imports:preview': channel(
    z.object({ file: FileRefInput, encoding: EncodingSchema.optional(), delimiter: DelimiterSchema.optional() }).strict(),
  ).returns<SniffResult>(),
  /** Fill rates per match key and platform, the match estimate and each column's fill rate, on a sample spread through the file, under this mapping. */
  'imports:quality': channel(
    z
      .object({
        file: FileRefInput,
        mapping: ImportMappingSchema,
        encoding: EncodingSchema.optional(),
        delimiter: DelimiterSchema.optional(),
        defaultCountry: ImportOptionsSchema.shape.defaultCountry,
        prehashedFor: HashPlatformSchema.optional(),
      })
      .strict(),
  ).returns<SampleQuality>(),
  /** Starts the import in a worker; progress arrives as `import:progress`. */
  'imports:start': channel(
    z.object({ file: FileRefInput, mapping: ImportMappingSchema, options: ImportOptionsSchema.optional() }).strict(),
  ).returns<{ importId: string }>(),
  'imports:cancel': channel(ImportIdSchema).returns<{ cancelled: boolean }>(),
  /** The report: counts and invalid rows (file line, column, masked value, reason). */
  'imports:get': channel(ImportIdSchema).returns<ImportReport>(),
  /** An event's time as its file gave it (the cell's text) and the zone it was read in; null when not from a file. */
  'imports:eventTime': channel(z.object({ eventId: z.uuid() }).strict()).returns<SourceTime | null>(),
  'imports:list': channel(z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()).returns<ImportSummary[]>(),
  /** Deletes exactly this import's events; refused when any was already sent. */
  'imports:undo': channel(ImportIdSchema).returns<{ deleted: number }>(),
  /** Saves the invalid rows (original cells, formula-escaped, with a Reason column) to a file the user picks; null if cancelled. */
  'imports:saveErrors': channel(ImportIdSchema).returns<{ path: string; rows: number } | null>(),
  'presets:list': channel(z.object({}).strict()).returns<MappingPreset[]>(),
  'presets:save': channel(PresetSaveSchema).returns<MappingPreset>(),
  'presets:delete': channel(z.object({ id: z.string().min(1).max(64) }).strict()).returns<{ deleted: boolean }>(),
} as const;
