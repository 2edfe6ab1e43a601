import { expect, test } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { expectAccessible, openApp, openSettings, setTheme, waitForRows } from './ui-helpers.ts';

// Needs main's returns.*, decisions.* and outbox.* channels.
test.describe('operator UI in web mode (demo sandbox)', () => {
  test('triage by keyboard: from the inbox to a delivered decision', async ({ page }) => {
    await openApp(page);
    await page.getByTestId('view-awaiting').click();
    await waitForRows(page);
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('detail')).toBeVisible();
    const panel = page.getByTestId('decision-panel');
    await expect(panel.getByTestId('item-decision').first()).toBeVisible({ timeout: 30_000 });
    const items = await panel.getByTestId('item-decision').count();
    // Pick "refund" (or the first simple decision) for each item with the number keys.
    for (let i = 0; i < items; i++) {
      const choices = panel.getByTestId('item-decision').nth(i).locator('input[type=radio]');
      const values = await choices.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      const n =
        Math.max(
          0,
          values.findIndex((v) => ['REFUND_MONEY', 'FAST_REFUND_MONEY', 'REPLACE', 'SEND_TO_EXAMINATION'].includes(v)),
        ) + 1;
      await page.keyboard.press(String(n));
      if (i < items - 1) await page.keyboard.press(']');
    }
    await saveScreen(page, 'detail-decision-light');
    await page.keyboard.press('Control+Shift+Enter'); // send and stay on this return
    await expect(panel.getByTestId('outbox-card')).toBeVisible();
    await expect(panel.getByTestId('outbox-card')).toHaveAttribute('data-state', 'delivered', { timeout: 45_000 });
  });

  test('a partial non-purchase shows what was ordered, what was not bought, and the money', async ({ page }) => {
    test.setTimeout(150_000); // scans the demo's non-purchases until a partial one, a detail load each
    await openApp(page);
    await page.getByTestId('view-all').click();
    await page.getByTestId('filter-type').selectOption('UNREDEEMED');
    await waitForRows(page);
    // Open non-purchases one by one, each time waiting for its own detail (not the previous one's).
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      const row = page.getByTestId('inbox-row').nth(i);
      const returnId = await row.getAttribute('data-return-id');
      await row.click();
      await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', returnId ?? '');
      await expect(page.getByTestId('order')).toBeVisible();
      found = await page.getByTestId('partial-note').isVisible();
    }
    expect(found, 'a partial non-purchase in the demo data').toBe(true);
    // What remains is the cost minus what every return of the order takes back, this one included.
    const amount = (text: string) => (/[−-]/.test(text) ? -1 : 1) * Number(text.replace(/[^\d.,]/g, '').replace(/,/g, ''));
    const cost = amount(await page.getByTestId('order-cost').innerText());
    const takenBack = (await page.getByTestId('take-back').locator('td').allInnerTexts()).reduce((sum, text) => sum - (text === '—' ? 0 : amount(text)), 0);
    await expect(page.getByTestId('refund-amount')).toBeVisible();
    expect(amount(await page.getByTestId('order-remains').innerText())).toBeCloseTo(cost - takenBack, 0);
    const kept = page.getByTestId('order-item').filter({ has: page.getByTestId('order-item-returned').filter({ hasText: '—' }) });
    await expect(kept.first()).toBeVisible();
    await saveScreen(page, 'detail-partial-light');
    await page.getByTestId('filter-reset').click();
  });

  test('language switch: Russian throughout, then back to English', async ({ page }) => {
    await openApp(page);
    await openSettings(page);
    await page.getByTestId('language').selectOption('ru');
    await expect(page.getByRole('heading', { name: 'Настройки' })).toBeVisible();
    await expect(page.getByTestId('connection')).toHaveText('Подключено');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('view-awaiting')).toContainText('Ждут решения');
    await saveScreen(page, 'inbox-ru-light');
    await openSettings(page);
    await page.getByTestId('language').selectOption('en');
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await page.getByTestId('language').selectOption('');
  });

  test('shortcut list, search focus, and no serious accessibility problems; screens in both themes', async ({ page }) => {
    test.setTimeout(240_000); // six axe scans of full screens
    await openApp(page);
    await waitForRows(page);
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
    await saveScreen(page, 'shortcuts-light');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcuts-dialog')).toBeHidden();
    await page.keyboard.press('/');
    await expect(page.getByTestId('search')).toBeFocused();
    await page.keyboard.press('j'); // typed, not a shortcut
    await expect(page.getByTestId('search')).toHaveValue('j');
    await page.getByTestId('search').fill('');
    await page.keyboard.press('Escape');

    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await expectAccessible(page);
      await saveScreen(page, `inbox-${theme}`);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('detail')).toBeVisible();
      await expectAccessible(page);
      await saveScreen(page, `detail-${theme}`);
      await openSettings(page);
      await expectAccessible(page);
      await saveScreen(page, `settings-${theme}`);
      await page.keyboard.press('Escape');
    }
    await setTheme(page, 'system');
  });
});
