import { expect, test } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { expectAccessible, installFakeBridge, openSettings } from './ui-helpers.ts';

/**
 * The renderer on its own, over a stand-in bridge with fixed data: states the sandbox cannot make on
 * demand (10 000 rows, an unknown status, a failing channel). Served by web mode's static server.
 */
const origin = () => new URL(process.env.RETURNDESK_E2E_URL ?? 'http://127.0.0.1').origin;

test.describe('the renderer over a stand-in bridge', () => {
  test('10 000 rows scroll, unknown values show as unknown, keyboard triage reaches a delivered decision', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await installFakeBridge(page, { rows: 10_000 });
    await page.goto(`${origin()}/`);
    await expect(page.getByTestId('inbox-total')).toContainText('7,500');
    // Virtualized: only a window of rows is in the DOM, and scrolling far loads further pages.
    expect(await page.getByTestId('inbox-row').count()).toBeLessThan(60);
    await page.getByTestId('inbox-list').evaluate((el) => (el.scrollTop = 60 * 7000));
    await expect(page.locator('[data-testid="inbox-row"][data-return-id]').first()).toBeVisible();
    await expect(page.getByText('Unknown (BRAND_NEW_STATUS)').first()).toBeVisible();
    await page.getByTestId('inbox-list').evaluate((el) => (el.scrollTop = 0));

    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('detail')).toBeVisible();
    await expect(page.getByText('Unknown (SOME_NEW_REASON)')).toBeVisible();
    await page.keyboard.press('2'); // decline the first item: needs a reason and a comment
    await expect(page.getByTestId('decision-reason')).toBeVisible();
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('decision-problems')).toBeVisible();
    await page.getByTestId('decision-reason').selectOption('MECHANICAL_DAMAGE');
    await page.getByTestId('decision-comment').fill('Скол на корпусе, на фото покупателя его нет');
    // Typing keys in a field stay text; Escape leaves the field and the keys act again.
    await page.keyboard.press('Escape');
    await page.keyboard.press(']');
    await page.keyboard.press('1');
    await expect(page.getByTestId('item-decision').nth(1).getByTestId('choice-REFUND_MONEY')).toBeChecked();
    await expect(page.getByTestId('decision-comment')).toHaveValue('Скол на корпусе, на фото покупателя его нет');
    await saveScreen(page, 'fake-detail-form');
    await page.keyboard.press('Control+Shift+Enter'); // send and stay on this return
    await expect(page.getByTestId('outbox-card')).toHaveAttribute('data-state', 'delivered');
    expect(errors).toEqual([]);
  });

  test('a failing channel shows a message and a retry, not a blank pane', async ({ page }) => {
    await installFakeBridge(page, { failChannels: ['returns.list'] });
    await page.goto(`${origin()}/`);
    await expect(page.getByRole('alert').filter({ hasText: 'returns.list is down' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test("bad settings are marked with main's reason", async ({ page }) => {
    await installFakeBridge(page);
    await page.goto(`${origin()}/`);
    await openSettings(page);
    await page.getByTestId('poll-fast').fill('3');
    await page.getByTestId('poll-fast').blur();
    await expect(page.getByTestId('error-pollFastSeconds')).toContainText('>=15');
    await expect(page.getByTestId('poll-fast')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('apikey-no-encryption')).toBeVisible();
    await page.getByTestId('thresholds').fill('24, abc');
    await page.getByTestId('thresholds').blur();
    await expect(page.getByText('Enter numbers above 0')).toBeVisible();
    await expectAccessible(page);
  });
});

test('screens over the stand-in bridge, both themes, and no serious accessibility problems', async ({ page }) => {
  test.setTimeout(180_000); // four axe scans of full screens: about a minute on a loaded two-core machine
  await installFakeBridge(page);
  await page.goto(`${origin()}/`);
  await expect(page.getByTestId('inbox-row').first()).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('inbox-row').nth(3).click();
    await expect(page.getByTestId('detail')).toBeVisible();
    await expectAccessible(page);
    await saveScreen(page, `fake-inbox-${theme}`);
    await page.setViewportSize({ width: 1280, height: 2000 });
    await saveScreen(page, `fake-detail-tall-${theme}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openSettings(page);
    await expectAccessible(page);
    await saveScreen(page, `fake-settings-${theme}`);
    await page.keyboard.press('Escape');
  }
});
