import { test as base, expect, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export interface Harness {
  /** The page's address, with the per-run token (`${url}#/review` opens a screen). */
  url: string;
  /** http://127.0.0.1:PORT, for the harness's own endpoints. */
  origin: string;
  token: string;
  dataDir: string;
  dbPath: string;
  /** Reads the harness's database (read-only) — the e2e assertions' second witness besides the screen. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** Answers the next native open/save dialogs (the harness's scripted stand-in for Electron's dialog). */
  queueDialogAnswers(answers: { open?: (string | null)[]; save?: (string | null)[] }): Promise<void>;
}

const root = join(__dirname, '..');

/** Starts a harness on a fresh temp user-data dir; resolves when it prints its address. */
async function startHarness(): Promise<{ child: ChildProcess; info: { url: string; origin: string; token: string; dataDir: string; dbPath: string } }> {
  const child = spawn(process.execPath, [join(root, 'out/node/harness.cjs'), '--exit-with-stdin'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<{ url: string; origin: string; token: string; dataDir: string; dbPath: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`harness exited with ${code} before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line)));
  });
  return { child, info };
}

export const test = base.extend<{ harness: Harness; app: Page }>({
  harness: async ({}, use) => {
    const { child, info } = await startHarness();
    const harness: Harness = {
      ...info,
      query(sql, ...params) {
        const db = new Database(info.dbPath, { readonly: true, fileMustExist: true });
        try {
          return db.prepare(sql).all(...params) as never;
        } finally {
          db.close();
        }
      },
      async queueDialogAnswers(answers) {
        const response = await fetch(`${info.origin}/__test__/dialogs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-convdesk-token': info.token },
          body: JSON.stringify(answers),
        });
        if (!response.ok) throw new Error(`dialog answers refused: ${response.status}`);
      },
    };
    await use(harness);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin!.end();
    await exited;
  },
  /** The app's window: the built renderer served by this test's harness. */
  app: async ({ page, harness }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.url);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };
