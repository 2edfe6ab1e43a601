import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { openApp, openSettings, startOwnWebMode, waitForRows } from './ui-helpers.ts';

/**
 * A key pressed on the Russian layout: the browser reports the Cyrillic letter in `key` and the
 * physical key in `code` (J types "о", K "л", O "щ", Z "я"), exactly as Chromium does for a Russian keyboard.
 */
async function russianKey(page: Page, code: string, key: string, mods: { ctrlKey?: boolean; shiftKey?: boolean } = {}): Promise<void> {
  await page.evaluate(
    ({ code, key, mods }) => {
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(new KeyboardEvent('keydown', { code, key, bubbles: true, cancelable: true, ...mods }));
    },
    { code, key, mods },
  );
}

async function setLanguage(page: Page, locale: 'ru' | 'en', holdSeconds?: number): Promise<void> {
  await openSettings(page);
  await page.getByTestId('language').selectOption(locale);
  if (holdSeconds !== undefined) {
    await page.getByTestId('decision-hold').fill(String(holdSeconds));
    await page.getByTestId('decision-hold').blur();
  }
  await page.keyboard.press('Escape');
}

test.describe("an operator's day, in Russian, against a sandbox of our own", () => {
  test.setTimeout(240_000);

  test('Russian-layout keys, send and open the next, take it back within the hold, then it leaves once', async ({ page }) => {
    const own = await startOwnWebMode();
    try {
      await page.setViewportSize({ width: 1280, height: 720 });
      await openApp(page, own.url);
      // A hold long enough that a loaded machine cannot outrun the test; the hold itself is proven in main's tests.
      await setLanguage(page, 'ru', 30);
      await waitForRows(page);
      const rows = page.getByTestId('inbox-row');
      const first = await rows.nth(0).getAttribute('data-return-id');
      const second = await rows.nth(1).getAttribute('data-return-id');
      await page.getByTestId('inbox-list').focus();
      // J and K by their place on the keyboard: "о" and "л" on the Russian layout.
      await russianKey(page, 'KeyJ', 'о');
      await expect(rows.nth(1)).toHaveClass(/cursor/);
      await russianKey(page, 'KeyK', 'л');
      await expect(rows.nth(0)).toHaveClass(/cursor/);
      await russianKey(page, 'KeyO', 'щ');
      await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', first!);
      // The open row is marked beyond doubt: its own class and the accent bar.
      await expect(rows.nth(0)).toHaveClass(/selected/);

      const items = page.getByTestId('item-decision');
      await expect(items.first()).toBeVisible({ timeout: 30_000 });
      // The evidence sits inside the decision: the buyer's reason in the first screen at 1280×720.
      await expect(items.first().getByTestId('item-reason').first()).toBeInViewport();
      const n = await items.count();
      for (let i = 0; i < n; i++) {
        const values = await items
          .nth(i)
          .locator('input[type=radio]')
          .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
        const pick =
          Math.max(
            0,
            values.findIndex((v) => ['REFUND_MONEY', 'FAST_REFUND_MONEY', 'REPLACE', 'SEND_TO_EXAMINATION'].includes(v)),
          ) + 1;
        await russianKey(page, `Digit${pick}`, String(pick));
        if (i < n - 1) await russianKey(page, 'BracketRight', 'ъ');
      }
      await russianKey(page, 'Enter', 'Enter', { ctrlKey: true });
      // Sent and on to the next return; the decision waits out its hold in the undo bar (main may be slow on a loaded machine).
      await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', second!, { timeout: 30_000 });
      const undo = page.getByTestId('undo-entry');
      await expect(undo).toHaveAttribute('data-return-id', first!);
      await expect(undo).toContainText(/уйдёт в Маркет через \d+ с/);
      await saveScreen(page, 'day-undo-bar-ru-1280');
      // Ctrl+Z ("я" on the Russian layout) takes it back: nothing reached the Market, the choices come back.
      await page.getByTestId('inbox-list').focus();
      await russianKey(page, 'KeyZ', 'я', { ctrlKey: true });
      await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', first!, { timeout: 30_000 });
      await expect(page.getByTestId('outbox-card')).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
      await expect(page.getByTestId('item-decision').first().locator('input[type=radio]:checked')).toHaveCount(1);
      await expect(undo).toHaveCount(0);
      expect((await own.admin.received()).filter((r) => String(r.returnId) === first)).toEqual([]);

      // Send it again, then "send now" instead of waiting out the hold: it leaves exactly once.
      await page.getByTestId('decision-submit-next').click();
      await expect(page.getByTestId('detail')).toHaveAttribute('data-return-id', second!, { timeout: 30_000 });
      await expect(undo).toHaveAttribute('data-return-id', first!);
      expect((await own.admin.received()).filter((r) => String(r.returnId) === first)).toEqual([]);
      await page.getByTestId('undo-send-now').click();
      await expect(undo).toHaveCount(0, { timeout: 30_000 });
      await expect
        .poll(async () => (await own.admin.received()).filter((r) => String(r.returnId) === first && r.statusCode === 200).length, { timeout: 60_000 })
        .toBe(1);
    } finally {
      await own.stop();
    }
  });

  test('search looks through every return, by product name in any case, and says where it found them; bad input is told', async ({ page }) => {
    const own = await startOwnWebMode();
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await openApp(page, own.url);
      await setLanguage(page, 'ru');
      await page.getByTestId('view-awaiting').click();
      await waitForRows(page);
      await page.keyboard.press('Enter');
      const name = (await page.getByTestId('item-evidence').first().locator('xpath=..').locator('legend').first().innerText())
        .split(/\s+/)
        .slice(1, 3)
        .join(' ');
      const word = name.split(' ')[0]!;
      // Lower case, upper case: the same returns, from every list (the awaiting view included, and beyond it).
      const search = page.getByTestId('search');
      await search.fill(word.toLowerCase());
      await expect(page.getByTestId('inbox-total')).toContainText('среди всех');
      await expect(page.getByTestId('search-where')).toContainText('ждут решения');
      const lower = await page.getByTestId('inbox-total').innerText();
      await search.fill(word.toUpperCase());
      await expect(page.getByTestId('inbox-total')).toHaveText(lower);
      await expect(page.getByTestId('search-all-note')).toBeVisible();
      await expect(page.getByTestId('inbox-row').first()).toBeVisible();
      await saveScreen(page, 'day-search-ru-1440');
      // One letter, an emoji, 500 characters: each said, none crashes.
      await search.fill('н');
      await expect(page.getByTestId('search-hint')).toContainText('от двух букв');
      await search.fill('😀');
      await expect(page.getByTestId('inbox-total')).toContainText('0');
      await expect(page.getByText('Здесь пусто')).toBeVisible();
      await search.fill('я'.repeat(500));
      await expect(page.getByTestId('search-hint')).toContainText('200');
      await expect(page.getByTestId('inbox-total')).toContainText('0');
      // An order id found from the "awaiting" view although that return awaits nothing.
      await search.fill('');
      await page.getByTestId('view-all').click();
      await page.getByTestId('filter-type').selectOption('UNREDEEMED');
      await waitForRows(page);
      const order = await page.getByTestId('inbox-row').first().locator('.ids .mono').nth(1).innerText();
      await page.getByTestId('view-awaiting').click();
      await search.fill(order);
      await expect(page.locator('[data-testid="inbox-row"]').first()).toContainText(order);
    } finally {
      await own.stop();
    }
  });

  test('web mode: the exports download as Russian Excel opens them, the evidence pack as a ZIP, and the key is explained', async ({ page }) => {
    const own = await startOwnWebMode();
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await openApp(page, own.url);
      await setLanguage(page, 'ru');
      await waitForRows(page);
      await page.getByTestId('open-analytics').click();
      await page.getByTestId('export-inbox').click();
      const link = page.getByTestId('an-export-download');
      await expect(link).toBeVisible({ timeout: 30_000 });
      const [csv] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const bytes = readFileSync((await csv.path())!);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).split('\r\n');
      // Russian Excel splits on ";" and reads words, not the Market's codes, and Moscow times.
      expect(lines[0]!.startsWith('Возврат;Заказ;ID магазина;Магазин;Модель работы;Тип;Статус возврата денег;Статус передачи;Создан (МСК)')).toBe(true);
      expect(lines.slice(1).join('\n')).not.toMatch(/PREMODERATION_|WAITING_FOR_DECISION|UNREDEEMED/);
      await saveScreen(page, 'day-export-download-ru-1440');

      // The evidence pack: made on the serving machine, handed to the browser as one ZIP.
      await page.getByTestId('open-analytics').click();
      await page.getByTestId('view-awaiting').click();
      // Enter opens the row under the cursor; until the awaiting rows have arrived there is none, so it is pressed again.
      await expect(async () => {
        await page.getByTestId('inbox-list').focus();
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('save-pack')).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 60_000 });
      await page.getByTestId('save-pack').click();
      const zipLink = page.getByTestId('pack-download');
      await expect(zipLink).toBeVisible({ timeout: 60_000 });
      const [zip] = await Promise.all([page.waitForEvent('download'), zipLink.click()]);
      expect(zip.suggestedFilename()).toMatch(/\.zip$/);
      expect(
        readFileSync((await zip.path())!)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
    } finally {
      await own.stop();
    }
  });

  test('web mode in demo: "Set an API key" explains how web mode takes one instead of a form that cannot store it', async ({ page }) => {
    await openApp(page);
    await setLanguage(page, 'ru');
    await expect(page.getByTestId('demo-banner')).toContainText('Как задать API-ключ');
    await page.getByTestId('demo-banner').getByRole('button').click();
    await expect(page.getByTestId('apikey-web-command')).toContainText('RETURNDESK_API_KEY=');
    await expect(page.getByTestId('apikey-no-encryption')).toContainText('берёт ключ из окружения');
    await expect(page.getByTestId('apikey-input')).toHaveCount(0);
    await saveScreen(page, 'day-apikey-web-ru');
    // The shared web mode goes back to the system's language for the tests after this one.
    await page.getByTestId('language').selectOption('');
  });
});
