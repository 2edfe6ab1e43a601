/**
 * Which alerts to show now. Pure: the caller passes the returns, the outbox problems, the settings,
 * the clock and the marks already recorded; the answer is the notifications to show and the marks to
 * record. Everything is decided from state ("what applies now and was not yet said"), not from
 * elapsed ticks, so a sleep/resume, a restart or a time-zone change can neither replay nor lose alerts.
 */
import { awaitsDecision, computeDeadlines, DECISION_WINDOW_MS, type DeadlineInput, type OutboxState } from '../deadlines/deadlines.ts';
import type { AlertFacts, AlertKind, AlertTarget } from '../../preload/contract.ts';
import { MSK_OFFSET_MS } from '../../preload/moscow-time.ts';
import { alertText, type AlertLocale, type ReturnRef, type UndeliveredReason } from './texts.ts';

export type { AlertLocale, UndeliveredReason } from './texts.ts';
export type { AlertFacts, AlertKind } from '../../preload/contract.ts';

/**
 * "This was said (or deliberately skipped) about this return." `threshold` is the deadline threshold
 * in minutes for `deadline` and `undelivered`, the outbox entry id for outbox kinds, the message id
 * for `chatMessage`, the chat id for `disputeFinished`, and 0 for the others.
 */
export interface AlertMark {
  returnId: number;
  kind: AlertKind;
  threshold: number;
  alertedAt: number;
  /** True when superseded by a more urgent alert and therefore never shown. */
  skipped: boolean;
}

/** Our decision for a return is queued or being sent, not yet accepted by the Market. */
export interface PendingDecision {
  /** When the operator queued it, epoch ms. */
  queuedAt: number;
  /** Why it has not gone out yet. */
  reason: UndeliveredReason;
}

/** A return as the alert policy sees it: its deadline facts plus where our decision stands. */
export type AlertReturn = DeadlineInput & { outboxState?: OutboxState; pendingDecision?: PendingDecision | null };

/**
 * What the chat watcher knows of one chat about a return (the buyer chat or the arbitrage chat).
 * Only activity the watcher saw happen counts: messages from before it started watching are not news.
 */
export interface ChatActivity {
  returnId: number;
  orderId: number;
  campaignName?: string | null;
  chatId: number;
  /** ChatType: CHAT (with the buyer) or ARBITRAGE (a dispute); kept as sent, since enums grow. */
  type: string;
  /** ChatStatusType, as sent. */
  status: string;
  /** The newest buyer (CUSTOMER) message seen arriving; null when none. */
  lastCustomerMessageId: number | null;
  lastCustomerMessageAt: number | null;
  /** An arbitrage chat seen open and now FINISHED: when the watcher saw it finish. */
  finishedAt: number | null;
}

/** A decision that our outbox could not deliver (failed) or that the Market refused as stale (conflict). */
export interface OutboxProblem {
  kind: 'failed' | 'conflict';
  returnId: number;
  orderId: number;
  campaignName?: string | null;
  /** Identifies this problem: the outbox entry id, so a later decision that fails alerts again. */
  entryId: number;
  /** When it happened, epoch ms. */
  at: number;
  message?: string | null;
}

/** Everything the policy looks at in one tick. Outbox problems are the ones still outstanding. */
export interface AlertSnapshot {
  returns: readonly AlertReturn[];
  outboxProblems?: readonly OutboxProblem[];
  chats?: readonly ChatActivity[];
}

export interface QuietHours {
  enabled: boolean;
  /** Local time 'HH:MM'; a window with start > end spans midnight; start = end is empty. */
  start: string;
  end: string;
}

/** The alert part of the operator's settings (structurally a subset of the contract's Settings). */
export interface AlertSettings {
  alertThresholdsHours: readonly number[];
  quietHours: QuietHours;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  alertThresholdsHours: [24, 6, 1],
  quietHours: { enabled: false, start: '22:00', end: '08:00' },
};

/** Minutes east of UTC at the given instant (Moscow: +180). Note: the opposite sign of Date#getTimezoneOffset. */
export type TzOffset = (at: number) => number;

/** The machine's own time zone, re-read at every call so a time-zone change is seen at once. */
export const systemTzOffset: TzOffset = (at) => -new Date(at).getTimezoneOffset();

/** Moscow time (UTC+3 all year), in which the app shows every time, so quiet hours are read in it too. */
export const moscowTzOffset: TzOffset = () => MSK_OFFSET_MS / 60_000;

export type { AlertTarget } from '../../preload/contract.ts';

export interface AlertNotification {
  kind: AlertKind;
  /** What it says; a screen writes its words from these in the language spoken when it shows it. */
  facts: AlertFacts;
  /** The words in the language spoken when it was raised (the native notification, `cli watch`, the kept fallback). */
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
  /** What a click opens: the one return, or the inbox filtered to the group. */
  target: AlertTarget;
  returnIds: number[];
}

export interface AlertPolicyInput {
  snapshot: AlertSnapshot;
  settings: AlertSettings;
  tzOffset: TzOffset;
  now: number;
  /** When the previous evaluation ran; null on the first one after a start. */
  previousTick: number | null;
  /** Keys (see markKey) of the marks already recorded. */
  marks: ReadonlySet<string>;
  locale: AlertLocale;
}

export interface AlertDecision {
  notifications: AlertNotification[];
  marks: AlertMark[];
  /** Each notification with the marks that say it was shown, so a notification not shown records none. */
  groups: Array<{ notification: AlertNotification; marks: AlertMark[] }>;
  /** Alerts due but held back by quiet hours; they are shown on the first tick after quiet hours. */
  heldBack: number;
  quiet: boolean;
  /** The clock moved by more than a few ticks (sleep/resume) or backwards since the previous tick. */
  clockJump: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Longer than this between two one-minute ticks means the machine slept or the clock was set. */
export const CLOCK_JUMP_MS = 5 * MINUTE;
/** A queued decision that has not gone out after this long, with a threshold crossed, escalates. */
export const UNDELIVERED_GRACE_MS = 2 * MINUTE;
/** How far ahead a pickup deadline counts as "tomorrow". */
export const PICKUP_NOTICE_MS = 24 * HOUR;

/** The identity of a mark: one per (return, kind, threshold). */
export function markKey(returnId: number, kind: AlertKind, threshold: number): string {
  return `${returnId}:${kind}:${threshold}`;
}

/** Thresholds in whole minutes, largest first, without duplicates or nonsense values. */
export function thresholdMinutes(hours: readonly number[]): number[] {
  const minutes = hours
    .filter((h) => Number.isFinite(h) && h > 0)
    .map((h) => Math.round(h * 60))
    .filter((m) => m > 0);
  return [...new Set(minutes)].sort((a, b) => b - a);
}

function clockMinutes(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  return h < 24 && m < 60 ? h * 60 + m : null;
}

/** Whether `now` falls inside the quiet hours, in the local time that `tzOffset` gives for `now`. */
export function isQuietTime(now: number, quietHours: QuietHours, tzOffset: TzOffset): boolean {
  if (!quietHours.enabled) return false;
  const start = clockMinutes(quietHours.start);
  const end = clockMinutes(quietHours.end);
  if (start === null || end === null || start === end) return false;
  const local = Math.floor((now + tzOffset(now) * MINUTE) / MINUTE);
  const minuteOfDay = ((local % 1440) + 1440) % 1440;
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

/** When the quiet hours that hold `now` end (epoch ms); null outside quiet hours. */
export function quietEndsAt(now: number, quietHours: QuietHours, tzOffset: TzOffset): number | null {
  if (!isQuietTime(now, quietHours, tzOffset)) return null;
  const end = clockMinutes(quietHours.end)!;
  const offset = tzOffset(now) * MINUTE;
  const local = now + offset;
  let at = Math.floor(local / (1440 * MINUTE)) * 1440 * MINUTE + end * MINUTE;
  if (at <= local) at += 1440 * MINUTE;
  return at - offset;
}

/**
 * The first moment after `now` at which time alone can make an alert due: a threshold, a deadline, the grace of a
 * queued decision, a pickup notice, the end of quiet hours. Null when nothing waits on the clock.
 */
export function nextAlertChange(snapshot: AlertSnapshot, settings: AlertSettings, now: number, tzOffset: TzOffset): number | null {
  const offsets = [...thresholdMinutes(settings.alertThresholdsHours).map((t) => t * MINUTE), 0];
  let next = Infinity;
  const consider = (at: number): void => {
    if (at > now && at < next) next = at;
  };
  for (const ret of snapshot.returns) {
    const d = computeDeadlines(ret, ret.outboxState ?? null);
    if (d.decisionDeadline !== null) for (const o of offsets) consider(d.decisionDeadline - o);
    const undelivered = undeliveredDeadline(ret);
    if (undelivered !== null) {
      for (const o of offsets) consider(undelivered - o);
      if (ret.pendingDecision) consider(ret.pendingDecision.queuedAt + UNDELIVERED_GRACE_MS);
    }
    if (d.pickupDeadline !== null) consider(d.pickupDeadline - PICKUP_NOTICE_MS);
  }
  consider(quietEndsAt(now, settings.quietHours, tzOffset) ?? Infinity);
  return Number.isFinite(next) ? next : null;
}

/** The deadline of a queued or sending decision the Market still waits for; null otherwise. */
export function undeliveredDeadline(ret: AlertReturn): number | null {
  const pending = ret.outboxState === 'queued' || ret.outboxState === 'sending';
  if (!pending || !awaitsDecision(ret.placementType, ret.refundStatus) || !Number.isFinite(ret.createdAt)) return null;
  return ret.createdAt + DECISION_WINDOW_MS;
}

/**
 * Counts for the tray: returns whose decision clock runs, those within the smallest threshold (or
 * overdue), and queued decisions not yet delivered that are that close to their deadline.
 */
export function countDeadlines(
  returns: readonly AlertReturn[],
  now: number,
  thresholdsHours: readonly number[],
): { awaitingCount: number; urgentCount: number; undeliveredCount: number } {
  const smallest = thresholdMinutes(thresholdsHours).at(-1) ?? 60;
  let awaitingCount = 0;
  let urgentCount = 0;
  let undeliveredCount = 0;
  const seen = new Set<number>();
  for (const ret of returns) {
    if (seen.has(ret.returnId)) continue;
    seen.add(ret.returnId);
    const undelivered = undeliveredDeadline(ret);
    if (undelivered !== null && undelivered - now <= smallest * MINUTE) undeliveredCount++;
    const { decisionDeadline } = computeDeadlines(ret, ret.outboxState ?? null);
    if (decisionDeadline === null) continue;
    awaitingCount++;
    if (decisionDeadline - now <= smallest * MINUTE) urgentCount++;
  }
  return { awaitingCount, urgentCount, undeliveredCount };
}

interface Candidate {
  kind: AlertKind;
  threshold: number;
  ref: ReturnRef;
  /** Smaller is more urgent; names the group's first return. */
  urgencyKey: number;
  timeLeftMs: number | null;
  critical: boolean;
  /** Quiet hours never hold back the last threshold nor expiry. */
  breaksQuiet: boolean;
  /** Marks recorded as skipped when this candidate is shown. */
  supersedes: Array<{ kind: AlertKind; threshold: number }>;
  message: string | null;
  reason?: UndeliveredReason;
}

const KIND_ORDER: readonly AlertKind[] = [
  'undeliveredExpired',
  'expired',
  'undelivered',
  'deadline',
  'outboxFailed',
  'outboxConflict',
  'dispute',
  'disputeFinished',
  'chatMessage',
  'newAwaiting',
  'pickup',
];

function targetOf(kind: AlertKind, group: readonly Candidate[], returnIds: readonly number[]): AlertTarget {
  if (returnIds.length === 1 || kind === 'pickup' || kind === 'chatMessage' || kind === 'disputeFinished') return { returnId: group[0]!.ref.returnId };
  if (kind === 'dispute') return { filter: 'disputes' };
  if (kind === 'outboxFailed' || kind === 'outboxConflict' || kind === 'undelivered' || kind === 'undeliveredExpired') return { filter: 'outbox' };
  return { filter: 'awaiting' };
}

/**
 * Thresholds for one clock of one return: the most urgent crossed and not yet said (never going back
 * to a larger one than already said), and the other crossed ones it supersedes.
 */
function dueThreshold(thresholds: readonly number[], left: number, said: (threshold: number) => boolean): { due: number; supersedes: number[] } | null {
  const lowestSaid = thresholds.filter(said).at(-1) ?? Infinity;
  const crossed = thresholds.filter((t) => left <= t * MINUTE && !said(t));
  const due = crossed.filter((t) => t < lowestSaid).at(-1);
  return due === undefined ? null : { due, supersedes: crossed.filter((t) => t !== due) };
}

/** Decides the notifications due at `now` and the marks that make each of them happen once. */
export function evaluateAlerts(input: AlertPolicyInput): AlertDecision {
  const { now, marks, locale } = input;
  const has = (returnId: number, kind: AlertKind, threshold: number): boolean => marks.has(markKey(returnId, kind, threshold));
  const thresholds = thresholdMinutes(input.settings.alertThresholdsHours);
  const smallest = thresholds.at(-1);
  const quiet = isQuietTime(now, input.settings.quietHours, input.tzOffset);
  const clockJump = input.previousTick !== null && (now - input.previousTick > CLOCK_JUMP_MS || now < input.previousTick);
  const candidates: Candidate[] = [];
  const seen = new Set<number>();
  /** Returns with a dispute alert in this tick (from the status or from an arbitrage chat). */
  const disputed = new Set<number>();

  for (const ret of input.snapshot.returns) {
    if (seen.has(ret.returnId)) continue; // one return listed twice must not alert twice
    seen.add(ret.returnId);
    const ref: ReturnRef = { returnId: ret.returnId, orderId: ret.orderId, campaignName: ret.campaignName ?? null };
    const d = computeDeadlines(ret, ret.outboxState ?? null);
    const base = { ref, message: null, supersedes: [] as Candidate['supersedes'] };

    // Our decision is queued or sending and the Market still waits: the deadline alerts stop and,
    // if it does not go out while the deadline approaches, the same thresholds escalate it instead.
    const undelivered = undeliveredDeadline(ret);
    if (undelivered !== null) {
      const left = undelivered - now;
      const pending = ret.pendingDecision ?? { queuedAt: Number.NEGATIVE_INFINITY, reason: 'waiting' as const };
      const late = now - pending.queuedAt >= UNDELIVERED_GRACE_MS;
      const extra = { ...base, reason: pending.reason };
      if (left <= 0) {
        if (!has(ret.returnId, 'undeliveredExpired', 0)) {
          const supersedes = thresholds.filter((t) => !has(ret.returnId, 'undelivered', t)).map((t) => ({ kind: 'undelivered' as const, threshold: t }));
          candidates.push({
            ...extra,
            kind: 'undeliveredExpired',
            threshold: 0,
            urgencyKey: undelivered,
            timeLeftMs: null,
            critical: true,
            breaksQuiet: true,
            supersedes,
          });
        }
      } else if (late) {
        // Thresholds crossed before the decision was queued were the deadline alerts' to say; the last one always escalates.
        const eligible = thresholds.filter((t) => t === smallest || undelivered - t * MINUTE > pending.queuedAt);
        const next = dueThreshold(eligible, left, (t) => has(ret.returnId, 'undelivered', t));
        if (next) {
          const last = next.due === smallest;
          const supersedes = next.supersedes.map((t) => ({ kind: 'undelivered' as const, threshold: t }));
          candidates.push({
            ...extra,
            kind: 'undelivered',
            threshold: next.due,
            urgencyKey: left,
            timeLeftMs: left,
            critical: last,
            breaksQuiet: last,
            supersedes,
          });
        }
      }
    }

    if (d.decisionDeadline !== null) {
      const left = d.decisionDeadline - now;
      const newPending = !has(ret.returnId, 'newAwaiting', 0);
      let clockAlert: Candidate | null = null;
      if (left <= 0) {
        if (!has(ret.returnId, 'expired', 0)) {
          // Thresholds crossed while nobody looked are superseded by the expiry itself.
          const supersedes = thresholds.filter((t) => !has(ret.returnId, 'deadline', t)).map((t) => ({ kind: 'deadline' as const, threshold: t }));
          clockAlert = {
            ...base,
            kind: 'expired',
            threshold: 0,
            urgencyKey: d.decisionDeadline,
            timeLeftMs: null,
            critical: true,
            breaksQuiet: true,
            supersedes,
          };
        }
      } else {
        // After a settings change, never go back to a larger threshold than one already said.
        const next = dueThreshold(thresholds, left, (t) => has(ret.returnId, 'deadline', t));
        if (next) {
          const last = next.due === smallest;
          const supersedes = next.supersedes.map((t) => ({ kind: 'deadline' as const, threshold: t }));
          clockAlert = { ...base, kind: 'deadline', threshold: next.due, urgencyKey: left, timeLeftMs: left, critical: last, breaksQuiet: last, supersedes };
        }
      }
      if (clockAlert) {
        // The deadline alert names the return, so a separate "new return" alert would only repeat it.
        if (newPending) clockAlert.supersedes.push({ kind: 'newAwaiting', threshold: 0 });
        candidates.push(clockAlert);
      } else if (newPending && left > 0) {
        candidates.push({ ...base, kind: 'newAwaiting', threshold: 0, urgencyKey: left, timeLeftMs: left, critical: false, breaksQuiet: false });
      }
    }

    if (d.inDispute && !has(ret.returnId, 'dispute', 0)) {
      disputed.add(ret.returnId);
      candidates.push({ ...base, kind: 'dispute', threshold: 0, urgencyKey: ret.createdAt, timeLeftMs: null, critical: false, breaksQuiet: false });
    }

    if (d.pickupDeadline !== null && !has(ret.returnId, 'pickup', 0)) {
      const left = d.pickupDeadline - now;
      if (left > 0 && left <= PICKUP_NOTICE_MS) {
        candidates.push({ ...base, kind: 'pickup', threshold: 0, urgencyKey: left, timeLeftMs: left, critical: false, breaksQuiet: false });
      }
    }
  }

  const chatsSeen = new Set<string>();
  for (const chat of input.snapshot.chats ?? []) {
    const ref: ReturnRef = { returnId: chat.returnId, orderId: chat.orderId, campaignName: chat.campaignName ?? null };
    const base = { ref, message: null, supersedes: [] as Candidate['supersedes'], timeLeftMs: null, critical: false, breaksQuiet: false };
    const messageKey = chat.lastCustomerMessageId === null ? null : markKey(chat.returnId, 'chatMessage', chat.lastCustomerMessageId);
    if (messageKey && !marks.has(messageKey) && !chatsSeen.has(messageKey)) {
      chatsSeen.add(messageKey);
      // The newest message names the group.
      candidates.push({ ...base, kind: 'chatMessage', threshold: chat.lastCustomerMessageId!, urgencyKey: -(chat.lastCustomerMessageAt ?? 0) });
    }
    if (chat.type !== 'ARBITRAGE') continue;
    // ChatType ARBITRAGE is a dispute: an open one alerts like the return's PREMODERATION_DISPUTE, once per return.
    if (chat.status !== 'FINISHED' && !disputed.has(chat.returnId) && !has(chat.returnId, 'dispute', 0)) {
      disputed.add(chat.returnId);
      candidates.push({ ...base, kind: 'dispute', threshold: 0, urgencyKey: chat.chatId });
    }
    if (chat.status === 'FINISHED' && chat.finishedAt !== null && !has(chat.returnId, 'disputeFinished', chat.chatId) && !chatsSeen.has(`f${chat.chatId}`)) {
      chatsSeen.add(`f${chat.chatId}`);
      candidates.push({ ...base, kind: 'disputeFinished', threshold: chat.chatId, urgencyKey: -chat.finishedAt });
    }
  }

  const problemsSeen = new Set<string>();
  for (const problem of input.snapshot.outboxProblems ?? []) {
    const kind: AlertKind = problem.kind === 'conflict' ? 'outboxConflict' : 'outboxFailed';
    const key = markKey(problem.returnId, kind, problem.entryId);
    if (problemsSeen.has(key) || marks.has(key)) continue;
    problemsSeen.add(key);
    candidates.push({
      kind,
      threshold: problem.entryId,
      ref: { returnId: problem.returnId, orderId: problem.orderId, campaignName: problem.campaignName ?? null },
      urgencyKey: problem.at,
      timeLeftMs: null,
      // A conflict means our decision was not applied: it stays on screen until dismissed.
      critical: kind === 'outboxConflict',
      breaksQuiet: kind === 'outboxConflict',
      supersedes: [],
      message: problem.message ? problem.message.slice(0, 120) : null,
    });
  }

  const shown = quiet ? candidates.filter((c) => c.breaksQuiet) : candidates;
  const heldBack = candidates.length - shown.length;

  const marksOf = (list: readonly Candidate[]): AlertMark[] => {
    const found = new Map<string, AlertMark>();
    const add = (returnId: number, kind: AlertKind, threshold: number, skipped: boolean): void => {
      const key = markKey(returnId, kind, threshold);
      const existing = found.get(key);
      if (!existing || (existing.skipped && !skipped)) found.set(key, { returnId, kind, threshold, alertedAt: now, skipped });
    };
    for (const c of list) {
      add(c.ref.returnId, c.kind, c.threshold, false);
      for (const s of c.supersedes) add(c.ref.returnId, s.kind, s.threshold, true);
    }
    return [...found.values()];
  };

  const groups: AlertDecision['groups'] = [];
  for (const kind of KIND_ORDER) {
    const group = shown.filter((c) => c.kind === kind).sort((a, b) => a.urgencyKey - b.urgencyKey || a.ref.returnId - b.ref.returnId);
    const first = group[0];
    if (!first) continue;
    const returnIds = [...new Set(group.map((c) => c.ref.returnId))];
    const facts: AlertFacts = {
      count: returnIds.length,
      first: { returnId: first.ref.returnId, orderId: first.ref.orderId, campaignName: first.ref.campaignName ?? null },
      timeLeftMs: first.timeLeftMs,
      thresholdMinutes: kind === 'deadline' || kind === 'undelivered' ? Math.max(...group.map((c) => c.threshold)) : null,
      message: first.message,
      reason: first.reason ?? null,
    };
    const text = alertText(kind, facts, locale);
    const notification: AlertNotification = {
      kind,
      facts,
      title: text.title,
      body: text.body,
      urgency: group.some((c) => c.critical) ? 'critical' : 'normal',
      target: targetOf(kind, group, returnIds),
      returnIds,
    };
    groups.push({ notification, marks: marksOf(group) });
  }

  return { notifications: groups.map((g) => g.notification), marks: marksOf(shown), groups, heldBack, quiet, clockJump };
}
