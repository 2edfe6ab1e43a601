import { expect, test } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { startOwnWebMode } from './ui-helpers.ts';

test('an alert reaches the browser tab as a toast and opens its return', async ({ page }) => {
  test.setTimeout(120_000);
  const web = await startOwnWebMode();
  try {
    await page.goto(web.url);
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
    // Without the operator's permission the tab uses in-app toasts; settings say so.
    // A new return whose decision is due in 40 minutes appears on the Market.
    const { now } = await web.admin.clock();
    const created = await web.admin.createReturn({
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - (48 * 60 - 40) * 60_000).toISOString(),
    });
    await page.keyboard.press('Shift+R');
    const toast = page.getByTestId('toast').filter({ hasText: String(created.id) });
    await expect(toast).toBeVisible({ timeout: 60_000 });
    await saveScreen(page, 'alert-toast');
    await toast.getByRole('button', { name: /Open|Открыть/ }).click();
    await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', String(created.id));
    await page.keyboard.press(',');
    await expect(page.getByTestId('notifications-state')).toContainText(/inside the page|на странице/);
  } finally {
    await web.stop();
  }
});
