import { expect, type Locator, type Page } from '@playwright/test';

/** Settings (destinations) and Export & batches screens. */
export class ExportPage {
  constructor(readonly page: Page) {}

  readonly preflight = (): Locator => this.page.getByTestId('preflight');
  readonly batches = (): Locator => this.page.getByTestId('batch-row');

  async setGoogleConversionAction(baseUrl: string, eventName: string, action: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/settings`);
    await this.page.getByTestId(`google-action-${eventName}`).fill(action);
    await this.page.getByTestId('save-settings').click();
    await expect(this.page.getByTestId('settings-message')).toBeVisible();
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}#/export`);
    await expect(this.page.getByTestId('destination-picker')).toBeVisible();
  }

  async chooseDestination(format: 'google-click' | 'google-leads' | 'meta' | 'csv'): Promise<void> {
    await this.page.getByTestId(`destination-${format}`).click();
  }
}
