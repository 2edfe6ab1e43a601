import { DatabaseSync } from 'node:sqlite';
import { expect, test, type Page } from '@playwright/test';
import { storePath } from '../../main/store/store.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox } from '../../sandbox/index.ts';
import { startWebProcess } from '../helpers/web-process.ts';
import { saveScreen } from './helpers.ts';

interface Kept {
  kind: string;
  urgency: string;
  returnIds: number[];
  acknowledged: boolean;
  dismissed: boolean;
}

/** What web mode's main keeps in its alert history, read from its database like any other reader. */
function keptAlerts(dataDir: string): Kept[] {
  const db = new DatabaseSync(storePath(dataDir), { readOnly: true });
  try {
    const rows = db.prepare('SELECT kind, urgency, return_ids_json, acknowledged_at, dismissed_at FROM alert_history ORDER BY id').all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({ kind: String(r.kind), urgency: String(r.urgency), returnIds: JSON.parse(String(r.return_ids_json)) as number[], acknowledged: r.acknowledged_at !== null, dismissed: r.dismissed_at !== null }));
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
  const soon = await admin.createReturn({ type: 'RETURN', status: 'PREMODERATION_DECISION_WAITING', createdAt: new Date(Date.parse(now) - 47.5 * 3_600_000).toISOString() });
  const disputed = await admin.createReturn({ type: 'RETURN', status: 'PREMODERATION_DISPUTE', createdAt: new Date(Date.parse(now) - 60 * 3_600_000).toISOString() });
  const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
  try {
    // No tab is open: main syncs on its own and raises both alerts, which nobody sees yet.
    await expect
      .poll(() => keptAlerts(web.dataDir).filter((a) => a.returnIds.includes(soon.id) || a.returnIds.includes(disputed.id)).map((a) => `${a.kind}:${a.urgency}:${a.acknowledged}`).sort(), { timeout: 90_000 })
      .toEqual(['deadline:critical:false', 'dispute:normal:false']);

    await openTab(page, web.url);
    const critical = page.locator('[data-testid="toast"][data-kind="deadline"]');
    const normal = page.locator('[data-testid="toast"][data-kind="dispute"]').filter({ hasText: String(disputed.id) });
    await expect(critical).toBeVisible();
    await expect(critical).toHaveAttribute('data-urgency', 'critical');
    await expect(critical).toContainText(String(soon.id));
    await expect(normal).toContainText(/Dispute opened|Открыт спор/);
    await saveScreen(page, 'alerts-waited-for-the-tab');
    // The tab told main it showed them.
    await expect.poll(() => keptAlerts(web.dataDir).filter((a) => a.returnIds.includes(soon.id) || a.returnIds.includes(disputed.id)).every((a) => a.acknowledged)).toBe(true);

    // The normal one leaves after a while; the critical one stays, also across a reload.
    await expect(normal).toBeHidden({ timeout: 30_000 });
    await expect(critical).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText(/Connected|Подключено/);
    await expect(critical).toBeVisible();
    await expect(normal).toHaveCount(0);

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
    await expect(page.locator('[data-testid="alert-history-row"][data-kind="dispute"]').filter({ hasText: String(disputed.id) })).toHaveAttribute('data-state', 'seen');
    await expect(page.getByTestId('toast')).toHaveCount(0);
    await saveScreen(page, 'alert-history');
    await page.getByTestId('alert-history').getByRole('button', { name: /Close|Закрыть/ }).first().click();
    await expect(page.getByTestId('alert-history')).toBeHidden();
  } finally {
    await web.stop();
    await sandbox.close();
  }
});
