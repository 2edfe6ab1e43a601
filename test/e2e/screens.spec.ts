import { expect, test, type Page } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { openApp, openSettings, waitForRows } from './ui-helpers.ts';

// Every screen this work touched, as operators see it: both languages and both themes at 1440×900, and the
// smaller 1280×720 laptop screen in Russian. The PNGs land in test-results/screens for people to look at; each step also checks that
// the screen shows what it should (Moscow times, words instead of codes, the evidence beside the form).
const RUNS = [
  ['ru', 'light', 1440, 900],
  ['ru', 'dark', 1440, 900],
  ['en', 'light', 1440, 900],
  ['en', 'dark', 1440, 900],
  ['ru', 'light', 1280, 720],
] as const;

async function prefer(page: Page, locale: 'ru' | 'en' | '', theme: 'light' | 'dark' | 'system'): Promise<void> {
  await openSettings(page);
  await page.getByTestId('language').selectOption(locale);
  await page.getByTestId('theme').selectOption(theme);
  await page.keyboard.press('Escape');
}

test.describe('screens in both languages and themes', () => {
  test.setTimeout(300_000);

  test('inbox, return with evidence and decision, docked viewer, search, settings, analytics', async ({ page }) => {
    await openApp(page);
    for (const [locale, theme, width, height] of RUNS) {
      const tag = `${locale}-${theme}-${width}`;
      await page.setViewportSize({ width, height });
      await prefer(page, locale, theme);
      await page.getByTestId('view-awaiting').click();
      // A return with the buyer's photos, so the evidence and the docked viewer have something to show.
      await page.getByTestId('filter-photos').check();
      await waitForRows(page);
      await saveScreen(page, `screens-inbox-${tag}`);

      await expect(async () => {
        await page.getByTestId('inbox-list').focus();
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('photo-tile').first()).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 60_000 });
      await expect(page.getByTestId('item-decision').first()).toBeVisible({ timeout: 30_000 });
      // Moscow time, labelled; the buyer's reason inside the decision, in the first screen.
      await expect(page.getByTestId('detail-created')).toContainText(locale === 'ru' ? 'МСК' : 'MSK');
      await expect(page.getByTestId('item-decision').first().getByTestId('item-reason').first()).toBeInViewport();
      await saveScreen(page, `screens-detail-${tag}`);

      await page.getByTestId('photo-tile').first().click({ timeout: 10_000 });
      await expect(page.getByTestId('viewer')).toHaveAttribute('data-docked', 'true');
      await expect(page.getByTestId('decision-panel')).toBeInViewport();
      await saveScreen(page, `screens-viewer-docked-${tag}`);
      await page.getByTestId('viewer-close').click();

      await page.getByTestId('search').fill(locale === 'ru' ? 'НАУШНИКИ' : 'td-00');
      await expect(page.getByTestId('search-all-note')).toBeVisible();
      await waitForRows(page);
      await saveScreen(page, `screens-search-${tag}`);
      await page.getByTestId('search').fill('');

      await openSettings(page);
      await saveScreen(page, `screens-settings-${tag}`);
      await page.keyboard.press('Escape');

      await page.getByTestId('open-analytics').click();
      await expect(page.getByTestId('analytics')).toBeVisible();
      await saveScreen(page, `screens-analytics-${tag}`);
      await page.getByTestId('open-analytics').click();
      await page.getByTestId('filter-photos').uncheck();
    }
    await prefer(page, '', 'system');
  });
});
