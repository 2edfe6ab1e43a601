import { expect, test, type Page } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { startOwnWebMode } from './ui-helpers.ts';

/** A return whose decision is due in 40 minutes: past every threshold (24, 6 and 1 hour) when it appears. */
const createdFortyMinutesBeforeDeadline = (now: string): string => new Date(Date.parse(now) - (48 * 60 - 40) * 60_000).toISOString();

/** Every store has finished its first sync (the status bar's tooltip names each store with its time). */
async function firstSyncDone(page: Page): Promise<void> {
  const lastSync = page.getByTestId('last-sync');
  await expect(lastSync).toHaveAttribute('title', /\S/, { timeout: 60_000 });
  await expect(lastSync).not.toHaveAttribute('title', /Not synced yet|Ещё не синхронизировано/, { timeout: 60_000 });
}

test('an alert reaches the browser tab as a toast and opens its return', async ({ page }) => {
  test.setTimeout(180_000);
  const web = await startOwnWebMode();
  try {
    await page.goto(web.url);
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
    // The demo's own returns are stored and alerted first: a return arriving in the same tick as them would be
    // one of a summary (see the next test). No demo return of this world crosses a threshold in its first 20 minutes.
    await firstSyncDone(page);
    // Without the operator's permission the tab uses in-app toasts; settings say so.
    // A new return whose decision is due in 40 minutes appears on the Market.
    const { now } = await web.admin.clock();
    const created = await web.admin.createReturn({
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: createdFortyMinutesBeforeDeadline(now),
    });
    await page.keyboard.press('Shift+R');
    const toast = page.getByTestId('toast').filter({ hasText: String(created.id) });
    await expect(toast).toBeVisible({ timeout: 60_000 });
    await expect(toast).toContainText(/1 return needs a decision within 1 hour|Решение нужно в течение 1 часа: 1 возврат/);
    await saveScreen(page, 'alert-toast');
    await toast.getByRole('button', { name: /^(Open|Открыть)$/ }).click();
    await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', String(created.id));
    await page.keyboard.press(',');
    await expect(page.getByTestId('notifications-state')).toContainText(/inside the page|на странице/);
  } finally {
    await web.stop();
  }
});

test('a summary toast says how many returns it is about and shows their list, not one return', async ({ page }) => {
  test.setTimeout(120_000);
  const web = await startOwnWebMode();
  try {
    // The return is on the Market before the app's first sync, so it is alerted in one tick with the demo's own.
    const { now } = await web.admin.clock();
    const created = await web.admin.createReturn({
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: createdFortyMinutesBeforeDeadline(now),
    });
    await page.goto(web.url);
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
    // The most urgent return names the summary; its title counts them all.
    const toast = page.getByTestId('toast').filter({ hasText: String(created.id) });
    await expect(toast).toBeVisible({ timeout: 60_000 });
    await expect(toast).toContainText(/([2-9]|\d\d+) returns need a decision|Решение нужно [^:]+: ([2-9]|\d\d+) возврат/);
    await saveScreen(page, 'alert-toast-summary');
    await expect(toast.getByRole('button', { name: /^(Open|Открыть)$/ })).toHaveCount(0);
    await toast.getByRole('button', { name: /Show the list|Показать список/ }).click();
    // The list of returns awaiting a decision, the most urgent (this one) first; no single return opened.
    const rows = page.getByTestId('inbox-row');
    await expect(rows.first()).toHaveAttribute('data-return-id', String(created.id));
    await expect(page.getByTestId('detail')).toHaveCount(0);
  } finally {
    await web.stop();
  }
});
