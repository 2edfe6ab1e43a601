// Quiet hours on a fake clock: a normal alert is held through the night and raised after it; a critical one
// (the last threshold, expiry) breaks through. The soak found normal alerts raised just after 22:00 MSK: a
// tick that began before quiet hours and showed its alerts after they had begun.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertEngine, type AlertEngineOptions, type Notifier } from '../../../main/alerts/engine.ts';
import { createMemoryMarkStore, createStoredMarkStore } from '../../../main/alerts/marks.ts';
import { DEFAULT_ALERT_SETTINGS, type AlertNotification, type AlertReturn, type AlertSettings } from '../../../main/alerts/policy.ts';
import { silentLogger } from '../../../main/log.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { aReturn, HOUR, MINUTE } from './fixtures.ts';

/** An instant given in Moscow time (UTC+3), the time every screen of the app shows. */
const msk = (day: number, h: number, m = 0, s = 0): number => Date.UTC(2025, 0, day, h - 3, m, s);
const NIGHT: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, quietHours: { enabled: true, start: '22:00', end: '08:00' } };

function recorder(): Notifier & { shown: Array<{ n: AlertNotification; at: number }>; clock: { t: number; now(): number } } {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  const shown: Array<{ n: AlertNotification; at: number }> = [];
  return { clock, shown, isSupported: () => true, show: (n) => void shown.push({ n, at: clock.now() }), onClick: () => {} };
}

function setup(returns: () => AlertReturn[], over: Partial<AlertEngineOptions> = {}) {
  const notifier = recorder();
  const marks = createMemoryMarkStore();
  const engine = createAlertEngine({
    clock: notifier.clock,
    marks,
    notifier,
    source: () => ({ returns: returns() }),
    settings: () => NIGHT,
    locale: () => 'en',
    logger: silentLogger,
    ...over,
  });
  return { engine, notifier, clock: notifier.clock, marks };
}

describe('quiet hours (22:00–08:00 MSK)', () => {
  it('holds a normal alert whose tick began before 22:00 but showed after it (a slow tick), and raises it at 08:00', async () => {
    // Created 21:59:30 MSK: a new return; 1 h before its deadline is 21:59:30 two days later.
    const ret = aReturn(1, { createdAt: msk(15, 21, 59, 30) });
    const urgent = aReturn(2, { createdAt: msk(13, 22, 50) }); // 50 min left at 21:59:30: the last threshold
    const { engine, notifier, clock, marks } = setup(() => [urgent, ret], {
      keep: {
        transaction: (fn) => fn(),
        // Keeping the first alert (the critical one) takes a minute of this clock: a loaded machine on an accelerated clock.
        record: (n, at) => {
          clock.t += MINUTE;
          return { ...n, id: 1, at: new Date(at).toISOString(), acknowledgedAt: null, dismissedAt: null };
        },
      },
    });
    clock.t = msk(15, 21, 59, 30);
    const report = await engine.tick();
    expect(notifier.shown.map((s) => [s.n.kind, s.n.urgency])).toEqual([['deadline', 'critical']]);
    expect(report.heldBack).toBe(1);
    // Nothing is marked for the held return, so it is still due in the morning.
    expect(marks.all().filter((m) => m.returnId === 1)).toEqual([]);
    for (const s of notifier.shown) if (s.n.urgency === 'normal') throw new Error(`normal alert at ${new Date(s.at).toISOString()}`);

    clock.t = msk(16, 7, 59);
    await engine.tick();
    expect(notifier.shown).toHaveLength(2); // 07:59 MSK: still quiet
    clock.t = msk(16, 8, 0);
    await engine.tick();
    expect(notifier.shown.slice(2).map((s) => s.n.title)).toEqual(['1 new return awaits a decision']);
  });

  it('takes the time after reading the returns, so a slow read does not decide on a time already past', async () => {
    const { engine, notifier, clock } = setup(() => {
      clock.t = msk(15, 22, 5); // reading the store took until after 22:00
      return [aReturn(1, { createdAt: msk(15, 21, 58) })];
    });
    clock.t = msk(15, 21, 59, 50);
    const report = await engine.tick();
    expect(notifier.shown).toEqual([]);
    expect(report.heldBack).toBe(1);
  });

  it('reads quiet hours in Moscow time whatever the workstation’s time zone (a New York laptop, a UTC server)', async () => {
    const before = process.env.TZ;
    try {
      for (const zone of ['America/New_York', 'UTC', 'Asia/Vladivostok']) {
        process.env.TZ = zone;
        const { engine, notifier, clock } = setup(() => [aReturn(1, { createdAt: msk(15, 23, 0) })]);
        clock.t = msk(15, 23, 1); // 23:01 MSK: quiet, though 15:01 in New York, 20:01 UTC, 06:01 in Vladivostok
        await engine.tick();
        expect(notifier.shown, zone).toEqual([]);
        clock.t = msk(16, 8, 1);
        await engine.tick();
        expect(
          notifier.shown.map((s) => s.n.kind),
          zone,
        ).toEqual(['newAwaiting']);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('after a 10-hour sleep across midnight raises one summary per kind, only the critical ones before 08:00', async () => {
    // 30 returns created every 20 minutes from 05:00 MSK two days before; the laptop sleeps from 21:00 to 07:00 MSK.
    const returns = Array.from({ length: 30 }, (_, i) => aReturn(i + 1, { createdAt: msk(14, 5, 0) + i * 20 * MINUTE }));
    const { engine, notifier, clock } = setup(() => returns);
    clock.t = msk(15, 12, 0);
    await engine.tick(); // the day before: new returns and the 24 h threshold for some
    const day = notifier.shown.length;
    clock.t = msk(15, 21, 0);
    await engine.tick();
    const evening = notifier.shown.length;
    clock.t = msk(16, 7, 0); // woke up in quiet hours, 10 hours later
    const woke = await engine.tick();
    expect(woke.clockJump).toBe(true);
    const night = notifier.shown.slice(evening);
    expect(night.every((s) => s.n.urgency === 'critical')).toBe(true);
    expect(night.map((s) => s.n.kind)).toEqual(['expired', 'deadline']); // one line each, not one per return
    expect(night.map((s) => s.n.returnIds.length)).toEqual([7, 3]); // deadlines 05:00–07:00 passed; 07:20–08:00 within the hour
    expect(woke.heldBack).toBeGreaterThan(10);
    clock.t = msk(16, 8, 0);
    const morning = await engine.tick();
    // What the night held comes as one summary per kind.
    expect(morning.notifications.map((n) => n.kind)).toEqual(['expired', 'deadline']); // 08:00 is also the deadline of one return
    expect(morning.notifications[1]!.returnIds.length).toBeGreaterThan(10);
    expect(day).toBeGreaterThan(0);
  });
});

describe('an alert and its marks are kept together', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-alert-keep-'));
    store = openStore(join(dir, 'returndesk.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a failure while keeping leaves neither the history row nor the marks; the alert is shown at once and kept once, with its time, when writes succeed', async () => {
    let failNext = true;
    const marks = createStoredMarkStore(store.alertMarks);
    const { engine, notifier, clock } = setup(() => [aReturn(1, { createdAt: msk(15, 10, 0) })], {
      settings: () => DEFAULT_ALERT_SETTINGS,
      marks: {
        ...marks,
        record(list) {
          marks.record(list);
          // The marks are written after the history row: a failure here must take the row back too.
          if (failNext) {
            failNext = false;
            throw new Error('database or disk is full');
          }
        },
      },
      keep: { transaction: (fn) => store.transaction(fn), record: (n, at) => store.alertHistory.record(n, at) },
    });
    clock.t = msk(15, 10, 1);
    await engine.tick();
    expect(notifier.shown.map((s) => s.n.kind)).toEqual(['newAwaiting']);
    expect(store.alertHistory.list().total).toBe(0);
    expect(marks.all()).toEqual([]);
    clock.t += MINUTE;
    await engine.tick();
    clock.t += HOUR;
    await engine.tick();
    expect(notifier.shown.map((s) => s.n.kind)).toEqual(['newAwaiting']);
    expect(store.alertHistory.list().alerts.map((a) => [a.kind, a.at])).toEqual([['newAwaiting', new Date(msk(15, 10, 1)).toISOString()]]);
    expect(marks.all().map((m) => m.kind)).toEqual(['newAwaiting']);
  });

  // The 7-day soak (seed 1) raised the 6 h and 24 h thresholds crossed during its two-hour full disk up to 97 min late:
  // the engine showed nothing it could not keep, so every crossing waited for disk space (or a restart).
  it('while the store takes no writes, a threshold crossed is shown on time, not repeated, and kept with that time afterwards', async () => {
    const marks = createStoredMarkStore(store.alertMarks);
    const provisional: number[] = [];
    const replaced: Array<[number, number]> = [];
    const created = msk(15, 10, 0);
    const { engine, notifier, clock } = setup(() => [aReturn(1, { createdAt: created })], {
      settings: () => DEFAULT_ALERT_SETTINGS,
      marks,
      keep: {
        transaction: (fn) => store.transaction(fn),
        record: (n, at) => store.alertHistory.record(n, at),
        provisional: (n, at) => {
          provisional.push(at);
          return { ...n, id: 2 ** 52 + provisional.length, at: new Date(at).toISOString(), acknowledgedAt: null, dismissedAt: null };
        },
        replaced: (shown, record) => void replaced.push([shown.id, record.id]),
      },
    });
    clock.t = created + MINUTE;
    await engine.tick();
    expect(notifier.shown.map((s) => s.n.kind)).toEqual(['newAwaiting']);
    // The disk fills: SQLite refuses every write of this connection.
    store.db.exec('PRAGMA query_only = 1');
    const crossing = created + 24 * HOUR;
    clock.t = crossing + 10_000;
    await engine.tick();
    clock.t += MINUTE;
    await engine.tick();
    clock.t += HOUR;
    await engine.tick();
    expect(notifier.shown.map((s) => [s.n.kind, s.at])).toEqual([
      ['newAwaiting', created + MINUTE],
      ['deadline', crossing + 10_000],
    ]);
    expect(provisional).toEqual([crossing + 10_000]);
    expect(store.alertHistory.list().total).toBe(1);
    // Space is back.
    store.db.exec('PRAGMA query_only = 0');
    clock.t += MINUTE;
    await engine.tick();
    clock.t += MINUTE;
    await engine.tick();
    expect(notifier.shown).toHaveLength(2);
    const kept = store.alertHistory.list().alerts.find((a) => a.kind === 'deadline');
    expect(kept?.at).toBe(new Date(crossing + 10_000).toISOString());
    expect(replaced).toEqual([[2 ** 52 + 1, kept!.id]]);
    expect(
      marks
        .all()
        .filter((m) => m.kind === 'deadline')
        .map((m) => m.threshold),
    ).toEqual([1440]);
  });
  // Seed 1's week: killed at 12:02 inside the two-hour full disk. What a process showed but could not keep lives only in
  // that process, so the next one shows it again (the operator hears of it twice, which beats not at all) and keeps it
  // once, with its own time; what was kept before the disk filled is not shown again.
  it('after a kill during the full disk, an alert shown but not kept is shown once more and kept once; a kept one is not', async () => {
    const created = msk(15, 10, 0);
    const second = created + 30 * MINUTE;
    const processOn = (db: Store) => {
      const marks = createStoredMarkStore(db.alertMarks);
      let ids = 0;
      const { engine, notifier, clock } = setup(() => [aReturn(1, { createdAt: created }), aReturn(2, { createdAt: second })], {
        settings: () => DEFAULT_ALERT_SETTINGS,
        marks,
        keep: {
          transaction: (fn) => db.transaction(fn),
          record: (n, at) => db.alertHistory.record(n, at),
          provisional: (n, at) => ({ ...n, id: 2 ** 52 + ++ids, at: new Date(at).toISOString(), acknowledgedAt: null, dismissedAt: null }),
        },
      });
      return { engine, notifier, clock };
    };
    const first = processOn(store);
    first.clock.t = created + MINUTE;
    await first.engine.tick();
    // Return 1's 24 h alert is kept; then the disk fills and return 2's is only shown.
    first.clock.t = created + 24 * HOUR + 10_000;
    await first.engine.tick();
    store.db.exec('PRAGMA query_only = 1');
    first.clock.t = second + 24 * HOUR + 10_000;
    await first.engine.tick();
    const deadlines = (shown: Array<{ n: AlertNotification; at: number }>) => shown.filter((s) => s.n.kind === 'deadline').map((s) => [s.n.returnIds, s.at]);
    expect(deadlines(first.notifier.shown)).toEqual([
      [[1], created + 24 * HOUR + 10_000],
      [[2], second + 24 * HOUR + 10_000],
    ]);
    // SIGKILL: the process and what it held are gone; the next one starts on the same data folder, the disk still full.
    first.engine.stop();
    store.close();
    store = openStore(join(dir, 'returndesk.sqlite'));
    store.db.exec('PRAGMA query_only = 1');
    const next = processOn(store);
    const restart = second + 24 * HOUR + 10 * MINUTE;
    next.clock.t = restart;
    await next.engine.tick();
    next.clock.t += MINUTE;
    await next.engine.tick();
    expect(deadlines(next.notifier.shown)).toEqual([[[2], restart]]);
    store.db.exec('PRAGMA query_only = 0');
    next.clock.t += MINUTE;
    await next.engine.tick();
    next.clock.t += HOUR;
    await next.engine.tick();
    expect(deadlines(next.notifier.shown)).toEqual([[[2], restart]]);
    const kept = store.alertHistory
      .list()
      .alerts.filter((a) => a.kind === 'deadline')
      .map((a) => [a.returnIds, a.at])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(kept).toEqual([
      [[1], new Date(created + 24 * HOUR + 10_000).toISOString()],
      [[2], new Date(restart).toISOString()],
    ]);
  });
});
