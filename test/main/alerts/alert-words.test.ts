// An alert's words are written when it is shown, in the language spoken then: from its kind and facts; an
// alert kept by the previous version (title and body only) shows the words it was kept with; an odd row (a
// kind this version does not know, facts missing or broken) shows its kept words or a generic line, never throws.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateAlerts, DEFAULT_ALERT_SETTINGS } from '../../../main/alerts/policy.ts';
import { openStore } from '../../../main/store/store.ts';
import { alertRecordWords } from '../../../preload/alert-words.ts';
import type { AlertRecord } from '../../../preload/contract.ts';
import { aReturn, HOUR, T0 } from './fixtures.ts';

/** fixtures/returndesk-v7.sqlite was made by the app before alerts kept their facts (schema version 7). */
const PREVIOUS = join(import.meta.dirname, '..', 'store', 'fixtures', 'returndesk-v7.sqlite');

const raised = (): AlertRecord => {
  const returns = [aReturn(1, { campaignName: 'Shop' }), aReturn(2), aReturn(3)].map((r) => ({ ...r, createdAt: T0 - 43 * HOUR }));
  const decision = evaluateAlerts({
    snapshot: { returns },
    settings: DEFAULT_ALERT_SETTINGS,
    tzOffset: () => 0,
    now: T0,
    previousTick: null,
    marks: new Set(),
    locale: 'en',
  });
  const n = decision.notifications[0]!;
  return { ...n, id: 1, at: new Date(T0).toISOString(), acknowledgedAt: null, dismissedAt: null };
};

describe('alert words at display time', () => {
  it('writes an alert raised in English in Russian once the operator speaks Russian, and back', () => {
    const alert = raised();
    expect(alert.title).toBe('3 returns need a decision within 6 hours');
    expect(alertRecordWords(alert, 'ru')).toEqual({
      title: 'Решение нужно в течение 6 часов: 3 возврата',
      body: 'Срочнее всего: Заказ 1001, возврат 1 (Shop) — осталось 5 ч',
    });
    expect(alertRecordWords(alert, 'en')).toEqual({ title: alert.title, body: 'Most urgent: Order 1001, return 1 (Shop) — 5 h left' });
  });

  it('shows its kept words for a kind this version does not know, or facts missing or malformed', () => {
    const alert = raised();
    const kept = { title: 'Kept title', body: 'Kept body' };
    expect(alertRecordWords({ ...alert, ...kept, kind: 'somethingNew' }, 'ru')).toEqual(kept);
    expect(alertRecordWords({ ...alert, ...kept, facts: null }, 'ru')).toEqual(kept);
    const partial = { count: 2 } as unknown as AlertRecord['facts'];
    expect(alertRecordWords({ ...alert, ...kept, facts: partial }, 'ru')).toEqual(kept);
    const wrongTypes = { ...alert.facts!, first: { returnId: 'x' } } as unknown as AlertRecord['facts'];
    expect(alertRecordWords({ ...alert, ...kept, facts: wrongTypes }, 'en')).toEqual(kept);
  });

  it('falls back to a generic line when an odd row has no words either', () => {
    const alert = raised();
    expect(alertRecordWords({ ...alert, kind: 'somethingNew', facts: null, title: '', body: '' }, 'en')).toEqual({
      title: 'ReturnDesk alert',
      body: 'About 3 returns',
    });
    expect(alertRecordWords({ ...alert, kind: 'somethingNew', facts: null, title: '  ', body: '', returnIds: [7] }, 'ru')).toEqual({
      title: 'Оповещение ReturnDesk',
      body: 'Касается: 1 возврат',
    });
  });
});

describe('the alert history of a database made before facts were kept', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-alert-words-'));
    path = join(dir, 'returndesk.sqlite');
    copyFileSync(PREVIOUS, path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the old rows in their kept words and the new ones in the language spoken now', () => {
    const store = openStore(path);
    try {
      const old = store.alertHistory.list().alerts;
      expect(old.length).toBeGreaterThan(0);
      for (const alert of old) {
        expect(alert.facts).toBeNull();
        expect(alert.title.length).toBeGreaterThan(0);
        expect(alertRecordWords(alert, 'ru')).toEqual({ title: alert.title, body: alert.body });
      }
      const kept = store.alertHistory.record(raised(), T0 + HOUR);
      expect(kept.facts).toEqual(raised().facts);
      expect(alertRecordWords(store.alertHistory.get(kept.id)!, 'ru').title).toBe('Решение нужно в течение 6 часов: 3 возврата');
      // A row whose facts cannot be read (written by hand, or by a later version) shows its kept words.
      store.db.prepare('UPDATE alert_history SET facts_json = ? WHERE id = ?').run('{"count": "many"', kept.id);
      const broken = store.alertHistory.get(kept.id)!;
      expect(broken.facts).toBeNull();
      expect(alertRecordWords(broken, 'ru')).toEqual({ title: '3 returns need a decision within 6 hours', body: raised().body });
    } finally {
      store.close();
    }
  });
});
