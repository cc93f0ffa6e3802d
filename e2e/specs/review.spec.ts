import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';

const CRM_EXPORT = join(__dirname, '..', 'data', 'crm-export.csv');
// crm-export.csv has 6 valid rows: ORD-1001 (Oct 1), 1002 (Oct 2), 1003 (Oct 3), 1005 (Oct 5), 1008 (Oct 8), 1010 (Oct 10).

test.beforeEach(async ({ app }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(CRM_EXPORT);
  await importPage.start();
  await importPage.expectReport({ imported: 6 });
});

test('filter by status and date, sort, select, queue, mark one failed, read its history', async ({ app, harness }) => {
  const review = new ReviewPage(app);
  await review.open(harness.url);
  await expect(review.rows()).toHaveCount(6);

  await review.toggleStatus('Pending');
  await review.setDateRange('2026-10-02', '2026-10-05');
  await expect(review.rows()).toHaveCount(3);
  await expect(review.total()).toContainText('3');
  expect(new URL(app.url().replace('#/', '')).searchParams.toString()).toContain('2026-10-02');

  await app.getByRole('columnheader', { name: /Event time/ }).click();
  await expect.poll(() => review.transactionIds()).toEqual(['ORD-1002', 'ORD-1003', 'ORD-1005']);
  await app.getByRole('columnheader', { name: /Event time/ }).click();
  await expect.poll(() => review.transactionIds()).toEqual(['ORD-1005', 'ORD-1003', 'ORD-1002']);

  await review.select('ORD-1002');
  await review.select('ORD-1005');
  await expect(app.getByTestId('bulk-count')).toContainText('2');
  await review.bulk('Queue');
  await expect(review.outcome()).toContainText('2');
  const statuses = harness.query<{ transaction_id: string; sync_status: string }>(
    'SELECT transaction_id, sync_status FROM conversion_events ORDER BY transaction_id',
  );
  expect(statuses.filter((s) => s.sync_status === 'queued').map((s) => s.transaction_id)).toEqual(['ORD-1002', 'ORD-1005']);

  await review.toggleStatus('Pending');
  await review.toggleStatus('Queued');
  await expect(review.rows()).toHaveCount(2);
  await review.select('ORD-1005');
  await review.bulk('Mark failed…', 'Google: UNPARSEABLE_GCLID');
  const [failed] = harness.query<{ sync_status: string; sync_error: string; sync_attempts: number }>(
    "SELECT sync_status, sync_error, sync_attempts FROM conversion_events WHERE transaction_id = 'ORD-1005'",
  );
  expect(failed).toEqual({ sync_status: 'failed', sync_error: 'Google: UNPARSEABLE_GCLID', sync_attempts: 1 });

  await review.toggleStatus('Queued');
  await review.toggleStatus('Failed');
  await review.row('ORD-1005').getByText('ORD-1005').first().click();
  const history = review.detail().getByTestId('history-entry');
  await expect(history).toHaveCount(2);
  await expect(review.detail().getByTestId('detail-history')).toContainText('Google: UNPARSEABLE_GCLID');
  await expect(review.detail().getByTestId('detail-history')).toContainText(/queued/i);
});

test('an illegal transition is refused with a readable message and changes nothing', async ({ app, harness }) => {
  const review = new ReviewPage(app);
  await review.open(harness.url);
  await review.select('ORD-1001');
  await review.bulk('Queue');
  await review.select('ORD-1001');
  await review.bulk('Mark sent');
  // ORD-1001 is sent now; with a pending one, "Skip" applies to the pending row and refuses the sent one.
  await review.select('ORD-1001');
  await review.select('ORD-1003');
  await review.bulk('Skip');
  await expect(review.outcome()).toContainText(/refused/i);
  await expect(review.outcome()).toContainText(/sent/i);
  const rows = harness.query<{ transaction_id: string; sync_status: string }>(
    "SELECT transaction_id, sync_status FROM conversion_events WHERE transaction_id IN ('ORD-1001', 'ORD-1003') ORDER BY 1",
  );
  expect(rows).toEqual([
    { transaction_id: 'ORD-1001', sync_status: 'sent' },
    { transaction_id: 'ORD-1003', sync_status: 'skipped' },
  ]);
  // Straight through the API, an illegal move is a typed refusal and nothing changes.
  const answer = await app.evaluate(async () => {
    const api = (window as unknown as { api: Record<string, (input: unknown) => Promise<unknown>> }).api;
    const list = (await api['events:list']!({ filter: { statuses: ['sent'] } })) as { value: { events: { id: string }[] } };
    return api['events:transition']!({ action: 'retry', target: { ids: [list.value.events[0]!.id] } });
  });
  expect(answer).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
  expect((answer as { error: { message: string } }).error.message).toMatch(/sent/);
  expect(harness.query("SELECT id FROM conversion_events WHERE sync_status <> 'sent' AND transaction_id = 'ORD-1001'")).toEqual([]);
});

test('keyboard-only review: move, select, queue, open the detail, clear', async ({ app, harness }) => {
  const review = new ReviewPage(app);
  await review.open(harness.url, 'sort=event_time&dir=asc');
  await expect(review.rows()).toHaveCount(6);
  await app.locator('body').click({ position: { x: 5, y: 400 } });
  await app.keyboard.press('j');
  await app.keyboard.press(' ');
  await app.keyboard.press('j');
  await app.keyboard.press(' ');
  await expect(app.getByTestId('bulk-count')).toContainText('2');
  await app.keyboard.press('q');
  await expect(review.dialog()).toBeVisible();
  // Keyboard focus moves to the confirm button; Enter confirms only once it is there.
  await expect(review.dialog().locator('button[type=submit]')).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(review.dialog()).toBeHidden();
  await expect.poll(() => harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'queued'")[0]!.n).toBe(2);
  await app.keyboard.press('Escape');
  await expect(review.bulkBar()).toBeHidden();
  await app.keyboard.press('Enter');
  await expect(review.detail()).toBeVisible();
  await app.keyboard.press('/');
  await expect(app.getByTestId('filter-search')).toBeFocused();
});
