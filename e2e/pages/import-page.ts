import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, type Page } from '@playwright/test';

/** The Import screen: drop or open a CSV, check the mapping, run it, read the report. */
export class ImportPage {
  constructor(readonly page: Page) {}

  readonly mapping = () => this.page.getByTestId('mapping-step');
  readonly report = () => this.page.getByTestId('import-report');
  /** Refused lines, once per reason group they are in (a line refused for two reasons is in two groups). */
  readonly errorRows = () => this.page.getByTestId('error-row');

  /** The distinct refused lines, in file order. */
  async errorLines(): Promise<number[]> {
    const lines = await this.errorRows().evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-row'))));
    return [...new Set(lines)].sort((a, b) => a - b);
  }

  /** Drops a file from disk onto the window with a real `drop` event carrying a DataTransfer. */
  async dropFile(path: string, type = 'text/csv'): Promise<void> {
    await this.dropBytes(basename(path), readFileSync(path), type);
  }

  /** Drops text as a file (built by the test), through the same real `drop` event. */
  async dropText(name: string, text: string): Promise<void> {
    await this.dropBytes(name, Buffer.from(text, 'utf8'), 'text/csv');
  }

  private async dropBytes(name: string, bytes: Buffer, type: string): Promise<void> {
    await this.page.evaluate(
      ({ base64, name, type }) => {
        const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([data], name, { type }));
        for (const kind of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }
      },
      { base64: bytes.toString('base64'), name, type },
    );
  }

  /** Drops a CSV generated inside the page (large files without shipping megabytes through the driver). */
  async dropGeneratedCsv(name: string, rows: number): Promise<void> {
    await this.page.evaluate(
      ({ name, rows }) => {
        const lines = ['Email,Phone Number,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID'];
        for (let i = 0; i < rows; i++) {
          const day = String(1 + (i % 28)).padStart(2, '0');
          lines.push(`user${i}@example.com,+1415555${String(i % 10000).padStart(4, '0')},purchase,2026-09-${day} 10:00:00+0000,${(i % 500) + 1}.25,USD,BIG-${i}`);
        }
        const transfer = new DataTransfer();
        transfer.items.add(new File([lines.join('\n')], name, { type: 'text/csv' }));
        for (const kind of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }
      },
      { name, rows },
    );
  }

  fieldFor(columnIndex: number) {
    return this.page.getByTestId(`mapping-select-${columnIndex}`);
  }

  async start(): Promise<void> {
    await this.page.getByTestId('start-import').click();
  }

  async expectReport(counts: Partial<Record<'imported' | 'duplicates' | 'invalid' | 'read', number>>): Promise<void> {
    await expect(this.report()).toBeVisible({ timeout: 60_000 });
    for (const [key, value] of Object.entries(counts)) {
      await expect(this.page.getByTestId(`report-${key}`)).toContainText(value.toLocaleString('en-US'));
    }
  }
}
