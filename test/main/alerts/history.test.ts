import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../preload/contract.ts';
import { createCallbackNotifier } from '../../../main/alerts/callback-notifier.ts';
import type { AlertHistory } from '../../../main/alerts/history.ts';
import type { AlertNotification } from '../../../main/alerts/policy.ts';
import type { Sender } from '../../../main/ipc/router.ts';
import { openStore } from '../../../main/store/store.ts';
import type { Services } from '../../../main/services.ts';
import { sandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { servicesOn } from '../../helpers/sandbox-services.ts';

const T0 = Date.UTC(2025, 0, 15, 9, 0);
const note = (over: Partial<AlertNotification> = {}): AlertNotification => ({
  kind: 'deadline',
  facts: { count: 1, first: { returnId: 1, orderId: 1001, campaignName: null }, timeLeftMs: 359 * 60_000, thresholdMinutes: 360, message: null, reason: null },
  title: '1 return needs a decision within 6 hours',
  body: 'Order 1001, return 1 — 5 h 59 min left',
  urgency: 'normal',
  target: { returnId: 1 },
  returnIds: [1],
  ...over,
});

function history(): AlertHistory {
  return openStore(':memory:').alertHistory;
}

describe('alert history (SQLite)', () => {
  it('keeps every alert until a screen acknowledges it; a critical one until it is dismissed', () => {
    const h = history();
    const normal = h.record(note(), T0);
    const critical = h.record(
      note({ kind: 'expired', title: 'Decision time is up: 1 return', urgency: 'critical', target: { filter: 'awaiting' }, returnIds: [1, 2] }),
      T0 + 1000,
    );
    expect(normal).toMatchObject({
      kind: 'deadline',
      urgency: 'normal',
      target: { returnId: 1 },
      returnIds: [1],
      at: new Date(T0).toISOString(),
      acknowledgedAt: null,
      dismissedAt: null,
    });
    expect(h.pending().map((a) => a.id)).toEqual([normal.id, critical.id]);
    expect(h.acknowledge([normal.id, critical.id, normal.id, 999], T0 + 5000)).toBe(2);
    expect(h.acknowledge([normal.id], T0 + 6000)).toBe(0);
    // Shown is enough for the normal one; the critical one stays until dismissed.
    expect(h.pending().map((a) => a.id)).toEqual([critical.id]);
    expect(h.dismiss([critical.id], T0 + 7000)).toBe(1);
    expect(h.pending()).toEqual([]);
    const listed = h.list();
    expect(listed.total).toBe(2);
    expect(listed.alerts.map((a) => [a.id, a.acknowledgedAt, a.dismissedAt])).toEqual([
      [critical.id, new Date(T0 + 5000).toISOString(), new Date(T0 + 7000).toISOString()],
      [normal.id, new Date(T0 + 5000).toISOString(), null],
    ]);
  });

  it('pages the history newest first and forgets only old alerts nobody waits for', () => {
    const h = history();
    const ids = Array.from({ length: 7 }, (_, i) => h.record(note({ title: `alert ${i}` }), T0 + i).id);
    expect(h.list({ limit: 3 }).alerts.map((a) => a.id)).toEqual(ids.slice(4).reverse());
    expect(h.list({ limit: 3, beforeId: ids[4] }).alerts.map((a) => a.id)).toEqual(ids.slice(1, 4).reverse());
    h.acknowledge(ids.slice(0, 3), T0 + 100);
    expect(h.prune(T0 + 5)).toBe(3);
    expect(h.list().total).toBe(4);
    expect(h.pending()).toHaveLength(4);
  });
});

describe('an alert raised while no screen is open', () => {
  let sandbox: RunningSandbox;
  let services: Services;
  const printed: AlertNotification[] = [];
  const tab: Sender = { transport: 'websocket', id: 'tab-1', origin: 'http://127.0.0.1:1', mainFrame: true };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 4, returns: 10, quiet: true });
    ({ services } = await servicesOn(sandbox, { notifier: createCallbackNotifier((n) => printed.push(n)) }));
    services.trustedOrigins.add(tab.origin);
  });
  afterAll(async () => {
    await services.close();
    await sandbox.close();
  });

  it('waits in main and reaches the screen that opens later, which acknowledges it; dismissing a critical one tells every screen', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const { now } = await admin.clock();
    // 30 minutes left: the last threshold, critical. RefundStatusType: "`PREMODERATION_DISPUTE` — по возврату открыт спор".
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
    await services.session().sync.syncNow();
    await services.alerts.tick();
    // The host notifier (here the terminal of cli watch) got them too.
    expect(printed.some((n) => n.returnIds.includes(soon.id))).toBe(true);

    // A tab opens afterwards: nothing was queued for it in memory, yet it gets what was raised.
    const events: Array<[string, unknown]> = [];
    services.events.subscribe(tab.id, (event, payload) => events.push([event, payload]));
    expect(await services.router.dispatch('app.ready', undefined, tab)).toEqual({ ok: true, value: { queued: 0 } });
    const pending = await services.router.dispatch('alerts.pending', undefined, tab);
    expect(pending.ok).toBe(true);
    const alerts = (pending as { value: AlertRecord[] }).value;
    const mine = alerts.filter((a) => a.returnIds.includes(disputed.id) || a.returnIds.includes(soon.id));
    expect(mine.map((a) => [a.kind, a.urgency]).sort()).toEqual([
      ['deadline', 'critical'],
      ['dispute', 'normal'],
    ]);
    const critical = mine.find((a) => a.kind === 'deadline')!;

    expect(await services.router.dispatch('alerts.acknowledge', { ids: alerts.map((a) => a.id) }, tab)).toMatchObject({ ok: true });
    const after = (await services.router.dispatch('alerts.pending', undefined, tab)) as { value: AlertRecord[] };
    // The normal one was shown; the critical one stays until dismissed.
    expect(after.value.map((a) => a.id)).toContain(critical.id);
    expect(after.value.some((a) => a.urgency === 'normal')).toBe(false);
    expect(await services.router.dispatch('alerts.dismiss', { ids: [critical.id] }, tab)).toEqual({ ok: true, value: { changed: 1 } });
    expect(events).toContainEqual(['alerts.changed', { ids: [critical.id], dismissed: true }]);
    const history = (await services.router.dispatch('alerts.history', { limit: 50 }, tab)) as { value: { alerts: AlertRecord[]; total: number } };
    expect(history.value.alerts.find((a) => a.id === critical.id)?.dismissedAt).not.toBeNull();
    // Arguments are checked in main.
    expect(await services.router.dispatch('alerts.dismiss', { ids: [] }, tab)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(await services.router.dispatch('alerts.acknowledge', { ids: ['1'] }, tab)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
  });

  it('an alert raised with a screen open reaches it as an event carrying its id', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const { now } = await admin.clock();
    const events: Array<[string, unknown]> = [];
    services.events.subscribe('tab-2', (event, payload) => events.push([event, payload]));
    services.events.ready('tab-2');
    const r = await admin.createReturn({
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - 47.5 * 3_600_000).toISOString(),
    });
    await services.session().sync.syncNow();
    await services.alerts.tick();
    const raised = events.filter(([e]) => e === 'alerts.notification').map(([, p]) => p as AlertRecord);
    const mine = raised.find((a) => a.returnIds.includes(r.id))!;
    expect(mine).toMatchObject({ kind: 'deadline', urgency: 'critical', target: { returnId: r.id }, acknowledgedAt: null, dismissedAt: null });
    expect(mine.id).toBeGreaterThan(0);
    // It carries what it says, so a screen writes it in its own language; the history keeps the same.
    expect(mine.facts).toMatchObject({ count: 1, first: { returnId: r.id }, thresholdMinutes: 60 });
    const kept = (await services.router.dispatch('alerts.history', { limit: 50 }, tab)) as { value: { alerts: AlertRecord[] } };
    expect(kept.value.alerts.find((a) => a.id === mine.id)?.facts).toEqual(mine.facts);
  });

  it('writes the native notification in the language the operator switched to', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const { now } = await admin.clock();
    expect(await services.router.dispatch('settings.set', { locale: 'ru' }, tab)).toMatchObject({ ok: true });
    try {
      const r = await admin.createReturn({
        type: 'RETURN',
        status: 'PREMODERATION_DECISION_WAITING',
        createdAt: new Date(Date.parse(now) - 47.5 * 3_600_000).toISOString(),
      });
      await services.session().sync.syncNow();
      await services.alerts.tick();
      const shown = printed.find((n) => n.returnIds.includes(r.id))!;
      expect(shown.title).toMatch(/^Решение нужно в течение 1 часа: 1 возврат/);
    } finally {
      await services.router.dispatch('settings.set', { locale: 'en' }, tab);
    }
  });
});

describe('old alerts are forgotten by the Market’s clock, not the workstation’s', () => {
  it('a workstation clock 200 days ahead of the Market empties neither the history nor the marks at a start', async () => {
    // The Market's clock 200 days behind this machine's: what was kept at Market time is 200 days "old" by the machine.
    const behind = await startSandbox({ port: 0, seed: 5, returns: 6, quiet: true, skewMs: -200 * 86_400_000 });
    const tab: Sender = { transport: 'websocket', id: 'tab-skew', origin: 'http://127.0.0.1:1', mainFrame: true };
    try {
      const marketNow = Date.parse((await sandboxAdmin(behind.url).clock()).now);
      const dataDir = mkdtempSync(join(tmpdir(), 'returndesk-skew-'));
      const before = openStore(join(dataDir, 'returndesk.sqlite'));
      const seen = before.alertHistory.record(note(), marketNow - 3_600_000);
      before.alertHistory.acknowledge([seen.id], marketNow - 3_000_000);
      before.alertMarks.record([{ returnId: 1, kind: 'deadline', threshold: 360, alertedAt: marketNow - 3_600_000, skipped: false }]);
      before.close();

      const { services } = await servicesOn(behind, { dataDir });
      services.trustedOrigins.add(tab.origin);
      try {
        await services.alerts.tick(); // the Market's time not known yet
        await services.session().sync.syncNow();
        await services.alerts.tick(); // known now: 200 days behind this machine's
        const after = (await services.router.dispatch('alerts.history', { limit: 50 }, tab)) as { value: { alerts: AlertRecord[] } };
        expect(after.value.alerts.map((a) => a.id)).toContain(seen.id);
      } finally {
        await services.close();
      }
      const reopened = openStore(join(dataDir, 'returndesk.sqlite'));
      expect(reopened.alertMarks.all().map((m) => m.returnId)).toEqual([1]);
      reopened.close();
    } finally {
      await behind.close();
    }
  }, 60_000);
});
