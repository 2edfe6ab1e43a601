import { expect, test, type Page } from '@playwright/test';
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
    // The transport both ways, from this page's origin with the launch token: a call answered, then main's events pushed back.
    const token = new URL(e2eUrl()).hash.replace('#token=', '');
    const exchange = await page.evaluate(async (secret) => {
      const ws = new WebSocket(`ws://${location.host}/bridge?token=${encodeURIComponent(secret)}`);
      const frames: Array<{ type: string; id?: number; result?: { ok: boolean; value?: { text: string } }; event?: string; payload?: { seq: number } }> = [];
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)) as (typeof frames)[number]);
      // Main holds a screen's events until it says it is ready.
      ws.send(JSON.stringify({ id: 1, channel: 'app.ready' }));
      ws.send(JSON.stringify({ id: 2, channel: 'app.ping', args: { text: 'hello from the renderer', count: 3 } }));
      const deadline = Date.now() + 10_000;
      while (frames.filter((f) => f.event === 'app.pong').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      ws.close();
      return {
        echo: frames.find((f) => f.type === 'result' && f.id === 2)?.result?.value?.text,
        pongs: frames.filter((f) => f.event === 'app.pong').map((f) => f.payload?.seq),
      };
    }, token);
    expect(exchange).toEqual({ echo: 'hello from the renderer', pongs: [1, 2, 3] });
    // The debugging ping is test code only: the product's About card has no such button.
    await expect(page.getByRole('button', { name: 'Ping' })).toHaveCount(0);
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

  test('a setting saved in another window shows at once in an open settings screen', async ({ browser }) => {
    const [one, two] = [await browser.newPage(), await browser.newPage()];
    for (const page of [one, two]) {
      await page.goto(e2eUrl());
      await expect(page.getByTestId('connection')).toHaveText('Connected');
      await openSettings(page);
    }
    // One window saves operator name and thresholds as the operator does (type, leave the field); the other must show them.
    const saveIn = async (from: Page, to: Page, values: { name: string; thresholds: string }) => {
      for (const [field, value] of [
        ['operator-name', values.name],
        ['thresholds', values.thresholds],
      ] as const) {
        await from.getByTestId(field).fill(value);
        await from.getByTestId(field).blur();
      }
      // settings.changed reaches the other window: its fields show main's values, not what they read on opening.
      await expect(to.getByTestId('operator-name')).toHaveValue(values.name);
      await expect(to.getByTestId('thresholds')).toHaveValue(values.thresholds);
    };
    const before = await two.getByTestId('operator-name').inputValue();
    await saveIn(one, two, { name: `Operator ${Date.now() % 100_000}`, thresholds: '12, 2' });
    await saveScreen(two, 'settings-synced');
    await saveIn(two, one, { name: before, thresholds: '24, 6, 1' });
    await one.close();
    await two.close();
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
