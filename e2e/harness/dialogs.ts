import { join } from 'node:path';
import type { DialogProvider } from '../../src/main/app/context';
import { safeFileName } from '../../src/main/files/names';

/**
 * Stand-in for Electron's native dialogs. Tests queue the next answers (POST /__test__/dialogs);
 * without a queued answer, "open" is cancelled and "save" writes into <dataDir>/exports.
 */
export class ScriptedDialogs implements DialogProvider {
  readonly openAnswers: (string | null)[] = [];
  readonly saveAnswers: (string | null)[] = [];
  readonly asked: { kind: 'open' | 'save'; title: string }[] = [];

  constructor(private readonly dataDir: string) {}

  async openFile(options: { title: string }): Promise<string | null> {
    this.asked.push({ kind: 'open', title: options.title });
    return this.openAnswers.length ? (this.openAnswers.shift() ?? null) : null;
  }

  async saveFile(options: { title: string; defaultName: string }): Promise<string | null> {
    this.asked.push({ kind: 'save', title: options.title });
    if (this.saveAnswers.length) return this.saveAnswers.shift() ?? null;
    // The default name can come from an uploaded file's name: never let it leave the exports folder.
    return join(this.dataDir, 'exports', safeFileName(options.defaultName, 'export.csv'));
  }
}
