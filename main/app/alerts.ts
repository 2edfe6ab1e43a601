/** The alerts of a running app: what they look at, where each one is kept first, and the engine that raises them. */
import type { AlertRecord, OutboxState } from '../../preload/contract.ts';
import {
  alertText,
  createAlertEngine,
  createStoredMarkStore,
  prunedOnMarketTime,
  type AlertHistory,
  undeliveredReason,
  type AlertEngine,
  type AlertNotification,
  type AlertSnapshot,
  type ChatWatch,
  type Notifier,
} from '../alerts/index.ts';
import type { MarketSession } from '../composition.ts';
import { deadlineInputFromRow } from '../deadlines/from-row.ts';
import type { EventHub } from '../ipc/router.ts';
import type { Logger } from '../log.ts';
import { systemClock, type Clock } from '../market/scheduler.ts';
import { outboxStateFrom } from '../returns/reader.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { AlertCandidateRow, Store } from '../store/store.ts';

export interface AppAlerts {
  engine: AlertEngine;
  history: AlertHistory;
  /**
   * What the alerts look at now; the status bar counts its deadlines too. The engine reads the store again whenever it
   * was written; `recentMs` lets a reader take candidates up to that old while the store keeps changing.
   */
  source(recentMs?: number): AlertSnapshot;
  /** When candidates older than the store were served: how long until a read would take the store's own (else null). */
  staleFor(): number | null;
  /**
   * Something the alerts look at changed (a sync wrote returns, a chat moved): the engine evaluates now when its
   * last evaluation ended long enough ago, else once when it has — never back to back through a sync.
   */
  changed(): void;
  /** A decision changed state: the next snapshot reads the returns' outbox states again, however recent the last. */
  outboxChanged(): void;
}

/**
 * While the store keeps changing (a sync writes a page a second), the alert candidates are read again at most this
 * often; while nothing is written, never. Reading them at 50,000 returns (11,000 candidates) costs the main thread
 * 100–300 ms on a two-core machine, and every status push and every evaluation asked for them.
 */
export const CANDIDATES_MAX_AGE_MS = 2_000;
/** The most time between the end of one change-driven evaluation and the start of the next (the minute ticks and threshold wakes keep their times). */
export const CHANGE_TICK_GAP_MS = 2_000;

/**
 * How long a change waits after the last evaluation that changes asked for: four times that evaluation's own length (its
 * main-thread time, measured), at most CHANGE_TICK_GAP_MS — a small store's evaluation takes a millisecond and the next
 * follows at once, as before; a 50,000-return store's takes hundreds, and through a sync it gets at most a fifth of the thread.
 */
export function changeTickGap(lastEvaluationMs: number): number {
  return Math.min(CHANGE_TICK_GAP_MS, 4 * Math.max(0, lastEvaluationMs));
}

const ALERT_OUTBOX = new Set<OutboxState>(['queued', 'sending', 'delivered', 'failed', 'conflict']);
/** Ids of alerts shown while the store could not keep them (a full disk): far above any the store gives, so a screen's acknowledgement of one touches no kept alert. */
const PROVISIONAL_IDS_FROM = 2 ** 52;

/**
 * The store's alert history, with the alerts a full disk kept out of it until they are kept: screens see, acknowledge and
 * dismiss them like the others, and what they did is carried over to the kept alert.
 */
export function withProvisional(stored: AlertHistory, logger: Logger) {
  const shown = new Map<number, { record: AlertRecord; acknowledgedAt: number | null; dismissedAt: number | null }>();
  let nextId = PROVISIONAL_IDS_FROM;
  const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());
  const view = (p: { record: AlertRecord; acknowledgedAt: number | null; dismissedAt: number | null }): AlertRecord => ({
    ...p.record,
    acknowledgedAt: iso(p.acknowledgedAt),
    dismissedAt: iso(p.dismissedAt),
  });
  const mark = (ids: readonly number[], at: number, dismiss: boolean): { provisional: number; rest: number[] } => {
    let provisional = 0;
    for (const id of ids) {
      const p = shown.get(id);
      if (!p) continue;
      if (dismiss ? p.dismissedAt === null : p.acknowledgedAt === null) provisional++;
      p.acknowledgedAt ??= at;
      if (dismiss) p.dismissedAt ??= at;
    }
    return { provisional, rest: ids.filter((id) => !shown.has(id)) };
  };
  const history: AlertHistory = {
    ...stored,
    pending(limit) {
      const waiting = [...shown.values()].filter((p) => p.acknowledgedAt === null || (p.record.urgency === 'critical' && p.dismissedAt === null)).map(view);
      return [...stored.pending(limit), ...waiting];
    },
    acknowledge(ids, at) {
      const { provisional, rest } = mark(ids, at, false);
      return provisional + (rest.length > 0 ? stored.acknowledge(rest, at) : 0);
    },
    dismiss(ids, at) {
      const { provisional, rest } = mark(ids, at, true);
      return provisional + (rest.length > 0 ? stored.dismiss(rest, at) : 0);
    },
  };
  return {
    history,
    provisional(notification: AlertNotification, at: number): AlertRecord {
      const record: AlertRecord = {
        id: nextId++,
        kind: notification.kind,
        title: notification.title,
        body: notification.body,
        facts: notification.facts,
        urgency: notification.urgency,
        target: notification.target,
        returnIds: notification.returnIds,
        at: new Date(at).toISOString(),
        acknowledgedAt: null,
        dismissedAt: null,
      };
      shown.set(record.id, { record, acknowledgedAt: null, dismissedAt: null });
      return record;
    },
    /** The kept alert takes over what screens did with the provisional one; returns it as screens should now see it, or null when they need nothing. */
    replaced(provisional: AlertRecord, record: AlertRecord): AlertRecord | null {
      const p = shown.get(provisional.id);
      shown.delete(provisional.id);
      if (!p) return null;
      try {
        if (p.dismissedAt !== null) stored.dismiss([record.id], p.dismissedAt);
        else if (p.acknowledgedAt !== null) stored.acknowledge([record.id], p.acknowledgedAt);
      } catch (error) {
        logger.warn('alerts: what a screen did with an alert shown during a full disk could not be kept', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      // A critical alert stays on screen until dismissed: screens swap the provisional one for the kept one.
      return p.dismissedAt === null && record.urgency === 'critical' ? { ...record, acknowledgedAt: iso(p.acknowledgedAt) } : null;
    },
  };
}

export function createAppAlerts(deps: {
  store: Store;
  settings: SettingsStore;
  events: EventHub;
  session: () => MarketSession;
  chats: ChatWatch;
  locale: () => 'ru' | 'en';
  logger: Logger;
  /** The host's native notifications (desktop); none in web mode and the CLI. */
  hostNotifier?: Notifier;
  /** The injected workstation clock, whose timers the minute ticks run on (a soak's runs faster). */
  timers?: Clock;
}): AppAlerts {
  const { store, events, session, chats } = deps;
  const marketNow = (): number => session().client.time.now();
  const campaignName = (campaignId: number): string | null => {
    const campaign = store.getCampaign(campaignId);
    return campaign ? (campaign.domain ?? campaign.businessName ?? null) : null;
  };

  const provisional = withProvisional(store.alertHistory, deps.logger.child({ module: 'alerts' }));
  const history = provisional.history;
  /** Every alert is kept first (the engine writes it to the history with its marks), then sent to open screens and to the host's notifier. */
  const notifier: Notifier = {
    isSupported: () => deps.hostNotifier?.isSupported() ?? true,
    show(notification, kept) {
      if (kept) events.emit('alerts.notification', kept);
      // The native notification speaks the UI's language at the moment it is shown.
      deps.hostNotifier?.show({ ...notification, ...alertText(notification.kind, notification.facts, deps.locale()) });
    },
    onClick: (handler) => deps.hostNotifier?.onClick(handler),
  };

  const clock = deps.timers ?? systemClock;
  let candidates: { version: string; at: number; rows: AlertCandidateRow[] } | null = null;
  /** The store's candidates: the last ones while nothing was written, or while younger than `recentMs` and no decision moved. */
  const readCandidates = (recentMs: number): AlertCandidateRow[] => {
    const version = store.changeVersion();
    const now = clock.now();
    if (candidates && (candidates.version === version || now - candidates.at < recentMs)) return candidates.rows;
    candidates = { version, at: now, rows: store.alertCandidates() };
    return candidates.rows;
  };
  const staleFor = (): number | null =>
    candidates && candidates.version !== store.changeVersion() ? Math.max(0, candidates.at + CANDIDATES_MAX_AGE_MS - clock.now()) : null;

  const source = (recentMs = 0): AlertSnapshot => {
    const current = session();
    const market = current.client.reachability.state();
    const pending = new Map(current.outbox.pending().map((entry) => [entry.returnId, entry]));
    return {
      returns: readCandidates(recentMs).map((row) => {
        const state = outboxStateFrom(row.outboxState);
        const entry = state === 'queued' || state === 'sending' ? pending.get(row.id) : undefined;
        // Accepted by the Market and only being confirmed: as good as delivered for the deadline.
        if (entry && entry.acceptedAt !== null) return { ...deadlineInputFromRow(row), outboxState: 'delivered' as const };
        return {
          ...deadlineInputFromRow(row),
          outboxState: state && ALERT_OUTBOX.has(state) ? (state as Exclude<OutboxState, 'cancelled'>) : null,
          // The outbox stamps on the Market's clock, which the policy counts on.
          pendingDecision: entry ? { queuedAt: entry.queuedAt, reason: undeliveredReason(entry.explanationCode, market) } : null,
        };
      }),
      outboxProblems: current.outbox.list({ states: ['failed', 'conflict'] }).map((entry) => ({
        kind: entry.state === 'failed' ? ('failed' as const) : ('conflict' as const),
        returnId: entry.returnId,
        orderId: entry.orderId,
        entryId: entry.id,
        at: Date.parse(entry.updatedAt),
        message: entry.serverMessage ?? entry.explanation ?? undefined,
      })),
      chats: chats.activity(marketNow(), campaignName),
    };
  };

  const engine = createAlertEngine({
    clock: { now: marketNow },
    ...(deps.timers ? { timers: deps.timers } : {}),
    marks: prunedOnMarketTime(createStoredMarkStore(store.alertMarks), store.alertHistory, () => session().client.time.info().measuredAt !== null),
    keep: {
      transaction: (fn) => store.transaction(fn),
      record: (notification, at) => store.alertHistory.record(notification, at),
      provisional: (notification, at) => provisional.provisional(notification, at),
      replaced(shown, record) {
        const now = provisional.replaced(shown, record);
        events.emit('alerts.changed', { ids: [shown.id], dismissed: true });
        if (now) events.emit('alerts.notification', now);
      },
    },
    notifier,
    source,
    settings: () => deps.settings.get(),
    locale: deps.locale,
    logger: deps.logger.child({ module: 'alerts' }),
  });
  engine.onClick((target) => events.emit('app.navigate', target));

  let lastTick = { endedAt: Number.NEGATIVE_INFINITY, tookMs: 0 };
  let waiting: unknown = null;
  const tickNow = (): void => {
    const started = performance.now();
    engine
      .tick()
      .catch((error: unknown) => deps.logger.error('alerts: tick failed', { error: error instanceof Error ? error : String(error) }))
      .finally(() => {
        lastTick = { endedAt: clock.now(), tookMs: performance.now() - started };
      });
  };
  const changed = (): void => {
    if (waiting !== null) return;
    const wait = lastTick.endedAt + changeTickGap(lastTick.tookMs) - clock.now();
    if (wait <= 0) return tickNow();
    waiting = clock.setTimeout(() => {
      waiting = null;
      tickNow();
    }, wait);
  };
  const outboxChanged = (): void => {
    candidates = null;
  };
  return { engine, history, source, staleFor, changed, outboxChanged };
}
