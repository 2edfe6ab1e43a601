import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { expect, test, type Page } from '@playwright/test';
import { storePath } from '../../main/store/store.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { startWebProcess } from '../helpers/web-process.ts';
import { saveScreen } from './helpers.ts';
import { setLanguage } from './ui-helpers.ts';

interface Kept {
  kind: string;
  urgency: string;
  returnIds: number[];
  acknowledged: boolean;
  dismissed: boolean;
}

/** What web mode's main keeps in its alert history, read from its database like any other reader. */
function keptAlerts(dataDir: string): Kept[] {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(storePath(dataDir), { readOnly: true });
  } catch {
    return []; // web mode prints its address before its services (and the database) exist
  }
  try {
    const rows = db.prepare('SELECT kind, urgency, return_ids_json, acknowledged_at, dismissed_at FROM alert_history ORDER BY id').all() as Array<
      Record<string, unknown>
    >;
    return rows.map((r) => ({
      kind: String(r.kind),
      urgency: String(r.urgency),
      returnIds: JSON.parse(String(r.return_ids_json)) as number[],
      acknowledged: r.acknowledged_at !== null,
      dismissed: r.dismissed_at !== null,
    }));
  } catch {
    return []; // the table is not there yet while web mode starts
  } finally {
    db.close();
  }
}

async function openTab(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
}

test('an alert raised while no tab was open appears when one opens; a critical one stays until dismissed; the history keeps them', async ({ page }) => {
  test.setTimeout(180_000);
  const sandbox = await startSandbox({ port: 0, quiet: true, seed: 77, returns: 0 });
  const admin = sandboxAdmin(sandbox.url);
  const { now } = await admin.clock();
  // 30 minutes before its deadline (the last threshold: critical), and one in dispute (normal).
  const soon = await admin.createReturn({
    type: 'RETURN',
    status: 'PREMODERATION_DECISION_WAITING',
    createdAt: new Date(Date.parse(now) - 47.5 * 3_600_000).toISOString(),
  });
  const disputed = await admin.createReturn({
    type: 'RETURN',
    status: 'PREMODERATION_DISPUTE',
    createdAt: new Date(Date.parse(now) - 60 * 3_600_000).toISOString(),
  });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
  try {
    // No tab is open: main syncs on its own and raises both alerts, which nobody sees yet.
    await expect
      .poll(
        () =>
          keptAlerts(web.dataDir)
            .filter((a) => a.returnIds.includes(soon.id) || a.returnIds.includes(disputed.id))
            .map((a) => `${a.kind}:${a.urgency}:${a.acknowledged}`)
            .sort(),
        { timeout: 90_000 },
      )
      .toEqual(['deadline:critical:false', 'dispute:normal:false']);

    await openTab(page, web.url);
    const critical = page.locator('[data-testid="toast"][data-kind="deadline"]').filter({ hasText: String(soon.id) });
    const normal = page.locator('[data-testid="toast"][data-kind="dispute"]').filter({ hasText: String(disputed.id) });
    await expect(critical).toBeVisible();
    await expect(critical).toHaveAttribute('data-urgency', 'critical');
    await expect(critical).toContainText(String(soon.id));
    await expect(normal).toContainText(/Dispute opened|Открыт спор/);
    await saveScreen(page, 'alerts-waited-for-the-tab');
    // The tab told main it showed them.
    await expect
      .poll(() =>
        keptAlerts(web.dataDir)
          .filter((a) => a.returnIds.includes(soon.id) || a.returnIds.includes(disputed.id))
          .every((a) => a.acknowledged),
      )
      .toBe(true);

    // The normal one leaves after a while; the critical one stays, also across a reload.
    await expect(normal).toBeHidden({ timeout: 30_000 });
    await expect(critical).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
    await expect(critical).toBeVisible();
    await expect(normal).toHaveCount(0);

    // Raised while main spoke English; the operator switches to Russian with the banner on screen: it follows.
    await expect(critical).toContainText('1 return needs a decision within 1 hour');
    await setLanguage(page, 'ru');
    await expect(critical).toContainText('Решение нужно в течение 1 часа: 1 возврат');
    await expect(critical).toContainText(`возврат ${soon.id}`);
    await saveScreen(page, 'alert-banner-after-language-switch');
    await setLanguage(page, 'en');
    await expect(critical).toContainText('1 return needs a decision within 1 hour');

    // Dismissed, it is gone — from this tab and from the next one.
    await critical.getByTestId('toast-dismiss').click();
    await expect(critical).toHaveCount(0);
    await expect.poll(() => keptAlerts(web.dataDir).find((a) => a.returnIds.includes(soon.id))?.dismissed).toBe(true);
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);

    // The history keeps both, with what happened to each.
    await page.getByTestId('alerts-history-button').click();
    const rows = page.getByTestId('alert-history-row');
    await expect(rows.filter({ hasText: String(soon.id) }).first()).toHaveAttribute('data-state', 'dismissed');
    await expect(page.locator('[data-testid="alert-history-row"][data-kind="dispute"]').filter({ hasText: String(disputed.id) })).toHaveAttribute(
      'data-state',
      'seen',
    );
    await expect(page.getByTestId('toast')).toHaveCount(0);
    await saveScreen(page, 'alert-history');
    await page
      .getByTestId('alert-history')
      .getByRole('button', { name: /Close|Закрыть/ })
      .first()
      .click();
    await expect(page.getByTestId('alert-history')).toBeHidden();
  } finally {
    await web.stop();
    await sandbox.close();
  }
});

test('a workstation clock far off the Market’s is said, and countdowns count in the Market’s time', async ({ page }) => {
  test.setTimeout(180_000);
  // The Market's clock runs 2 h 10 min behind this computer's.
  const sandbox = await startSandbox({ port: 0, quiet: true, seed: 78, returns: 0, skewMs: -(2 * 3_600_000 + 10 * 60_000) });
  const admin = sandboxAdmin(sandbox.url);
  const { now } = await admin.clock();
  // Three hours left by the Market's clock; by this computer's only 50 minutes would be.
  const ret = await admin.createReturn({
    type: 'RETURN',
    status: 'PREMODERATION_DECISION_WAITING',
    createdAt: new Date(Date.parse(now) - 45 * 3_600_000).toISOString(),
  });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
  try {
    await openTab(page, web.url);
    await expect(page.getByTestId('clock-skew')).toContainText(/2 h (09|10|11) min ahead of the Market|спешат .* на 2 ч (09|10|11) мин/, { timeout: 60_000 });
    const row = page.getByTestId('inbox-row').filter({ hasText: String(ret.id) });
    await expect(row.getByTestId('row-countdown')).toHaveText(/^(2 h 5\d min|3 h 00 min|2 ч 5\d мин|3 ч 00 мин)$/, { timeout: 60_000 });
    await saveScreen(page, 'clock-skew');
  } finally {
    await web.stop();
    await sandbox.close();
  }
});

test('the Market’s notifications are off until turned on, then say where they are received', async ({ page }) => {
  test.setTimeout(180_000);
  const sandbox = await startSandbox({ port: 0, quiet: true, seed: 79, returns: 0 });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as AddressInfo).port;
  try {
    await openTab(page, web.url);
    await page.getByTestId('open-settings').click();
    const card = page.getByTestId('push-card');
    await expect(card.getByTestId('push-state')).toHaveAttribute('data-state', 'off');
    await card.getByTestId('push-port').fill(String(taken));
    await card.getByTestId('push-path').fill('/market/notification');
    await card.getByTestId('push-path').blur();
    await card.getByTestId('push-enabled').check();
    // The port is taken: it says so, naming it.
    await expect(card.getByTestId('push-state')).toHaveAttribute('data-state', 'failed');
    await expect(card.getByTestId('push-state')).toContainText(String(taken));
    blocker.close();
    await card.getByTestId('push-enabled').uncheck();
    await expect(card.getByTestId('push-state')).toHaveAttribute('data-state', 'off');
    await card.getByTestId('push-enabled').check();
    await expect(card.getByTestId('push-state')).toHaveAttribute('data-state', 'listening');
    await expect(card.getByTestId('push-state')).toContainText(`http://127.0.0.1:${taken}/market/notification`);
    const ping = await fetch(`http://127.0.0.1:${taken}/market/notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notificationType: 'PING', time: new Date().toISOString() }),
    });
    expect(ping.status).toBe(200);
    // A path the Market cannot use is refused by main, naming the rule.
    await card.getByTestId('push-path').fill('notification');
    await card.getByTestId('push-path').blur();
    await expect(card.getByTestId('error-pushReceiver')).toContainText(/starts with \//);
    await card.scrollIntoViewIfNeeded();
    await saveScreen(page, 'push-settings');
  } finally {
    blocker.close();
    await web.stop();
    await sandbox.close();
  }
});
