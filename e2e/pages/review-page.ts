import { expect, type Locator, type Page } from '@playwright/test';

/** The Review screen: filter bar, virtualized grid, bulk bar, detail panel, status bar. */
export class ReviewPage {
  constructor(readonly page: Page) {}

  readonly rows = (): Locator => this.page.getByTestId('event-row');
  readonly bulkBar = (): Locator => this.page.getByTestId('bulk-bar');
  readonly detail = (): Locator => this.page.getByTestId('event-detail');
  readonly total = (): Locator => this.page.getByTestId('status-total');
  readonly dialog = (): Locator => this.page.getByTestId('confirm-dialog');
  readonly outcome = (): Locator => this.page.getByTestId('bulk-outcome');

  async open(baseUrl: string, query = ''): Promise<void> {
    await this.page.goto(`${baseUrl}#/review${query ? `?${query}` : ''}`);
    await expect(this.page.getByTestId('review-screen')).toBeVisible();
  }

  async toggleStatus(status: 'Pending' | 'Queued' | 'Sent' | 'Failed' | 'Skipped'): Promise<void> {
    await this.page.getByRole('group', { name: 'Status' }).getByRole('checkbox', { name: new RegExp(`^${status}$`, 'i') }).click();
  }

  async setDateRange(from: string, to: string): Promise<void> {
    await this.page.getByLabel('From', { exact: true }).fill(from);
    await this.page.getByLabel('To', { exact: true }).fill(to);
  }

  row(transactionId: string): Locator {
    return this.rows().filter({ hasText: transactionId });
  }

  async select(transactionId: string): Promise<void> {
    await this.row(transactionId).getByTestId('row-checkbox').check();
  }

  async bulk(action: 'Queue' | 'Unqueue' | 'Skip' | 'Restore' | 'Mark sent' | 'Mark failed…' | 'Retry', reason?: string): Promise<void> {
    await this.bulkBar().getByRole('button', { name: action, exact: true }).click();
    await expect(this.dialog()).toBeVisible();
    if (reason !== undefined) await this.dialog().getByLabel('Reason').fill(reason);
    await this.dialog().locator('button[type=submit]').click();
    await expect(this.dialog()).toBeHidden();
  }

  /** The visible rows' transaction ids, top to bottom. */
  async transactionIds(): Promise<string[]> {
    const texts = await this.rows().allInnerTexts();
    return texts.map((text) => /ORD-\d+/.exec(text)?.[0] ?? '?');
  }
}
