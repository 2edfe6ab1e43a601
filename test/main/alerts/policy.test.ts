import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_SETTINGS,
  evaluateAlerts,
  isQuietTime,
  markKey,
  countDeadlines,
  type AlertDecision,
  type AlertLocale,
  type AlertMark,
  type AlertReturn,
  type AlertSettings,
  type OutboxProblem,
  type TzOffset,
} from '../../../main/alerts/policy.ts';
import { countReturns, formatDuration, within } from '../../../main/alerts/texts.ts';
import { aReturn, HOUR, MINUTE, T0 } from './fixtures.ts';

const UTC: TzOffset = () => 0;
const MOSCOW: TzOffset = () => 180;
const DEADLINE = T0 + 48 * HOUR;

/** Runs the policy tick after tick, recording marks like the engine does. */
function simulator(options: { settings?: AlertSettings; tz?: TzOffset; locale?: AlertLocale } = {}) {
  const marks = new Set<string>();
  const recorded: AlertMark[] = [];
  let previousTick: number | null = null;
  let tz = options.tz ?? UTC;
  return {
    marks,
    recorded,
    setTz(next: TzOffset) {
      tz = next;
    },
    at(now: number, returns: AlertReturn[], outboxProblems: OutboxProblem[] = []): AlertDecision {
      const decision = evaluateAlerts({
        snapshot: { returns, outboxProblems },
        settings: options.settings ?? DEFAULT_ALERT_SETTINGS,
        tzOffset: tz,
        now,
        previousTick,
        marks,
        locale: options.locale ?? 'en',
      });
      for (const m of decision.marks) marks.add(markKey(m.returnId, m.kind, m.threshold));
      recorded.push(...decision.marks);
      previousTick = now;
      return decision;
    },
  };
}

const quiet = (start: string, end: string): AlertSettings => ({ ...DEFAULT_ALERT_SETTINGS, quietHours: { enabled: true, start, end } });

describe('alert policy: decision clock', () => {
  it('alerts a new return, then at 24 h, 6 h and 1 h before the deadline and at expiry, each once and on time', () => {
    const sim = simulator();
    const ret = aReturn(1);
    const fired: Array<{ at: number; kind: string; urgency: string; title: string }> = [];
    for (let now = T0 + MINUTE; now <= DEADLINE + 2 * HOUR; now += MINUTE) {
      for (const n of sim.at(now, [ret]).notifications) fired.push({ at: now, kind: n.kind, urgency: n.urgency, title: n.title });
    }
    expect(fired.map((f) => [f.kind, (f.at - T0) / MINUTE, f.urgency])).toEqual([
      ['newAwaiting', 1, 'normal'],
      ['deadline', 24 * 60, 'normal'],
      ['deadline', 42 * 60, 'normal'],
      ['deadline', 47 * 60, 'critical'],
      ['expired', 48 * 60, 'critical'],
    ]);
    expect(fired.map((f) => f.title)).toEqual([
      '1 new return awaits a decision',
      '1 return needs a decision within 24 hours',
      '1 return needs a decision within 6 hours',
      '1 return needs a decision within 1 hour',
      'Decision time is up: 1 return',
    ]);
    expect(sim.recorded.every((m) => !m.skipped)).toBe(true);
  });

  it('names the return and the time left, and targets that return', () => {
    const sim = simulator();
    sim.at(T0 + MINUTE, [aReturn(5, { campaignName: 'Shop A' })]);
    const [n] = sim.at(DEADLINE - 5 * HOUR - 20 * MINUTE, [aReturn(5, { campaignName: 'Shop A' })]).notifications;
    expect(n?.body).toBe('Order 1005, return 5 (Shop A) — 5 h 20 min left');
    expect(n?.target).toEqual({ returnId: 5 });
    expect(n?.returnIds).toEqual([5]);
  });

  it('follows custom thresholds, including fractional hours', () => {
    const sim = simulator({ settings: { ...DEFAULT_ALERT_SETTINGS, alertThresholdsHours: [12, 0.5] } });
    const kinds: string[] = [];
    for (let now = T0 + MINUTE; now <= DEADLINE; now += MINUTE) {
      for (const n of sim.at(now, [aReturn(1)]).notifications) kinds.push(`${n.kind}@${(DEADLINE - now) / MINUTE}:${n.title}`);
    }
    expect(kinds).toEqual([
      `newAwaiting@${48 * 60 - 1}:1 new return awaits a decision`,
      'deadline@720:1 return needs a decision within 12 hours',
      'deadline@30:1 return needs a decision within 30 minutes',
      'expired@0:Decision time is up: 1 return',
    ]);
  });

  it('stops the deadline alerts once a decision is queued in the outbox, and resumes if it fails', () => {
    const sim = simulator();
    sim.at(T0 + MINUTE, [aReturn(1)]);
    const justQueued = { queuedAt: DEADLINE - 3 * HOUR, reason: 'waiting' as const };
    expect(sim.at(DEADLINE - 3 * HOUR, [aReturn(1, { outboxState: 'queued', pendingDecision: justQueued })]).notifications).toEqual([]);
    expect(sim.at(DEADLINE + HOUR, [aReturn(1, { outboxState: 'delivered' })]).notifications).toEqual([]);
    const resumed = sim.at(DEADLINE - 2 * HOUR, [aReturn(1, { outboxState: 'failed' })]);
    expect(resumed.notifications.map((n) => n.kind)).toEqual(['deadline']);
  });

  it('treats DBS and FBS statuses each by their own rule', () => {
    const sim = simulator();
    const d = sim.at(T0 + MINUTE, [
      aReturn(1, { placementType: 'DBS', refundStatus: 'WAITING_FOR_DECISION' }),
      aReturn(2, { placementType: 'DBS', refundStatus: 'PREMODERATION_DECISION_WAITING' }),
      aReturn(3, { placementType: 'FBS', refundStatus: 'WAITING_FOR_DECISION' }),
      aReturn(4, { placementType: 'FBY', refundStatus: 'PREMODERATION_DECISION_WAITING' }),
    ]);
    expect(d.notifications).toHaveLength(1);
    expect(d.notifications[0]?.returnIds.sort()).toEqual([1, 4]);
  });

  it('says nothing twice: the same state again, or a re-sync with the same returns, alerts nothing', () => {
    const sim = simulator();
    const returns = [aReturn(1), aReturn(2, { refundStatus: 'PREMODERATION_DISPUTE' })];
    expect(sim.at(DEADLINE - 30 * MINUTE, returns).notifications.length).toBeGreaterThan(0);
    expect(sim.at(DEADLINE - 29 * MINUTE, returns).notifications).toEqual([]);
    expect(sim.at(DEADLINE - 28 * MINUTE, [...returns, ...returns]).notifications).toEqual([]);
  });

  it('never goes back to a larger threshold after the thresholds change', () => {
    const sim = simulator();
    sim.at(T0 + MINUTE, [aReturn(1)]);
    sim.at(DEADLINE - 5 * HOUR, [aReturn(1)]); // 24 h skipped, 6 h shown
    const wider = simulator({ settings: { ...DEFAULT_ALERT_SETTINGS, alertThresholdsHours: [24, 12, 6, 1] } });
    for (const key of sim.marks) wider.marks.add(key);
    expect(wider.at(DEADLINE - 5 * HOUR + MINUTE, [aReturn(1)]).notifications).toEqual([]);
    expect(wider.at(DEADLINE - 59 * MINUTE, [aReturn(1)]).notifications.map((n) => n.title)).toEqual(['1 return needs a decision within 1 hour']);
  });
});

describe('alert policy: grouping', () => {
  it('summarises many returns in one notification per kind and names the most urgent', () => {
    const sim = simulator();
    // Seven returns created 10..70 minutes apart; all have passed 24 h already.
    const returns = Array.from({ length: 7 }, (_, i) => aReturn(i + 1, { createdAt: T0 + (i + 1) * 10 * MINUTE }));
    sim.at(T0 + 25 * HOUR, returns);
    const d = sim.at(T0 + 43 * HOUR + 20 * MINUTE, returns);
    expect(d.notifications).toHaveLength(1);
    const [n] = d.notifications;
    expect(n?.kind).toBe('deadline');
    expect(n?.title).toBe('7 returns need a decision within 6 hours');
    expect(n?.body).toBe('Most urgent: Order 1001, return 1 — 4 h 50 min left');
    expect(n?.target).toEqual({ filter: 'awaiting' });
    expect(n?.returnIds.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(n?.urgency).toBe('normal');
  });

  it('gives one notification per kind in a tick, critical if any of the group crossed the last threshold', () => {
    const sim = simulator();
    const returns = [
      aReturn(1),
      aReturn(2, { createdAt: T0 + 5 * HOUR }),
      aReturn(3, { refundStatus: 'PREMODERATION_DISPUTE' }),
      aReturn(4, { refundStatus: 'PREMODERATION_DISPUTE' }),
    ];
    const d = sim.at(DEADLINE - 30 * MINUTE, returns);
    expect(d.notifications.map((n) => n.kind)).toEqual(['deadline', 'dispute']);
    expect(d.notifications[0]?.urgency).toBe('critical');
    expect(d.notifications[0]?.title).toBe('2 returns need a decision within 6 hours');
    expect(d.notifications[0]?.body).toBe('Most urgent: Order 1001, return 1 — 30 min left');
    expect(d.notifications[1]?.target).toEqual({ filter: 'disputes' });
  });

  it('folds "new return" into the deadline alert for a return first seen late', () => {
    const sim = simulator();
    const d = sim.at(T0 + 30 * HOUR, [aReturn(1)]);
    expect(d.notifications.map((n) => n.kind)).toEqual(['deadline']);
    expect(sim.recorded).toContainEqual(expect.objectContaining({ kind: 'newAwaiting', skipped: true }));
  });
});

describe('alert policy: quiet hours', () => {
  // 22:00–08:00 Moscow = 19:00–05:00 UTC.
  const nightUtc = (h: number, m = 0): number => Date.UTC(2025, 0, 15, h, m);

  it('knows quiet hours across midnight in local time', () => {
    const q = quiet('22:00', '08:00').quietHours;
    expect(isQuietTime(nightUtc(18, 59), q, MOSCOW)).toBe(false);
    expect(isQuietTime(nightUtc(19, 0), q, MOSCOW)).toBe(true);
    expect(isQuietTime(nightUtc(23, 30), q, MOSCOW)).toBe(true);
    expect(isQuietTime(Date.UTC(2025, 0, 16, 4, 59), q, MOSCOW)).toBe(true);
    expect(isQuietTime(Date.UTC(2025, 0, 16, 5, 0), q, MOSCOW)).toBe(false);
    expect(isQuietTime(nightUtc(12), quiet('09:00', '17:00').quietHours, UTC)).toBe(true);
    expect(isQuietTime(nightUtc(12), { enabled: false, start: '00:00', end: '23:59' }, UTC)).toBe(false);
  });

  it('holds alerts back and delivers them when quiet hours end', () => {
    const sim = simulator({ settings: quiet('22:00', '08:00'), tz: MOSCOW });
    const ret = aReturn(1, { createdAt: nightUtc(20) - 24 * HOUR - MINUTE }); // 24 h threshold crossed at 20:00 UTC — night in Moscow
    const held = sim.at(nightUtc(20, 1), [ret]);
    expect(held.notifications).toEqual([]);
    expect(held.heldBack).toBe(1);
    expect(held.marks).toEqual([]);
    expect(sim.at(Date.UTC(2025, 0, 16, 4, 59), [ret]).notifications).toEqual([]);
    const morning = sim.at(Date.UTC(2025, 0, 16, 5, 0), [ret]);
    expect(morning.notifications.map((n) => n.title)).toEqual(['1 return needs a decision within 24 hours']);
  });

  it('lets the last threshold and expiry through quiet hours', () => {
    const sim = simulator({ settings: quiet('22:00', '08:00'), tz: MOSCOW });
    const lastSoon = aReturn(1, { createdAt: nightUtc(21) - 48 * HOUR + 50 * MINUTE });
    const expired = aReturn(2, { createdAt: nightUtc(21) - 48 * HOUR - MINUTE });
    const d = sim.at(nightUtc(21), [lastSoon, expired]);
    expect(d.quiet).toBe(true);
    expect(d.notifications.map((n) => [n.kind, n.urgency])).toEqual([
      ['expired', 'critical'],
      ['deadline', 'critical'],
    ]);
    expect(d.notifications[1]?.title).toBe('1 return needs a decision within 1 hour');
  });

  it('skips thresholds held during the night once the last one breaks through, and says nothing more in the morning', () => {
    const sim = simulator({ settings: quiet('22:00', '08:00'), tz: MOSCOW });
    const ret = aReturn(1, { createdAt: nightUtc(19, 30) - 40 * HOUR }); // 8.5 h left at 19:30 UTC
    expect(sim.at(nightUtc(19, 30), [ret]).heldBack).toBe(1);
    expect(sim.at(Date.UTC(2025, 0, 16, 2, 0), [ret]).heldBack).toBe(1); // 6 h crossed: held too
    const d = sim.at(Date.UTC(2025, 0, 16, 3, 0), [ret]); // 30 min left
    expect(d.notifications.map((n) => n.title)).toEqual(['1 return needs a decision within 1 hour']);
    expect(
      sim.recorded
        .filter((m) => m.skipped)
        .map((m) => `${m.kind}:${m.threshold}`)
        .sort(),
    ).toEqual(['deadline:1440', 'deadline:360', 'newAwaiting:0']);
    expect(sim.at(Date.UTC(2025, 0, 16, 5, 0), [ret]).notifications.map((n) => n.kind)).toEqual(['expired']);
  });
});

describe('alert policy: clock jumps', () => {
  it('after sleep shows only the most urgent threshold that still applies and marks the skipped ones', () => {
    const sim = simulator();
    sim.at(T0 + MINUTE, [aReturn(1)]);
    const d = sim.at(DEADLINE - 30 * MINUTE, [aReturn(1)]);
    expect(d.clockJump).toBe(true);
    expect(d.notifications.map((n) => n.title)).toEqual(['1 return needs a decision within 1 hour']);
    expect(
      d.marks
        .filter((m) => m.skipped)
        .map((m) => m.threshold)
        .sort(),
    ).toEqual([1440, 360]);
    expect(sim.at(DEADLINE - 29 * MINUTE, [aReturn(1)]).notifications).toEqual([]);
  });

  it('does not skip the expiry alert across a sleep past the deadline, and does not burst', () => {
    const sim = simulator();
    const returns = Array.from({ length: 20 }, (_, i) => aReturn(i + 1, { createdAt: T0 + i * 20 * MINUTE }));
    sim.at(T0 + 7 * HOUR, returns);
    const d = sim.at(DEADLINE + 2 * HOUR, returns); // a laptop closed for 43 hours
    expect(d.notifications.map((n) => n.kind)).toEqual(['expired', 'deadline']);
    expect(d.notifications[0]?.returnIds).toHaveLength(7); // created up to T0+2h: expired
    expect(d.notifications[0]?.body).toMatch(/^Most urgent: Order 1001, return 1\./);
    expect(d.notifications[1]?.returnIds).toHaveLength(13);
    expect(d.notifications[1]?.urgency).toBe('critical');
    expect(sim.at(DEADLINE + 2 * HOUR + MINUTE, returns).notifications).toEqual([]);
  });

  it('a time-zone change moves quiet hours but neither repeats nor loses alerts', () => {
    const sim = simulator({ settings: quiet('22:00', '08:00'), tz: UTC });
    const ret = aReturn(1);
    expect(sim.at(T0 + MINUTE, [ret]).notifications).toHaveLength(1); // 09:01 UTC: day
    sim.setTz(() => 14 * 60); // flew east: 23:01 local, quiet
    const night = sim.at(T0 + 24 * HOUR + MINUTE, [ret]);
    expect(night.notifications).toEqual([]);
    expect(night.heldBack).toBe(1);
    sim.setTz(() => 0); // back: 09:02 local
    expect(sim.at(T0 + 24 * HOUR + 2 * MINUTE, [ret]).notifications.map((n) => n.title)).toEqual(['1 return needs a decision within 24 hours']);
    sim.setTz(() => -5 * 60);
    expect(sim.at(T0 + 24 * HOUR + 3 * MINUTE, [ret]).notifications).toEqual([]);
  });

  it('a clock set backwards repeats nothing', () => {
    const sim = simulator();
    sim.at(DEADLINE - 30 * MINUTE, [aReturn(1)]);
    const d = sim.at(DEADLINE - 5 * HOUR, [aReturn(1)]);
    expect(d.clockJump).toBe(true);
    expect(d.notifications).toEqual([]);
  });
});

describe('alert policy: pickup, disputes, outbox', () => {
  it('alerts a pickup deadline within 24 hours, once', () => {
    const sim = simulator();
    const now = T0 + 3 * HOUR;
    const ready = (id: number, inHours: number, status = 'READY_FOR_PICKUP'): AlertReturn =>
      aReturn(id, { refundStatus: 'REFUNDED', shipmentStatus: status, pickupTill: now + inHours * HOUR });
    const returns = [ready(1, 20), ready(2, 30), ready(3, 5, 'IN_TRANSIT'), ready(4, -1), ready(5, 23)];
    const d = sim.at(now, returns);
    expect(d.notifications).toHaveLength(1);
    expect(d.notifications[0]).toMatchObject({
      kind: 'pickup',
      title: 'Pick up by tomorrow: 2 returns',
      body: 'Most urgent: Order 1001, return 1 — pick up within 20 h',
      target: { returnId: 1 },
    });
    expect(d.notifications[0]?.returnIds.sort()).toEqual([1, 5]);
    expect(sim.at(now + HOUR, returns).notifications).toEqual([]);
    expect(sim.at(now + 7 * HOUR, returns).notifications.map((n) => n.returnIds)).toEqual([[2]]);
  });

  it('alerts a dispute opening once', () => {
    const sim = simulator();
    expect(sim.at(T0, [aReturn(1)]).notifications.map((n) => n.kind)).toEqual(['newAwaiting']);
    const d = sim.at(T0 + HOUR, [aReturn(1, { refundStatus: 'PREMODERATION_DISPUTE' })]);
    expect(d.notifications).toEqual([
      {
        kind: 'dispute',
        // The facts a screen writes its words from, in whatever language it speaks then.
        facts: { count: 1, first: { returnId: 1, orderId: 1001, campaignName: null }, timeLeftMs: null, thresholdMinutes: null, message: null, reason: null },
        title: 'Dispute opened: 1 return',
        body: 'Order 1001, return 1',
        urgency: 'normal',
        target: { returnId: 1 },
        returnIds: [1],
      },
    ]);
    expect(sim.at(T0 + 2 * HOUR, [aReturn(1, { refundStatus: 'PREMODERATION_DISPUTE' })]).notifications).toEqual([]);
  });

  it('alerts outbox failures and conflicts once per outbox entry', () => {
    const sim = simulator();
    const failed: OutboxProblem = { kind: 'failed', returnId: 1, orderId: 1001, entryId: 31, at: T0, message: 'HTTP 500' };
    const conflict: OutboxProblem = { kind: 'conflict', returnId: 2, orderId: 1002, entryId: 32, at: T0 };
    const d = sim.at(T0 + MINUTE, [], [failed, conflict]);
    expect(d.notifications.map((n) => [n.kind, n.title, n.body])).toEqual([
      ['outboxFailed', 'Decision not delivered: 1 return', 'Order 1001, return 1: HTTP 500. Retry it from the outbox'],
      ['outboxConflict', 'Decision conflict: 1 return', 'Order 1002, return 2: the return changed in the Market — review it'],
    ]);
    expect(sim.at(T0 + 2 * MINUTE, [], [failed, conflict]).notifications).toEqual([]);
    const again = sim.at(T0 + 3 * MINUTE, [], [failed, { ...failed, entryId: 40 }, { ...failed, returnId: 3, orderId: 1003, entryId: 41 }]);
    expect(again.notifications).toHaveLength(1);
    expect(again.notifications[0]).toMatchObject({ kind: 'outboxFailed', title: 'Decision not delivered: 2 returns', target: { filter: 'outbox' } });
  });
});

describe('alert policy: Russian', () => {
  it('chooses one, few or many by the last two digits', () => {
    const form = (n: number): string => countReturns(n, 'ru');
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 122].map(form)).toEqual([
      '1 возврат',
      '2 возврата',
      '4 возврата',
      '5 возвратов',
      '11 возвратов',
      '12 возвратов',
      '14 возвратов',
      '21 возврат',
      '22 возврата',
      '25 возвратов',
      '101 возврат',
      '111 возвратов',
      '112 возвратов',
      '122 возврата',
    ]);
    expect([within(60, 'ru'), within(21 * 60, 'ru'), within(30, 'ru'), within(60, 'en'), within(90, 'en')]).toEqual([
      'в течение 1 часа',
      'в течение 21 часа',
      'в течение 30 минут',
      'within 1 hour',
      'within 90 minutes',
    ]);
    expect([formatDuration(59_000, 'ru'), formatDuration(HOUR, 'ru'), formatDuration(47 * HOUR + 59 * MINUTE, 'en')]).toEqual([
      'меньше минуты',
      '1 ч',
      '47 h 59 min',
    ]);
  });

  it('writes titles with the right plural forms', () => {
    const titles = (count: number, now: number, returns: (i: number) => AlertReturn): string[] => {
      const sim = simulator({ locale: 'ru' });
      return sim
        .at(
          now,
          Array.from({ length: count }, (_, i) => returns(i + 1)),
        )
        .notifications.map((n) => n.title);
    };
    expect(titles(1, T0, (i) => aReturn(i))).toEqual(['1 новый возврат ждёт решения']);
    expect(titles(2, T0, (i) => aReturn(i))).toEqual(['2 новых возврата ждут решения']);
    expect(titles(5, T0, (i) => aReturn(i))).toEqual(['5 новых возвратов ждут решения']);
    expect(titles(21, T0, (i) => aReturn(i))).toEqual(['21 новый возврат ждёт решения']);
    expect(titles(1, DEADLINE - 30 * MINUTE, (i) => aReturn(i))).toEqual(['Решение нужно в течение 1 часа: 1 возврат']);
    expect(titles(3, DEADLINE - 5 * HOUR, (i) => aReturn(i))).toEqual(['Решение нужно в течение 6 часов: 3 возврата']);
    expect(titles(12, DEADLINE - 20 * HOUR, (i) => aReturn(i))).toEqual(['Решение нужно в течение 24 часов: 12 возвратов']);
    expect(titles(2, DEADLINE + MINUTE, (i) => aReturn(i))).toEqual(['Время на решение истекло: 2 возврата']);
    expect(titles(2, T0, (i) => aReturn(i, { refundStatus: 'PREMODERATION_DISPUTE' }))).toEqual(['Открыты споры: 2 возврата']);
  });

  it('writes the body in Russian with the time left', () => {
    const sim = simulator({ locale: 'ru' });
    const [n] = sim.at(DEADLINE - 2 * HOUR - 5 * MINUTE, [aReturn(1), aReturn(2, { createdAt: T0 + HOUR })]).notifications;
    expect(n?.body).toBe('Срочнее всего: Заказ 1001, возврат 1 — осталось 2 ч 5 мин');
  });
});

describe('tray counts', () => {
  it('counts returns whose clock runs and those within the smallest threshold or overdue', () => {
    const returns = [
      aReturn(1), // 48 h left at T0
      aReturn(2, { createdAt: T0 - 47.5 * HOUR }), // 30 min left
      aReturn(3, { createdAt: T0 - 49 * HOUR }), // overdue
      aReturn(4, { createdAt: T0 - 47.5 * HOUR, outboxState: 'queued' }),
      aReturn(5, { refundStatus: 'REFUNDED' }),
    ];
    // Return 4's decision is queued, not delivered, with 30 minutes left: counted apart, as undelivered.
    expect(countDeadlines(returns, T0, [24, 6, 1])).toEqual({ awaitingCount: 3, urgentCount: 2, undeliveredCount: 1 });
    expect(countDeadlines(returns, T0, [24, 6])).toEqual({ awaitingCount: 3, urgentCount: 2, undeliveredCount: 1 });
    expect(countDeadlines(returns, T0 + 43 * HOUR, [24, 6])).toEqual({ awaitingCount: 3, urgentCount: 3, undeliveredCount: 1 });
    expect(countDeadlines([aReturn(6, { outboxState: 'queued' })], T0, [24, 6, 1]).undeliveredCount).toBe(0);
  });
});
