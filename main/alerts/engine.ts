/**
 * Runs the alert policy every minute: reads the returns, shows what is due through a Notifier,
 * records the marks so nothing is said twice, and keeps the counts the tray shows.
 */
import type { AlertRecord } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import type { AlertMarkStore } from './marks.ts';
import {
  countDeadlines,
  evaluateAlerts,
  isQuietTime,
  markKey,
  moscowTzOffset,
  nextAlertChange,
  type AlertLocale,
  type AlertMark,
  type AlertNotification,
  type AlertSettings,
  type AlertSnapshot,
  type AlertTarget,
  type TzOffset,
} from './policy.ts';

/** The OS (or browser, or terminal) side of an alert. */
export interface Notifier {
  isSupported(): boolean;
  /** `kept` is the alert as the history keeps it, when the engine has a history. */
  show(notification: AlertNotification, kept?: AlertRecord): void;
  /** Registers the handler a click on a shown notification calls with its target. */
  onClick(handler: (target: AlertTarget) => void): void;
}

export interface TrayCounts {
  /** Returns whose decision clock runs (no decision queued or delivered). */
  awaitingCount: number;
  /** Of those, the ones within the smallest alert threshold or overdue. */
  urgentCount: number;
  /** Decisions queued but not delivered whose deadline is within the smallest threshold or past. */
  undeliveredCount: number;
}

export interface TickReport {
  notifications: AlertNotification[];
  heldBack: number;
  clockJump: boolean;
  counts: TrayCounts;
}

export interface AlertEngineOptions {
  clock: { now(): number };
  marks: AlertMarkStore;
  notifier: Notifier;
  source: () => AlertSnapshot | Promise<AlertSnapshot>;
  settings: () => AlertSettings;
  locale: () => AlertLocale;
  logger: Logger;
  /** Minutes east of UTC in which quiet hours are read; Moscow time by default, the time every screen shows. */
  tzOffset?: TzOffset;
  /**
   * Where each alert is kept before it is shown (the alert history), written in one transaction with
   * its marks: a kill between the two can neither repeat the alert nor lose it.
   */
  keep?: {
    transaction<T>(fn: () => T): T;
    record(notification: AlertNotification, at: number): AlertRecord;
    /** What screens show of an alert the store could not keep (a full disk) until it is kept; none by default. */
    provisional?(notification: AlertNotification, at: number): AlertRecord;
    /** The alert shown as `provisional` is now kept as `record`. */
    replaced?(provisional: AlertRecord, record: AlertRecord): void;
  };
  intervalMs?: number;
  /** The timers of the workstation's clock (an injected clock runs the minute ticks too); real timers by default. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** Marks older than this are forgotten (checked once a day). */
  marksRetentionMs?: number;
}

export interface AlertEngine {
  /** Evaluates once now; calls while one runs share a single evaluation that follows it. */
  tick(): Promise<TickReport>;
  /** Ticks now, then at each moment something falls due (a threshold, a deadline, the end of quiet hours) and at least every interval, until stop(). */
  start(): void;
  stop(): void;
  counts(): TrayCounts;
  /** Called whenever the counts change; returns the unsubscribe function. */
  onCounts(listener: (counts: TrayCounts) => void): () => void;
  /** Called with the target of a clicked notification; returns the unsubscribe function. */
  onClick(handler: (target: AlertTarget) => void): () => void;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const realTimers = {
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = setTimeout(fn, ms);
    // Ticks never hold the process.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Builds the engine; nothing runs until tick() or start(). */
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { clock, marks, notifier, logger } = options;
  const intervalMs = options.intervalMs ?? 60_000;
  const retentionMs = options.marksRetentionMs ?? 90 * DAY;
  const tzOffset = options.tzOffset ?? moscowTzOffset;
  const countListeners = new Set<(counts: TrayCounts) => void>();
  const clickHandlers = new Set<(target: AlertTarget) => void>();
  let known: Set<string> | null = null;
  let previousTick: number | null = null;
  let lastPrune = -Infinity;
  let current: TrayCounts = { awaitingCount: 0, urgentCount: 0, undeliveredCount: 0 };
  let running: Promise<TickReport> | null = null;
  let timer: unknown = null;
  let started = false;
  let warnedUnsupported = false;
  /** The next moment time alone makes something due, from the latest evaluation; null when nothing waits. */
  let nextChange: number | null = null;
  let lastEvaluation = -Infinity;
  /** Alerts shown while the store took no writes (a full disk): kept, with the time they were shown, once it takes them again. */
  const unkept: Array<{ notification: AlertNotification; at: number; marks: AlertMark[]; provisional: AlertRecord | undefined }> = [];
  const timers = options.timers ?? realTimers;
  // A store of tens of thousands of returns reads its candidates in about 0.2 s: dense crossings wake the engine at most this often.
  const minWakeMs = intervalMs / 4;

  notifier.onClick((target) => {
    for (const handler of clickHandlers) {
      try {
        handler(target);
      } catch (error) {
        logger.error('alerts: click handler failed', { error: error instanceof Error ? error : String(error) });
      }
    }
  });

  const setCounts = (next: TrayCounts): void => {
    if (next.awaitingCount === current.awaitingCount && next.urgentCount === current.urgentCount && next.undeliveredCount === current.undeliveredCount) return;
    current = next;
    for (const listener of countListeners) listener(next);
  };

  /** Writes an alert to the history and its marks in one transaction (only the marks without a history); throws when the store refuses. */
  const keepWithMarks = (notification: AlertNotification, at: number, groupMarks: AlertMark[]): AlertRecord | undefined => {
    const keep = options.keep;
    if (!keep) {
      marks.record(groupMarks);
      return undefined;
    }
    return keep.transaction(() => {
      const record = keep.record(notification, at);
      marks.record(groupMarks);
      return record;
    });
  };

  /** Keeps what a full disk held back, oldest first; stops at the first that still cannot be written. */
  const keepUnkept = (): void => {
    while (unkept.length > 0) {
      const { notification, at, marks: groupMarks, provisional } = unkept[0]!;
      let record: AlertRecord | undefined;
      try {
        record = keepWithMarks(notification, at, groupMarks);
      } catch {
        return;
      }
      unkept.shift();
      logger.info('alerts: an alert shown while the store took no writes is kept now', { kind: notification.kind, at });
      if (provisional && record) options.keep?.replaced?.(provisional, record);
    }
  };

  const evaluate = async (): Promise<TickReport> => {
    const settings = options.settings();
    keepUnkept();
    if (clock.now() - lastPrune >= DAY) {
      lastPrune = clock.now();
      try {
        const removed = marks.prune(lastPrune - retentionMs);
        if (removed > 0) {
          known = null;
          logger.info('alerts: old marks forgotten', { removed });
        }
      } catch (error) {
        // A full disk must not cost the tick its alerts: forgetting old marks waits an hour.
        lastPrune -= DAY - HOUR;
        logger.warn('alerts: old marks could not be forgotten', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (!known) {
      known = marks.keys();
      for (const u of unkept) for (const mark of u.marks) known.add(markKey(mark.returnId, mark.kind, mark.threshold));
    }
    const seen = known;
    const snapshot = await options.source();
    // The time is taken after the snapshot is read: reading it may take a while on a loaded machine.
    const now = clock.now();
    lastEvaluation = now;
    nextChange = nextAlertChange(snapshot, settings, now, tzOffset);
    const decide = (at: number) => evaluateAlerts({ snapshot, settings, tzOffset, now: at, previousTick, marks: seen, locale: options.locale() });
    let decision = decide(now);
    if (decision.clockJump) logger.info('alerts: clock jump since the previous tick', { previousTick, now, heldBack: decision.heldBack });
    const shown: AlertNotification[] = [];
    let heldBack = decision.heldBack;
    for (let i = 0; i < decision.groups.length; i++) {
      const at = clock.now();
      if (!decision.quiet && isQuietTime(at, settings.quietHours, tzOffset)) {
        // Quiet hours began while this tick ran: decide again for now, so only what breaks through is shown.
        decision = decide(at);
        heldBack = decision.heldBack;
        i = -1;
        continue;
      }
      const { notification, marks: groupMarks } = decision.groups[i]!;
      if (!notifier.isSupported() && !warnedUnsupported) {
        warnedUnsupported = true;
        logger.warn('alerts: notifications are not supported here; the notifier falls back to what it can');
      }
      let kept: AlertRecord | undefined;
      try {
        kept = keepWithMarks(notification, at, groupMarks);
      } catch (error) {
        // Neither the alert nor its marks were kept (a full disk, say): the operator is told now all the same (a deadline
        // does not wait for disk space), its marks are held here so it is not repeated, and it is kept once writes succeed.
        logger.error('alerts: could not keep an alert; shown now, kept when the store takes writes again', {
          kind: notification.kind,
          error: error instanceof Error ? error : String(error),
        });
        try {
          kept = options.keep?.provisional?.(notification, at);
        } catch {
          kept = undefined;
        }
        unkept.push({ notification, at, marks: groupMarks, provisional: kept });
      }
      for (const mark of groupMarks) seen.add(markKey(mark.returnId, mark.kind, mark.threshold));
      shown.push(notification);
      try {
        notifier.show(notification, kept);
        logger.info('alerts: shown', { kind: notification.kind, count: notification.returnIds.length, urgency: notification.urgency });
      } catch (error) {
        // The marks stay recorded: a notifier that throws would otherwise repeat the alert every minute.
        logger.error('alerts: notifier failed', { kind: notification.kind, error: error instanceof Error ? error : String(error) });
      }
    }
    previousTick = now;
    const counts = countDeadlines(snapshot.returns, now, settings.alertThresholdsHours);
    setCounts(counts);
    return { notifications: shown, heldBack, clockJump: decision.clockJump, counts };
  };

  /**
   * The next wake: the moment something falls due (a tick a minute later would raise a threshold crossed just after
   * this one more than a minute late once a timer fires a little late), and at least every interval.
   */
  const arm = (): void => {
    if (!started) return;
    if (timer !== null) timers.clearTimeout(timer);
    const now = clock.now();
    const due = nextChange === null ? Infinity : Math.max(nextChange, lastEvaluation + minWakeMs);
    const at = Math.min(now + intervalMs, due);
    let early = at === due;
    const wake = (): void => {
      // A timer of an accelerated clock may fire a real millisecond early: wait once for the moment itself.
      const left = at - clock.now();
      if (early && left > 0) {
        early = false;
        timer = timers.setTimeout(wake, left);
        return;
      }
      timer = null;
      safeTick();
    };
    timer = timers.setTimeout(wake, Math.max(0, at - now));
  };

  let following: Promise<TickReport> | null = null;
  const tick = (): Promise<TickReport> => {
    if (!running) {
      running = evaluate().finally(() => {
        running = null;
        arm();
      });
      return running;
    }
    // A change asked about mid-evaluation may have missed its snapshot: one more evaluation follows (calls coalesce), not the next minute.
    following ??= running
      .catch(() => undefined)
      .then(() => {
        following = null;
        return tick();
      });
    return following;
  };

  const safeTick = (): void => {
    tick().catch((error: unknown) => logger.error('alerts: tick failed', { error: error instanceof Error ? error : String(error) }));
  };

  return {
    tick,
    start() {
      if (started) return;
      started = true;
      arm();
      safeTick();
    },
    stop() {
      started = false;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
    counts: () => current,
    onCounts(listener) {
      countListeners.add(listener);
      return () => countListeners.delete(listener);
    },
    onClick(handler) {
      clickHandlers.add(handler);
      return () => clickHandlers.delete(handler);
    },
  };
}
