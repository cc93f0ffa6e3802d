import type { Page } from '@playwright/test';

export type ScreenName = 'Overview' | 'Import' | 'Review' | 'Export & batches' | 'Campaigns & brands' | 'Settings';

/** The window's frame: sidebar navigation and live counts. */
export class AppShell {
  constructor(readonly page: Page) {}

  async open(screen: ScreenName): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();
  }

  sidebarCount(status: 'pending' | 'queued' | 'failed') {
    return this.page.getByTestId(`sidebar-count-${status}`);
  }
}
