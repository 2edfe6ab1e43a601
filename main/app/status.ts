/** The status bar's one source: what GlobalStatus says, and one coalesced push of it when anything changes. */
import type { GlobalStatus, StoreView } from '../../preload/contract.ts';
import { countDeadlines, type AlertSnapshot } from '../alerts/index.ts';
import type { MarketSession } from '../composition.ts';
import type { EventHub } from '../ipc/router.ts';
import { toStoreView } from '../returns/views.ts';
import { LARGE_SKEW_MS } from '../market/market-time.ts';
import type { PushState } from '../push/push-service.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { Store } from '../store/store.ts';

export interface StatusBoard {
  status(): GlobalStatus;
  storeViews(): StoreView[];
  /** Something the status shows may have changed: one push after a burst, not one per event. */
  changed(): void;
  stop(): void;
}

export function createStatusBoard(deps: {
  store: Store;
  settings: SettingsStore;
  events: EventHub;
  session: () => MarketSession;
  /**
   * The returns the deadlines are counted over (the alerts' own view of them), up to a couple of seconds old while a
   * sync keeps writing: reading them costs a 50,000-return store hundreds of ms, and the status is pushed 4 times a second.
   */
  deadlineReturns: () => AlertSnapshot['returns'];
  /** How long until the returns counted are the store's own again, when older ones were counted (else null). */
  deadlineReturnsStaleFor?: () => number | null;
  push: () => PushState;
}): StatusBoard {
  const { store, settings, events, session } = deps;

  const storeViews = (): StoreView[] => session().sync.status().map(toStoreView);

  const diskFull = (): GlobalStatus['diskFull'] => {
    const problem = store.diskFull;
    return problem && { folder: problem.folder, detail: problem.detail, since: new Date(problem.since).toISOString() };
  };

  const status = (): GlobalStatus => {
    const current = session();
    const stores = current.sync.status();
    const lastSync =
      stores
        .map((s) => s.lastSuccess)
        .filter((t): t is string => !!t)
        .sort()
        .at(-1) ?? null;
    const thresholds = settings.get().alertThresholdsHours;
    // Deadlines count on the Market's clock: ours corrected by the offset its Date headers show.
    const counts = countDeadlines(deps.deadlineReturns(), current.client.time.now(), thresholds);
    const outbox = current.outbox.status();
    const clock = current.client.time.info();
    return {
      mode: current.endpoint.mode,
      // Any successful request means online, whoever made it; only requests that reach nobody mean offline.
      online: current.client.reachability.online,
      authProblem: current.sync.halted ? `The Market refused the API key: ${current.sync.halted.serverMessage ?? current.sync.halted.message}` : null,
      lastSync,
      syncing: stores.some((s) => s.syncing),
      awaitingDecision: counts.awaitingCount,
      urgent: counts.urgentCount,
      outbox: { queued: outbox.queued, sending: outbox.sending, failed: outbox.failed, conflict: outbox.conflict },
      unreadable: store.countSkips(),
      push: deps.push(),
      marketClock: {
        offsetMs: clock.offsetMs,
        large: Math.abs(clock.offsetMs) > LARGE_SKEW_MS,
        measuredAt: clock.measuredAt === null ? null : new Date(clock.measuredAt).toISOString(),
      },
      diskFull: diskFull(),
    };
  };

  let timer: NodeJS.Timeout | null = null;
  let trailing: NodeJS.Timeout | null = null;
  const changed = (): void => {
    // Coalesce bursts (a sync emits many events) into one push.
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      events.emit('status.changed', status());
      events.emit('stores.changed', storeViews());
      // Counted over older returns than the store's: one more push once they can be read again, so the last push is current.
      const stale = deps.deadlineReturnsStaleFor?.() ?? null;
      if (stale !== null) {
        trailing ??= setTimeout(() => {
          trailing = null;
          changed();
        }, stale);
        trailing.unref?.();
      }
    }, 250);
    timer.unref?.();
  };

  return {
    status,
    storeViews,
    changed,
    stop() {
      if (timer) clearTimeout(timer);
      if (trailing) clearTimeout(trailing);
      timer = null;
      trailing = null;
    },
  };
}
