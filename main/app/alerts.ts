/** The alerts of a running app: what they look at, where each one is kept first, and the engine that raises them. */
import type { OutboxState } from '../../preload/contract.ts';
import {
  alertText,
  createAlertEngine,
  createStoredMarkStore,
  type AlertHistory,
  undeliveredReason,
  type AlertEngine,
  type AlertSnapshot,
  type ChatWatch,
  type Notifier,
} from '../alerts/index.ts';
import type { MarketSession } from '../composition.ts';
import { deadlineInputFromRow } from '../deadlines/from-row.ts';
import type { EventHub } from '../ipc/router.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../market/scheduler.ts';
import { outboxStateFrom } from '../returns/reader.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { Store } from '../store/store.ts';

export interface AppAlerts {
  engine: AlertEngine;
  history: AlertHistory;
  /** What the alerts look at now; the status bar counts its deadlines too. */
  source(): AlertSnapshot;
}

const ALERT_OUTBOX = new Set<OutboxState>(['queued', 'sending', 'delivered', 'failed', 'conflict']);

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

  const history = store.alertHistory;
  // Alerts older than 90 days that no longer wait for anyone leave the history.
  history.prune(Date.now() - 90 * 86_400_000);
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

  const source = (): AlertSnapshot => {
    const current = session();
    const market = current.client.reachability.state();
    const pending = new Map(current.outbox.pending().map((entry) => [entry.returnId, entry]));
    return {
      returns: store.alertCandidates().map((row) => {
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
    marks: createStoredMarkStore(store.alertMarks),
    keep: { transaction: (fn) => store.transaction(fn), record: (notification, at) => history.record(notification, at) },
    notifier,
    source,
    settings: () => deps.settings.get(),
    locale: deps.locale,
    logger: deps.logger.child({ module: 'alerts' }),
  });
  engine.onClick((target) => events.emit('app.navigate', target));
  return { engine, history, source };
}
