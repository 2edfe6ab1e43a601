import { expect, test } from '@playwright/test';
import { e2eUrl, saveScreen } from './helpers.ts';
import { openSettings } from './ui-helpers.ts';

test.describe('the app shell in web mode', () => {
  test('shows data that crossed the bridge, and main pushes events back', async ({ page }) => {
    await page.goto(e2eUrl());
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    // The diagnostics live in Settings → About.
    await openSettings(page);
    await expect(page.getByTestId('app-transport')).toHaveText('Web (WebSocket)');
    await expect(page.getByTestId('app-mode')).toHaveText('Demo (built-in sandbox)');
    await expect(page.getByTestId('demo-banner')).toBeVisible();
    // The token left the address bar once it was read.
    expect(page.url()).not.toContain('token=');
    await page.getByRole('button', { name: 'Ping' }).click();
    await expect(page.getByTestId('ping-echo')).toContainText('hello from the renderer');
    await expect(page.getByTestId('pongs').locator('li')).toHaveCount(3);
    // Copy diagnostics: versions, status and recent errors as text; never the token or a key.
    await page.getByTestId('copy-diagnostics').click();
    const text = await page.getByTestId('diagnostics-text').inputValue();
    expect(text).toMatch(/ReturnDesk/);
    expect(text).not.toContain(new URL(e2eUrl()).hash.replace('#token=', ''));
    await saveScreen(page, 'shell-light');
  });

  test('settings saved in main survive a reload', async ({ page }) => {
    await page.goto(e2eUrl());
    await openSettings(page);
    await page.getByTestId('theme').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    await openSettings(page);
    await expect(page.getByTestId('theme')).toHaveValue('dark');
    await saveScreen(page, 'shell-dark');
    await page.getByTestId('theme').selectOption('system');
  });

  test('a page without the token, or with a wrong one, is told what to do', async ({ browser }) => {
    const origin = new URL(e2eUrl()).origin;
    const bare = await browser.newPage();
    await bare.goto(`${origin}/`);
    await expect(bare.getByTestId('connection')).toContainText('Open the address that "npm run web" printed');
    const wrong = await browser.newPage();
    await wrong.goto(`${origin}/#token=not-the-token`);
    await expect(wrong.getByTestId('connection')).toContainText('refused this page');
    await bare.close();
    await wrong.close();
  });
});
