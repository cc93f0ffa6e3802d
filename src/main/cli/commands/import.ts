import type { CliCommand } from '../command';
import { UsageError } from '../io';

// Filled in by the import feature.
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a CSV file',
  usage: 'import FILE [--mapping auto|PRESET|JSON] [--on-duplicate skip|update|error] [--json]',
  run() {
    throw new UsageError('import is not available yet');
  },
};
