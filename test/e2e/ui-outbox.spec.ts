import { expect, test } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { decideSimply, openApp, startOwnWebMode, waitForRows } from './ui-helpers.ts';

// Each test runs its own sandbox and web mode: it stops the network and moves the Market's clock.
test.describe('decisions through the outbox, against a sandbox of our own', () => {
  test.setTimeout(180_000);

  test('offline: decide while the Market drops every request, come back, see it delivered', async ({ page }) => {
    const own = await startOwnWebMode();
    try {
      await openApp(page, own.url);
      await waitForRows(page);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('detail')).toBeVisible();
      await expect(page.getByTestId('item-decision').first()).toBeVisible({ timeout: 30_000 });
      await own.admin.setFaults({ type: 'drop', path: '.*', rate: 1 });
      await decideSimply(page);
      await page.keyboard.press('Control+Shift+Enter'); // send and stay on this return
      await expect(page.getByTestId('outbox-card')).toHaveAttribute('data-state', /queued|sending|failed/);
      await saveScreen(page, 'decision-offline-light');
      await own.admin.clearFaults();
      await page.getByTestId('sync-now').click();
      await expect(page.getByTestId('outbox-card')).toHaveAttribute('data-state', 'delivered', { timeout: 120_000 });
      await expect(page.getByTestId('online-state')).toHaveAttribute('data-online', 'true', { timeout: 60_000 });
    } finally {
      await own.stop();
    }
  });

  test('conflict: the deadline passed on the Market before the decision arrived, and the operator is told why', async ({ page }) => {
    const own = await startOwnWebMode();
    try {
      await openApp(page, own.url);
      await waitForRows(page);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('item-decision').first()).toBeVisible({ timeout: 30_000 });
      await decideSimply(page);
      // The Market's clock jumps past every 48-hour window, and the decision is held back until then.
      await own.admin.setFaults({ type: 'drop', path: 'decision', rate: 1 });
      await page.keyboard.press('Control+Shift+Enter'); // send and stay on this return
      await expect(page.getByTestId('outbox-card')).toBeVisible();
      await own.admin.advanceClock(49 * 3_600_000);
      await own.admin.clearFaults();
      await page.getByTestId('sync-now').click();
      const card = page.getByTestId('outbox-card');
      await expect(card).toHaveAttribute('data-state', 'conflict', { timeout: 120_000 });
      await saveScreen(page, 'decision-conflict-light');
      // Our explanation always; the Market's own words when the refusal came from the Market.
      await expect(card.getByTestId('outbox-explanation')).not.toBeEmpty();
      await expect(card.getByTestId('outbox-explanation')).not.toHaveText('');
    } finally {
      await own.stop();
    }
  });
});
