// Alerts shown while the store takes no writes (a full disk) get a provisional record screens can show, acknowledge and
// dismiss; once the alert is kept, the kept record carries what screens did, so nothing comes back on screen twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertNotification } from '../../../main/alerts/policy.ts';
import { withProvisional } from '../../../main/app/alerts.ts';
import { silentLogger } from '../../../main/log.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { T0 } from './fixtures.ts';

const alert = (urgency: 'normal' | 'critical'): AlertNotification => ({
  kind: urgency === 'critical' ? 'expired' : 'deadline',
  facts: { count: 1, first: { returnId: 1, orderId: 1001, campaignName: null }, timeLeftMs: null, thresholdMinutes: null, message: null, reason: null },
  title: 'title',
  body: 'body',
  urgency,
  target: { returnId: 1 },
  returnIds: [1],
});

describe('alerts shown while the store takes no writes', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-alert-provisional-'));
    store = openStore(join(dir, 'returndesk.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a normal one a screen acknowledged is kept acknowledged and is not pending again', () => {
    const p = withProvisional(store.alertHistory, silentLogger);
    const shown = p.provisional(alert('normal'), T0);
    expect(p.history.pending().map((a) => a.id)).toEqual([shown.id]);
    store.db.exec('PRAGMA query_only = 1');
    // A screen's acknowledgement of a provisional alert writes nothing.
    expect(p.history.acknowledge([shown.id], T0 + 1_000)).toBe(1);
    store.db.exec('PRAGMA query_only = 0');
    const kept = store.alertHistory.record(alert('normal'), T0);
    expect(p.replaced(shown, kept)).toBeNull();
    expect(store.alertHistory.get(kept.id)?.acknowledgedAt).toBe(new Date(T0 + 1_000).toISOString());
    expect(p.history.pending()).toEqual([]);
  });

  it('a critical one stays on screen as the kept record until dismissed, and a dismissal carries over', () => {
    const p = withProvisional(store.alertHistory, silentLogger);
    const first = p.provisional(alert('critical'), T0);
    const second = p.provisional(alert('critical'), T0 + 1);
    expect(p.history.acknowledge([first.id, second.id], T0 + 1_000)).toBe(2);
    expect(p.history.dismiss([second.id], T0 + 2_000)).toBe(1);
    const keptFirst = store.alertHistory.record(alert('critical'), T0);
    const keptSecond = store.alertHistory.record(alert('critical'), T0 + 1);
    expect(p.replaced(first, keptFirst)).toMatchObject({ id: keptFirst.id, acknowledgedAt: new Date(T0 + 1_000).toISOString(), dismissedAt: null });
    expect(p.replaced(second, keptSecond)).toBeNull();
    expect(store.alertHistory.get(keptSecond.id)?.dismissedAt).toBe(new Date(T0 + 2_000).toISOString());
    expect(p.history.pending().map((a) => a.id)).toEqual([keptFirst.id]);
  });
});
