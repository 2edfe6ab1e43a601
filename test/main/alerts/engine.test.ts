import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallbackNotifier } from '../../../main/alerts/callback-notifier.ts';
import { createAlertEngine, type AlertEngineOptions, type Notifier } from '../../../main/alerts/engine.ts';
import { createMemoryMarkStore, createStoredMarkStore } from '../../../main/alerts/marks.ts';
import { DEFAULT_ALERT_SETTINGS, type AlertNotification, type AlertReturn, type AlertTarget } from '../../../main/alerts/policy.ts';
import { formatWatchLine } from '../../../main/alerts/watch.ts';
import { ALERT_MIGRATIONS } from '../../../main/store/alerts.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { silentLogger } from '../../../main/log.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { aReturn, HOUR, MINUTE, T0 } from './fixtures.ts';

const DEADLINE = T0 + 48 * HOUR;
const FACTS: AlertNotification['facts'] = {
  count: 1,
  first: { returnId: 1, orderId: 1001, campaignName: null },
  timeLeftMs: null,
  thresholdMinutes: null,
  message: null,
  reason: null,
};

function fakeNotifier(): Notifier & { shown: AlertNotification[]; click(target: AlertTarget): void } {
  const shown: AlertNotification[] = [];
  const handlers: Array<(t: AlertTarget) => void> = [];
  return {
    shown,
    isSupported: () => true,
    show: (n) => void shown.push(n),
    onClick: (h) => void handlers.push(h),
    click: (t) => handlers.forEach((h) => h(t)),
  };
}

function setup(over: Partial<AlertEngineOptions> & { returns?: AlertReturn[] } = {}) {
  const clock = {
    t: T0 + MINUTE,
    now() {
      return this.t;
    },
  };
  const notifier = fakeNotifier();
  const state = { returns: over.returns ?? [aReturn(1)] };
  const engine = createAlertEngine({
    clock,
    marks: createMemoryMarkStore(),
    notifier,
    source: () => ({ returns: state.returns, outboxProblems: [] }),
    settings: () => DEFAULT_ALERT_SETTINGS,
    locale: () => 'en',
    logger: silentLogger,
    tzOffset: () => 0,
    ...over,
  });
  return { clock, notifier, state, engine };
}

describe('alert engine', () => {
  it('shows what is due, records marks, and does not repeat on the next tick', async () => {
    const { engine, notifier, clock } = setup();
    const first = await engine.tick();
    expect(first.notifications.map((n) => n.kind)).toEqual(['newAwaiting']);
    expect(notifier.shown).toHaveLength(1);
    clock.t += MINUTE;
    expect((await engine.tick()).notifications).toEqual([]);
    clock.t = DEADLINE - 30 * MINUTE;
    const late = await engine.tick();
    expect(late.clockJump).toBe(true);
    expect(notifier.shown.map((n) => n.title)).toEqual(['1 new return awaits a decision', '1 return needs a decision within 1 hour']);
  });

  it('keeps the tray counts and tells listeners when they change', async () => {
    const { engine, clock, state } = setup({ returns: [aReturn(1), aReturn(2, { createdAt: T0 - 47 * HOUR })] });
    const seen: unknown[] = [];
    engine.onCounts((c) => seen.push(c));
    await engine.tick();
    expect(engine.counts()).toEqual({ awaitingCount: 2, urgentCount: 1, undeliveredCount: 0 });
    clock.t += MINUTE;
    await engine.tick();
    state.returns = [aReturn(1), aReturn(2, { createdAt: T0 - 47 * HOUR, outboxState: 'queued' })];
    await engine.tick();
    expect(seen).toEqual([
      { awaitingCount: 2, urgentCount: 1, undeliveredCount: 0 },
      // Queued with 58 minutes left: no longer awaiting, but not delivered either.
      { awaitingCount: 1, urgentCount: 0, undeliveredCount: 1 },
    ]);
  });

  it('passes a click on a notification to the app with its target', async () => {
    const { engine, notifier } = setup();
    const clicks: AlertTarget[] = [];
    engine.onClick((t) => clicks.push(t));
    await engine.tick();
    notifier.click(notifier.shown[0]!.target);
    expect(clicks).toEqual([{ returnId: 1 }]);
  });

  it('logs a notifier that throws and still records the mark, so it does not repeat every minute', async () => {
    const { logger, lines } = memoryLogger();
    const notifier: Notifier = {
      isSupported: () => false,
      show: vi.fn(() => {
        throw new Error('boom');
      }),
      onClick: () => {},
    };
    const { engine, clock } = setup({ notifier, logger });
    await engine.tick();
    clock.t += MINUTE;
    await engine.tick();
    expect(notifier.show).toHaveBeenCalledTimes(1);
    expect(lines.some((l) => l.includes('alerts: notifier failed') && l.includes('boom'))).toBe(true);
    expect(lines.filter((l) => l.includes('not supported'))).toHaveLength(1);
  });

  it('a tick asked while one runs evaluates again after it, so a return stored mid-evaluation is not left to the next minute', async () => {
    let release: () => void = () => undefined;
    const state = { returns: [aReturn(1)], calls: 0 };
    const source = async () => {
      state.calls++;
      const returns = state.returns;
      // The first evaluation reads its snapshot, then waits (a slow machine) while the sync stores return 2.
      if (state.calls === 1) await new Promise<void>((resolve) => (release = resolve));
      return { returns, outboxProblems: [] };
    };
    const { engine, notifier } = setup({ source });
    const first = engine.tick();
    await Promise.resolve();
    state.returns = [aReturn(1), aReturn(2)];
    const second = engine.tick();
    const third = engine.tick();
    expect(third).toBe(second);
    release();
    expect((await first).notifications.map((n) => n.returnIds)).toEqual([[1]]);
    expect((await second).notifications.map((n) => n.returnIds)).toEqual([[2]]);
    expect(state.calls).toBe(2);
    expect(notifier.shown.map((n) => n.returnIds)).toEqual([[1], [2]]);
  });

  it('ticks at once on start and then every interval until stopped', async () => {
    vi.useFakeTimers();
    try {
      const source = vi.fn(() => ({ returns: [] }));
      const { engine } = setup({ source, intervalMs: 60_000 });
      engine.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(source).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(source).toHaveBeenCalledTimes(3);
      engine.stop();
      await vi.advanceTimersByTimeAsync(300_000);
      expect(source).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('survives a failing source: the error is logged and the next tick works', async () => {
    vi.useFakeTimers();
    try {
      const { logger, lines } = memoryLogger();
      let fail = true;
      const { engine, notifier } = setup({
        logger,
        source: () => {
          if (fail) throw new Error('database is locked');
          return { returns: [aReturn(1)] };
        },
      });
      engine.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(lines.some((l) => l.includes('alerts: tick failed') && l.includes('database is locked'))).toBe(true);
      fail = false;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(notifier.shown).toHaveLength(1);
      engine.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('alert marks in SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-alerts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (): Store => openStore(join(dir, 'returndesk.sqlite'));

  it('does not alert again after a restart (database closed and reopened, engine rebuilt)', async () => {
    const returns = [aReturn(1), aReturn(2, { refundStatus: 'PREMODERATION_DISPUTE' })];
    const run = async (db: Store, now: number) => {
      const { engine, notifier } = setup({ marks: createStoredMarkStore(db.alertMarks), returns, clock: { now: () => now } });
      await engine.tick();
      return notifier.shown.map((n) => n.kind);
    };
    let db = open();
    expect(await run(db, T0 + MINUTE)).toEqual(['dispute', 'newAwaiting']);
    db.close();

    db = open();
    expect(await run(db, T0 + 2 * MINUTE)).toEqual([]);
    expect(await run(db, T0 + 25 * HOUR)).toEqual(['deadline']);
    db.close();

    db = open();
    expect(await run(db, T0 + 25 * HOUR + MINUTE)).toEqual([]);
    const marks = createStoredMarkStore(db.alertMarks).all();
    expect(marks.map((m) => `${m.returnId}:${m.kind}:${m.threshold}:${m.skipped}`).sort()).toEqual([
      '1:deadline:1440:false',
      '1:newAwaiting:0:false',
      '2:dispute:0:false',
    ]);
    db.close();
  });

  it('keeps the first time of a mark, prunes old ones, and its schema step is idempotent', () => {
    const db = open();
    const store = createStoredMarkStore(db.alertMarks);
    store.record([{ returnId: 1, kind: 'dispute', threshold: 0, alertedAt: 100, skipped: false }]);
    store.record([
      { returnId: 1, kind: 'dispute', threshold: 0, alertedAt: 200, skipped: true },
      { returnId: 2, kind: 'expired', threshold: 0, alertedAt: 300, skipped: false },
    ]);
    expect(store.all().find((m) => m.returnId === 1)).toMatchObject({ alertedAt: 100, skipped: false });
    expect(store.prune(250)).toBe(1);
    expect([...store.keys()]).toEqual(['2:expired:0']);
    ALERT_MIGRATIONS[0]!.up(db.db); // idempotent
    expect([...store.keys()]).toEqual(['2:expired:0']);
    db.close();
  });
});

describe('web and CLI notifiers', () => {
  it('the callback notifier forwards notifications and clicks', () => {
    const delivered: AlertNotification[] = [];
    const notifier = createCallbackNotifier((n) => delivered.push(n));
    const clicks: AlertTarget[] = [];
    notifier.onClick((t) => clicks.push(t));
    const n: AlertNotification = { kind: 'dispute', facts: FACTS, title: 't', body: 'b', urgency: 'normal', target: { filter: 'disputes' }, returnIds: [1, 2] };
    notifier.show(n);
    notifier.click({ filter: 'disputes' });
    expect(delivered).toEqual([n]);
    expect(clicks).toEqual([{ filter: 'disputes' }]);
    expect(notifier.isSupported()).toBe(true);
  });

  it('cli watch prints each notification as one line, time and kind first', () => {
    expect(formatWatchLine(0, { kind: 'expired', facts: FACTS, title: 'T', body: 'B', urgency: 'critical', target: { returnId: 1 }, returnIds: [1] })).toBe(
      '1970-01-01T00:00:00.000Z expired            T — B',
    );
    // The longest kind still leaves a space before the title.
    expect(
      formatWatchLine(0, { kind: 'undeliveredExpired', facts: FACTS, title: 'T', body: 'B', urgency: 'critical', target: { returnId: 1 }, returnIds: [1] }),
    ).toBe('1970-01-01T00:00:00.000Z undeliveredExpired T — B');
  });
});

/** Timers of a fake clock that fire `lateMs` after their time, as a busy event loop fires them (at 1200× one real ms is 1.2 s). */
function lateTimers(clock: { t: number }, lateMs: number) {
  const pending = new Set<{ due: number; fn: () => void }>();
  return {
    setTimeout(fn: () => void, ms: number): unknown {
      const timer = { due: clock.t + ms, fn };
      pending.add(timer);
      return timer;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as { due: number; fn: () => void }),
    /** Fires every timer due before `end` in order, letting each tick finish, and leaves the clock at `end`. */
    async runUntil(end: number): Promise<void> {
      const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
      await settle();
      for (;;) {
        const next = [...pending].sort((a, b) => a.due - b.due)[0];
        if (!next || next.due + lateMs > end) break;
        pending.delete(next);
        clock.t = Math.max(clock.t, next.due + lateMs);
        next.fn();
        await settle();
      }
      clock.t = end;
    },
  };
}

describe('alert timing on a clock whose timers fire late', () => {
  let dir: string;
  let db: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-alert-timing-'));
    db = openStore(join(dir, 'returndesk.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const started = (
    clock: { t: number; now(): number },
    timers: ReturnType<typeof lateTimers>,
    returns: AlertReturn[],
    over: Partial<AlertEngineOptions> = {},
  ) => {
    const { engine } = setup({
      clock,
      timers,
      returns,
      marks: createStoredMarkStore(db.alertMarks),
      keep: { transaction: (fn) => db.transaction(fn), record: (n, at) => db.alertHistory.record(n, at) },
      ...over,
    });
    engine.start();
    return engine;
  };
  const keptAt = (kind: string): number[] =>
    db.alertHistory
      .list()
      .alerts.filter((a) => a.kind === kind)
      .map((a) => Date.parse(a.at));

  // The soak (1200×) found crossings alerted 60–66 s after they happened: the minute tick came just before the
  // crossing and the next one a minute plus a late timer after it. Fails on the minute-only tick (61.5 s).
  it('raises a threshold crossed just after a tick within one interval, though every timer fires 2 s late', async () => {
    const crossing = T0 + 24 * HOUR; // 24 h before the deadline of a return created at T0
    const clock = {
      t: crossing - 500,
      now() {
        return this.t;
      },
    };
    const timers = lateTimers(clock, 2_000);
    const engine = started(clock, timers, [aReturn(1)]);
    await timers.runUntil(crossing + 5 * MINUTE);
    engine.stop();
    const [at] = keptAt('deadline');
    expect(at).toBeDefined();
    expect(at! - crossing).toBeGreaterThanOrEqual(0);
    expect(at! - crossing).toBeLessThanOrEqual(MINUTE);
    expect(keptAt('deadline')).toHaveLength(1);
  });

  it('raises what quiet hours held when they end, not at the first minute tick after', async () => {
    const night = { ...DEFAULT_ALERT_SETTINGS, quietHours: { enabled: true, start: '22:00', end: '08:00' } };
    // tzOffset 0 in setup: quiet hours end at 08:00 UTC; the 24 h threshold of this return was crossed at 05:00.
    const end = Date.UTC(2025, 0, 16, 8, 0);
    const clock = {
      t: end - 500,
      now() {
        return this.t;
      },
    };
    const timers = lateTimers(clock, 2_000);
    const engine = started(clock, timers, [aReturn(1, { createdAt: end - 27 * HOUR })], { settings: () => night });
    await timers.runUntil(end + 5 * MINUTE);
    engine.stop();
    const [at] = keptAt('deadline');
    expect(at! - end).toBeGreaterThanOrEqual(0);
    expect(at! - end).toBeLessThanOrEqual(MINUTE);
  });
});
