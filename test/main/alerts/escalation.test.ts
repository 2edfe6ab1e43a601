// The deadline is never silent: undelivered decisions escalate, chats raise alerts (fake clock, real engine and policy).
import { describe, expect, it } from 'vitest';
import { createAlertEngine, type Notifier } from '../../../main/alerts/engine.ts';
import { createMemoryMarkStore, type AlertMarkStore } from '../../../main/alerts/marks.ts';
import {
  DEFAULT_ALERT_SETTINGS,
  type AlertNotification,
  type AlertReturn,
  type AlertSettings,
  type ChatActivity,
  type OutboxProblem,
  type UndeliveredReason,
} from '../../../main/alerts/policy.ts';
import { trayTitle, trayTooltip } from '../../../main/alerts/tray-text.ts';
import { undeliveredReason } from '../../../main/alerts/undelivered.ts';
import { silentLogger } from '../../../main/log.ts';
import { aReturn, HOUR, MINUTE, T0 } from './fixtures.ts';

const DEADLINE = T0 + 48 * HOUR;

interface World {
  returns: AlertReturn[];
  chats: ChatActivity[];
  problems: OutboxProblem[];
}

/** The real engine on a fake clock; `run` ticks every minute like the app and records what was shown when. */
function harness(options: { settings?: AlertSettings; marks?: AlertMarkStore; locale?: 'en' | 'ru'; start?: number } = {}) {
  const clock = {
    t: options.start ?? T0,
    now() {
      return this.t;
    },
  };
  const shown: Array<AlertNotification & { at: number }> = [];
  const notifier: Notifier = { isSupported: () => true, show: (n) => void shown.push({ ...n, at: clock.t }), onClick: () => undefined };
  const world: World = { returns: [], chats: [], problems: [] };
  const engine = createAlertEngine({
    clock,
    marks: options.marks ?? createMemoryMarkStore(),
    notifier,
    source: () => ({ returns: world.returns, chats: world.chats, outboxProblems: world.problems }),
    settings: () => options.settings ?? DEFAULT_ALERT_SETTINGS,
    locale: () => options.locale ?? 'en',
    logger: silentLogger,
    tzOffset: () => 0,
  });
  return {
    clock,
    shown,
    world,
    engine,
    async run(until: number, step = MINUTE): Promise<void> {
      for (; clock.t <= until; clock.t += step) await engine.tick();
      clock.t = until;
    },
  };
}

const queued = (queuedAt: number, reason: UndeliveredReason = 'unreachable'): Partial<AlertReturn> => ({
  outboxState: 'queued',
  pendingDecision: { queuedAt, reason },
});

describe('a decision queued but not delivered', () => {
  it('stops the deadline alerts and escalates at the thresholds crossed while it waits, each once, then at expiry', async () => {
    const h = harness();
    h.world.returns = [aReturn(1)];
    await h.run(T0 + 30 * HOUR); // newAwaiting at once, the 24 h threshold at T0 + 24 h
    expect(h.shown.map((n) => n.kind)).toEqual(['newAwaiting', 'deadline']);
    // Queued with 18 h left while the Market cannot be reached; it stays queued to the end.
    h.world.returns = [aReturn(1, queued(T0 + 30 * HOUR))];
    await h.run(DEADLINE + 2 * HOUR);
    const after = h.shown.slice(2);
    expect(after.map((n) => [n.kind, n.at, n.urgency])).toEqual([
      ['undelivered', DEADLINE - 6 * HOUR, 'normal'],
      ['undelivered', DEADLINE - HOUR, 'critical'],
      ['undeliveredExpired', DEADLINE, 'critical'],
    ]);
    expect(after[0]!.title).toBe('Decision for return 1 not yet delivered — 6 h left, the Market is unreachable');
    expect(after[1]!.title).toBe('Decision for return 1 not yet delivered — 1 h left, the Market is unreachable');
    expect(after[2]!.title).toBe('Decision for return 1 was not delivered in time');
    expect(after[2]!.body).toContain('the Market confirms a return without the seller');
    // Nothing said in the deadline's own words once the decision was queued.
    expect(after.some((n) => n.kind === 'deadline' || n.kind === 'expired')).toBe(false);
  });

  it('queued inside the last threshold, it escalates once it has waited two minutes: "45 min left, the Market is unreachable"', async () => {
    const h = harness({ start: DEADLINE - 70 * MINUTE });
    h.world.returns = [aReturn(1)];
    await h.run(DEADLINE - 47 * MINUTE); // the 6 h threshold at first sight, then the 1 h one
    expect(h.shown.map((n) => [n.kind, n.at])).toEqual([
      ['deadline', DEADLINE - 70 * MINUTE],
      ['deadline', DEADLINE - 60 * MINUTE],
    ]);
    h.world.returns = [aReturn(1, queued(DEADLINE - 47 * MINUTE))];
    await h.run(DEADLINE - 30 * MINUTE);
    expect(h.shown.slice(2).map((n) => [n.kind, n.at, n.title])).toEqual([
      ['undelivered', DEADLINE - 45 * MINUTE, 'Decision for return 1 not yet delivered — 45 min left, the Market is unreachable'],
    ]);
  });

  it('says nothing for a decision that goes out in time, or that the Market accepted', async () => {
    const h = harness({ start: DEADLINE - 3 * HOUR });
    h.world.returns = [
      aReturn(1, queued(DEADLINE - 3 * HOUR, 'waiting')),
      aReturn(2, { createdAt: T0 + 1, outboxState: 'sending', pendingDecision: { queuedAt: DEADLINE - 3 * HOUR, reason: 'waiting' } }),
    ];
    await h.run(DEADLINE - 3 * HOUR + MINUTE);
    h.world.returns = [aReturn(1, { outboxState: 'delivered' }), aReturn(2, { createdAt: T0 + 1, outboxState: 'delivered' })];
    await h.run(DEADLINE + HOUR);
    expect(h.shown).toEqual([]);
    expect((await h.engine.tick()).counts.undeliveredCount).toBe(0);
  });

  it('a clock past the deadline with the decision still queued: one critical alert, even after a restart', async () => {
    const marks = createMemoryMarkStore();
    const first = harness({ marks, start: DEADLINE + 3 * HOUR });
    first.world.returns = [aReturn(1, queued(T0 + 47 * HOUR, 'rate-limited'))];
    await first.engine.tick();
    expect(first.shown.map((n) => [n.kind, n.urgency, n.body])).toEqual([
      [
        'undeliveredExpired',
        'critical',
        "Order 1001, return 1: the Market limits requests. After 48 hours the Market confirms a return without the seller's decision — check the return in the seller cabinet",
      ],
    ]);
    expect((await first.engine.tick()).counts).toEqual({ awaitingCount: 0, urgentCount: 0, undeliveredCount: 1 });
    const second = harness({ marks, start: DEADLINE + 4 * HOUR });
    second.world.returns = first.world.returns;
    await second.run(DEADLINE + 5 * HOUR);
    expect(second.shown).toEqual([]);
  });

  it('groups the returns that cross a threshold in the same tick and names the reason and the most urgent', async () => {
    const h = harness({ start: DEADLINE - 62 * MINUTE });
    // Queued 5 h before the deadline: the 6 h threshold was the deadline alert's; the 1 h one escalates.
    const at = DEADLINE - 5 * HOUR;
    h.world.returns = [
      aReturn(1, queued(at, 'server-error')),
      aReturn(2, { ...queued(at, 'server-error'), createdAt: T0 - 30_000 }),
      aReturn(3, { ...queued(at, 'server-error'), placementType: 'DBS', refundStatus: 'WAITING_FOR_DECISION', createdAt: T0 - 45_000 }),
    ];
    await h.run(DEADLINE - 55 * MINUTE);
    expect(h.shown).toHaveLength(1);
    expect(h.shown[0]).toMatchObject({
      kind: 'undelivered',
      at: DEADLINE - 60 * MINUTE,
      title: 'Decisions not yet delivered: 3 returns — the Market answers with errors',
      body: 'Most urgent: Order 1003, return 3 — 59 min left',
      urgency: 'critical',
      target: { filter: 'outbox' },
      returnIds: [3, 2, 1],
    });
  });

  it('keeps the earlier thresholds for quiet hours but lets the last one and expiry through; in Russian too', async () => {
    // The deadline is at 09:00 UTC; quiet hours 01:00–10:00 cover the 6 h and 1 h thresholds and the expiry.
    const h = harness({
      settings: { ...DEFAULT_ALERT_SETTINGS, quietHours: { enabled: true, start: '01:00', end: '10:00' } },
      locale: 'ru',
      start: DEADLINE - 7 * HOUR,
    });
    h.world.returns = [aReturn(1, queued(DEADLINE - 7 * HOUR))];
    await h.run(DEADLINE + 2 * HOUR);
    expect(h.shown.map((n) => n.title)).toEqual([
      'Решение по возврату 1 ещё не доставлено — осталось 1 ч, Маркет недоступен',
      'Решение по возврату 1 не доставлено в срок',
    ]);
  });

  it('shows the undelivered decisions near their deadline in the tray', async () => {
    const h = harness({ start: DEADLINE - 30 * MINUTE });
    h.world.returns = [aReturn(1, queued(T0 + 40 * HOUR)), aReturn(2, { createdAt: T0 + HOUR })];
    const { counts } = await h.engine.tick();
    expect(counts).toEqual({ awaitingCount: 1, urgentCount: 0, undeliveredCount: 1 });
    expect(trayTooltip(counts, 'en')).toBe('ReturnDesk — 1 awaiting a decision, 0 urgent, 1 not delivered');
    expect(trayTooltip(counts, 'ru')).toBe('ReturnDesk — ждут решения: 1, срочных: 0, не доставлено решений: 1');
    expect(trayTitle(counts)).toBe('1');
    expect(trayTitle({ awaitingCount: 4, urgentCount: 0, undeliveredCount: 0 })).toBe('');
  });
});

describe('conflicts stay on screen', () => {
  it('a decision conflict is critical', async () => {
    const h = harness();
    h.world.problems = [{ kind: 'conflict', returnId: 9, orderId: 1009, entryId: 4, at: T0 }];
    await h.engine.tick();
    expect(h.shown.map((n) => [n.kind, n.urgency])).toEqual([['outboxConflict', 'critical']]);
  });
});

const chat = (over: Partial<ChatActivity> & { returnId: number; chatId: number }): ChatActivity => ({
  orderId: 1000 + over.returnId,
  campaignName: null,
  type: 'CHAT',
  status: 'WAITING_FOR_PARTNER',
  lastCustomerMessageId: null,
  lastCustomerMessageAt: null,
  finishedAt: null,
  ...over,
});

describe('chat activity', () => {
  it('a new buyer message alerts once per message, grouped across returns, newest named first', async () => {
    const h = harness();
    h.world.chats = [
      chat({ returnId: 1, chatId: 11, lastCustomerMessageId: 501, lastCustomerMessageAt: T0 - MINUTE }),
      chat({ returnId: 2, chatId: 12, lastCustomerMessageId: 502, lastCustomerMessageAt: T0 - 10_000 }),
      chat({ returnId: 3, chatId: 13 }), // no buyer message yet
    ];
    await h.run(T0 + 5 * MINUTE);
    expect(h.shown.map((n) => [n.kind, n.title, n.body, n.target])).toEqual([
      ['chatMessage', 'New buyer messages: 2 returns', 'Latest: Order 1002, return 2', { returnId: 2 }],
    ]);
    // The buyer writes again on return 1: that message is news, the old one is not.
    h.world.chats[0] = { ...h.world.chats[0]!, lastCustomerMessageId: 530, lastCustomerMessageAt: T0 + 6 * MINUTE };
    await h.run(T0 + 10 * MINUTE);
    expect(h.shown.slice(1).map((n) => [n.kind, n.title])).toEqual([['chatMessage', 'New buyer message: return 1']]);
  });

  it('an arbitrage chat that opens alerts a dispute before the return’s status says so, and only once after it does', async () => {
    const h = harness();
    h.world.returns = [aReturn(1, { refundStatus: 'PREMODERATION_DECISION_MADE' })];
    // ChatType: "`ARBITRAGE` — спор."
    h.world.chats = [chat({ returnId: 1, chatId: 21, type: 'ARBITRAGE', status: 'WAITING_FOR_ARBITER' })];
    await h.run(T0 + MINUTE);
    expect(h.shown.map((n) => [n.kind, n.title])).toEqual([['dispute', 'Dispute opened: 1 return']]);
    h.world.returns = [aReturn(1, { refundStatus: 'PREMODERATION_DISPUTE' })];
    await h.run(T0 + 5 * MINUTE);
    expect(h.shown).toHaveLength(1);
    // ChatStatusType: "`FINISHED` — чат завершен."
    h.world.chats = [chat({ returnId: 1, chatId: 21, type: 'ARBITRAGE', status: 'FINISHED', finishedAt: T0 + 6 * MINUTE })];
    h.world.returns = [aReturn(1, { refundStatus: 'REFUND_IN_PROGRESS' })];
    await h.run(T0 + 10 * MINUTE);
    expect(h.shown.slice(1).map((n) => [n.kind, n.title, n.target])).toEqual([['disputeFinished', 'Dispute finished: 1 return', { returnId: 1 }]]);
  });

  it('a finished arbitrage the watcher never saw open is history, not news', async () => {
    const h = harness();
    h.world.chats = [chat({ returnId: 1, chatId: 21, type: 'ARBITRAGE', status: 'FINISHED', finishedAt: null })];
    await h.run(T0 + 3 * MINUTE);
    expect(h.shown).toEqual([]);
  });
});

describe('why a decision waits', () => {
  it('an unreachable Market explains everything; else the outbox’s cause; else what the last request met', () => {
    const online = { online: true, problem: null, lastOkAt: T0, lastProblemAt: null };
    expect(undeliveredReason('unknownOutcome', { ...online, online: false, problem: 'unreachable' })).toBe('unreachable');
    expect(undeliveredReason('offline', online)).toBe('unreachable');
    expect(undeliveredReason('rateLimited', online)).toBe('rate-limited');
    expect(undeliveredReason('authProblem', online)).toBe('auth');
    expect(undeliveredReason('unknownOutcome', online)).toBe('unknown-outcome');
    expect(undeliveredReason('queued', { ...online, problem: 'garbage' })).toBe('garbage');
    expect(undeliveredReason('retrying', online)).toBe('server-error');
    expect(undeliveredReason('queued', online)).toBe('waiting');
    expect(undeliveredReason(null, online)).toBe('waiting');
  });
});
