import { userInfo } from 'node:os';
import type { AppInfo, ApiKeyStatus, GlobalStatus, OutboxEntry, OutboxState, StoreView } from '../preload/contract.ts';
import {
  ChatWatch,
  createAlertEngine,
  createStoredMarkStore,
  countDeadlines,
  undeliveredReason,
  type AlertEngine,
  type AlertSnapshot,
  type Notifier,
} from './alerts/index.ts';
import type { RuntimeConfig } from './config.ts';
import { ApiKeyVault, VaultError, type SecretStore } from './credentials/vault.ts';
import { deadlineInputFromRow } from './deadlines/from-row.ts';
import { createHandlers } from './ipc/handlers.ts';
import { createRouter, DomainError, EventHub, type Router, type Sender } from './ipc/router.ts';
import { toStoreView } from './ipc/views.ts';
import { operatorLocale, systemLanguages } from './locale.ts';
import type { Logger } from './log.ts';
import { PushService } from './push/push-service.ts';
import type { ReturnEvent } from './push/receiver.ts';
import { LARGE_SKEW_MS, type MarketTimeInfo } from './market/market-time.ts';
import type { Clock } from './market/scheduler.ts';
import { openSession, type MarketSession } from './session.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { openStore, storePath, type Store } from './store/store.ts';
import { createReportServices } from './reports/services.ts';
import type { FileDialogs } from './reports/files.ts';
import type { EvidenceDialogs } from './evidence/dialogs.ts';
import { Evidence } from './evidence/evidence.ts';
import { toInboxRow } from './ipc/views.ts';

/** What the host (Electron, web server, CLI) can do; shown to the renderer as capabilities. */
export interface HostInfo {
  capabilities: AppInfo['capabilities'];
  electron: string | null;
  chrome: string | null;
  /** The OS's preferred languages when the host knows them better than the environment (Electron). */
  systemLanguages?: readonly string[];
}

export interface ServicesOptions {
  config: RuntimeConfig;
  logger: Logger;
  settings: SettingsStore;
  host: HostInfo;
  version: string;
  /** OS encryption for the stored API key; absent in web/CLI mode, where the key comes from the environment. */
  secretStore?: SecretStore;
  /** Native notifications (desktop); web mode sends alerts to the tab as events instead. */
  notifier?: Notifier;
  /** False for one-shot CLI commands: no background polling or alert timers. */
  background?: boolean;
  /** Native folder dialog and opening files (desktop); web and CLI save under <dataDir>/reports. */
  dialogs?: FileDialogs;
  /** Native save-as and folder dialogs for the application PDF and evidence packs (desktop). */
  evidenceDialogs?: EvidenceDialogs;
  /** The workstation's clock; tests inject a skewed one. The system clock by default. */
  clock?: Clock;
}

/** The main-process services shared by all three modes. */
export interface Services {
  router: Router;
  events: EventHub;
  store: Store;
  alerts: AlertEngine;
  /** Chats about returns, polled after each fast poll: buyer messages and arbitrage for the alerts. */
  chats: ChatWatch;
  /** Origins whose main frame may call the router (registered by each transport). */
  trustedOrigins: Set<string>;
  /** Photo cache, application PDFs, chats, evidence packs; media URLs are served from it. */
  evidence: Evidence;
  session(): MarketSession;
  /** The one language of main's texts and of the page: settings, else the system's. */
  locale(): 'ru' | 'en';
  info(sender?: Sender): AppInfo;
  status(): GlobalStatus;
  close(): Promise<void>;
}

/** Stands in for OS encryption where there is none (web/CLI): the vault then refuses to store a key. */
const noEncryption: SecretStore = {
  isEncryptionAvailable: () => false,
  encrypt: () => {
    throw new VaultError('encryption-unavailable', 'No OS encryption here.');
  },
  decrypt: () => {
    throw new VaultError('encryption-unavailable', 'No OS encryption here.');
  },
};

export async function createServices(options: ServicesOptions): Promise<Services> {
  const { config, logger, settings, host, version } = options;
  const background = options.background ?? true;
  const events = new EventHub(logger);
  const trustedOrigins = new Set<string>();
  const store = openStore(storePath(config.dataDir));
  if (store.folderProblems.length)
    logger.warn('parts of the data folder stay readable by other users: they belong to another owner', { paths: store.folderProblems.slice(0, 20) });
  const secretStore = options.secretStore ?? noEncryption;
  const vault = new ApiKeyVault({ dataDir: config.dataDir, secretStore, env: config.apiKey ? { RETURNDESK_API_KEY: config.apiKey } : {} });

  let unsubscribeSync: Array<() => void> = [];

  const syncOptions = () => {
    const s = settings.get();
    return { backfillDays: s.backfillDays, fastIntervalMs: s.pollFastSeconds * 1000, slowIntervalMs: s.pollSlowSeconds * 1000 };
  };

  const readKey = (): string | undefined => {
    try {
      return vault.get();
    } catch (error) {
      logger.warn('the stored API key cannot be read; running in demo mode until it is entered again', { reason: (error as Error).message });
      return undefined;
    }
  };

  const OUTBOX_STATES = new Set<string>(['queued', 'sending', 'delivered', 'failed', 'conflict', 'cancelled']);
  const outboxStateOf = (returnId: number): OutboxState | null => {
    const state = store.latestOutboxState(returnId);
    return state && OUTBOX_STATES.has(state) ? (state as OutboxState) : null;
  };
  const systemLocale = operatorLocale(null, host.systemLanguages ?? systemLanguages());
  const locale = (): 'ru' | 'en' => settings.get().locale ?? systemLocale;
  const operator = (): string => settings.get().operatorName || osUserName();

  const storeViews = (): StoreView[] => current.sync.status().map(toStoreView);
  /** Deadlines count on the Market's clock: ours corrected by the offset its Date headers show. */
  const marketNow = (): number => current.client.time.now();

  const diskFullStatus = (): GlobalStatus['diskFull'] => {
    const problem = store.diskFull;
    return problem && { folder: problem.folder, detail: problem.detail, since: new Date(problem.since).toISOString() };
  };

  const status = (): GlobalStatus => {
    const stores = current.sync.status();
    const lastSync =
      stores
        .map((s) => s.lastSuccess)
        .filter((t): t is string => !!t)
        .sort()
        .at(-1) ?? null;
    const thresholds = settings.get().alertThresholdsHours;
    const counts = countDeadlines(alertSource().returns, marketNow(), thresholds);
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
      push: push.state(),
      marketClock: {
        offsetMs: clock.offsetMs,
        large: Math.abs(clock.offsetMs) > LARGE_SKEW_MS,
        measuredAt: clock.measuredAt === null ? null : new Date(clock.measuredAt).toISOString(),
      },
      diskFull: diskFullStatus(),
    };
  };

  let statusTimer: NodeJS.Timeout | null = null;
  const statusChanged = (): void => {
    // Coalesce bursts (a sync emits many events) into one push.
    if (statusTimer) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      events.emit('status.changed', status());
      events.emit('stores.changed', storeViews());
    }, 250);
    statusTimer.unref?.();
  };

  const wireSync = (session: MarketSession): void => {
    const onOutboxChanged = (entry: OutboxEntry): void => {
      events.emit('outbox.changed', entry);
      events.emit('returns.changed', { returnIds: [entry.returnId], full: false });
      if (entry.state === 'failed' || entry.state === 'conflict') void alerts.tick();
      statusChanged();
    };
    const onOutboxStatus = (): void => statusChanged();
    session.outbox.on('changed', onOutboxChanged);
    session.outbox.on('status', onOutboxStatus);
    unsubscribeSync = [
      () => session.outbox.off('changed', onOutboxChanged),
      () => session.outbox.off('status', onOutboxStatus),
      session.sync.on('changed', (change) => {
        events.emit('returns.changed', { returnIds: change.returnIds.slice(0, 10_000), full: change.returnIds.length > 10_000 });
        void alerts.tick();
        statusChanged();
      }),
      session.sync.on('progress', () => statusChanged()),
      session.sync.on('round', (round) => {
        if (round.lane === 'fast') pollChats(round.campaignIds);
      }),
      session.sync.on('error', () => statusChanged()),
    ];
    const onReachability = (): void => statusChanged();
    const onClockChange = (info: MarketTimeInfo): void => {
      if (Math.abs(info.offsetMs) > LARGE_SKEW_MS)
        logger.warn("the workstation clock differs from the Market's; deadlines are counted in the Market's time", { offsetMs: info.offsetMs });
      // Another reading of the Market's clock may put a threshold or a deadline behind us: look now, not at the next minute.
      void alerts.tick();
      statusChanged();
    };
    session.client.reachability.on('change', onReachability);
    session.client.time.on('change', onClockChange);
    unsubscribeSync.push(
      () => session.client.reachability.off('change', onReachability),
      () => session.client.time.off('change', onClockChange),
    );
  };

  const chats = new ChatWatch({
    watched: store.chatWatch,
    client: () => current.client,
    refreshReturns: (campaignId, refs) => current.sync.refreshReturns(campaignId, refs),
    returnRef: (returnId) => {
      const row = store.getReturn(returnId);
      return row ? { campaignId: row.campaignId, orderId: row.orderId } : null;
    },
    now: () => marketNow(),
    logger: logger.child({ module: 'chats' }),
  });
  const campaignName = (campaignId: number): string | null => {
    const campaign = store.getCampaign(campaignId);
    return campaign ? (campaign.domain ?? campaign.businessName ?? null) : null;
  };
  /** After a fast poll: the chats of each business polled, once per business. */
  const pollChats = (campaignIds: readonly number[]): void => {
    const businesses = new Set(campaignIds.map((id) => store.getCampaign(id)?.businessId).filter((id): id is number => !!id));
    for (const businessId of businesses) {
      chats
        .poll(businessId)
        .then((result) => {
          if (result.newBuyerMessages > 0 || result.arbitrageStarted.length > 0 || result.arbitrageFinished.length > 0) void alerts.tick();
        })
        .catch((error: unknown) => logger.warn('chats: poll failed', { businessId, error: error instanceof Error ? error.message : String(error) }));
    }
  };

  /** One sync of a store at a time for pushes: a burst of notifications runs it once more, not once each. */
  const pushSyncs = new Map<number, { running: Promise<void>; again: boolean }>();
  const syncForPush = (campaignId: number): Promise<void> => {
    const busy = pushSyncs.get(campaignId);
    if (busy) {
      busy.again = true;
      return busy.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      do {
        entry.again = false;
        await current.sync.syncCampaign(campaignId, 'fast');
      } while (entry.again);
    })().finally(() => pushSyncs.delete(campaignId));
    pushSyncs.set(campaignId, entry);
    return entry.running;
  };
  /** A notification from the Market: refresh what it names and sync its store now, not at the next poll. */
  const onPush = async (event: ReturnEvent): Promise<void> => {
    if (event.kind === 'returnCreated' || event.kind === 'returnStatusUpdated') {
      if (!store.getCampaign(event.campaignId)) {
        logger.info('push: a notification about a store this key does not know; ignored', { campaignId: event.campaignId });
        return;
      }
      await current.sync.refreshReturns(event.campaignId, [{ orderId: event.orderId, returnId: event.returnId }], 'interactive');
      await syncForPush(event.campaignId);
      return;
    }
    if (!store.listCampaigns().some((c) => c.businessId === event.businessId)) {
      logger.info('push: a notification about a business this key does not know; ignored', { businessId: event.businessId });
      return;
    }
    const result = await chats.poll(event.businessId);
    if (result.newBuyerMessages > 0 || result.arbitrageStarted.length > 0 || result.arbitrageFinished.length > 0) void alerts.tick();
  };
  const push = new PushService({ settings: () => settings.get().pushReceiver, onEvent: onPush, onChange: () => statusChanged(), logger, version, locale });

  const startSession = async (): Promise<MarketSession> => {
    const session = await openSession({
      config,
      apiKey: readKey(),
      store,
      logger,
      syncOptions: syncOptions(),
      watchedStores: () => settings.get().watchedCampaignIds,
      locale,
      operator,
      holdMs: () => settings.get().decisionHoldSeconds * 1000,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    wireSync(session);
    if (background) {
      session.sync.start();
      session.outbox.start();
    }
    return session;
  };

  // Stores unwatched by their flag before the setting drove sync stay unwatched: the flags become the setting.
  const flagged = store.listCampaigns();
  if (settings.get().watchedCampaignIds === null && flagged.some((c) => !c.watched)) {
    settings.set({ watchedCampaignIds: flagged.filter((c) => c.watched).map((c) => c.id) });
  }
  let current = await startSession();

  /** Switches to a new key (or to demo mode): stops the old session's work first. */
  const restartSession = async (): Promise<void> => {
    for (const off of unsubscribeSync) off();
    await current.close();
    current = await startSession();
    statusChanged();
  };

  const history = store.alertHistory;
  // Alerts older than 90 days that no longer wait for anyone leave the history.
  history.prune(Date.now() - 90 * 86_400_000);
  /** Every alert is kept first (it waits there for a screen), then sent to open screens and to the host's notifier. */
  const notifier: Notifier = {
    isSupported: () => options.notifier?.isSupported() ?? true,
    show(notification) {
      events.emit('alerts.notification', history.record(notification, marketNow()));
      options.notifier?.show(notification);
    },
    onClick: (handler) => options.notifier?.onClick(handler),
  };

  const ALERT_OUTBOX = new Set<OutboxState>(['queued', 'sending', 'delivered', 'failed', 'conflict']);
  function alertSource(): AlertSnapshot {
    const market = current.client.reachability.state();
    const pending = new Map(current.outbox.pending().map((entry) => [entry.returnId, entry]));
    return {
      returns: store.alertCandidates().map((row) => {
        const state = outboxStateOf(row.id);
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
  }
  const alerts = createAlertEngine({
    clock: { now: marketNow },
    ...(options.clock ? { timers: options.clock } : {}),
    marks: createStoredMarkStore(store.alertMarks),
    notifier,
    source: alertSource,
    settings: () => settings.get(),
    locale,
    logger: logger.child({ module: 'alerts' }),
  });
  alerts.onClick((target) => events.emit('app.navigate', target));
  alerts.onCounts(() => statusChanged());
  if (background) alerts.start();
  // Off by default; when the operator turned it on, the Market's notifications sync at once.
  void push.apply();

  const apiKeyStatus = (): ApiKeyStatus => ({ ...vault.status(), encryptionAvailable: secretStore.isEncryptionAvailable() });

  const info = (sender?: Sender): AppInfo => ({
    name: 'ReturnDesk',
    version,
    mode: current.endpoint.mode,
    transport: sender?.transport ?? 'ipc',
    platform: process.platform,
    versions: { node: process.versions.node, electron: host.electron, chrome: host.chrome },
    capabilities: host.capabilities,
    dataDir: config.dataDir,
    apiHost: new URL(current.endpoint.baseUrl).host,
    systemLocale,
  });

  const evidence = new Evidence({
    store,
    session: () => current,
    dataDir: config.dataDir,
    logger,
    dialogs: options.evidenceDialogs,
    locale,
    audit: (returnId) => current.outbox.audit(returnId, 5000),
    disputes: () => store.inboxPage({ inDispute: true }, { limit: 500 }).rows.map((row) => toInboxRow(row, outboxStateOf(row.id))),
  });
  const reports = createReportServices({
    dataDir: config.dataDir,
    locale,
    offerDownload: (path, mime) => evidence.offerDownload(path, mime),
    dialogs: options.dialogs ?? null,
    store,
    session: () => current,
    events,
    outboxStateOf,
    logger,
  });
  const handlers = createHandlers({
    analytics: reports.handlerDeps,
    evidence: () => evidence,
    alerts: { history, events, now: () => marketNow() },
    settings,
    events,
    info,
    store,
    session: () => current,
    status,
    storeViews,
    outboxStateOf,
    defaultOperatorName: () => osUserName(),
    operator,
    apiKey: {
      status: apiKeyStatus,
      async set(key) {
        if (config.apiKey) throw new DomainError('CONFLICT', 'The API key comes from RETURNDESK_API_KEY in this mode; change it there.');
        try {
          vault.set(key);
        } catch (error) {
          if (error instanceof VaultError) throw new DomainError('UNAVAILABLE', error.message);
          throw error;
        }
        await restartSession();
        return apiKeyStatus();
      },
      async remove() {
        if (config.apiKey) throw new DomainError('CONFLICT', 'The API key comes from RETURNDESK_API_KEY in this mode; unset it there.');
        vault.clear();
        await restartSession();
        return apiKeyStatus();
      },
    },
    onSettingsChanged: () => {
      // Settings apply at once: poll intervals reschedule the running engine, the watched stores are what it polls.
      current.sync.configure(syncOptions());
      const watched = current.sync.applyWatched();
      if (watched.started.length > 0 && background) void current.sync.syncNow({ campaignIds: watched.started, priority: 'interactive' }).catch(() => undefined);
      if (watched.started.length + watched.stopped.length > 0) events.emit('stores.changed', storeViews());
      void alerts.tick();
      void push.apply();
    },
  });
  const router = createRouter({
    handlers,
    logger: logger.child({ module: 'ipc' }),
    isTrusted: (sender) => sender.mainFrame && trustedOrigins.has(sender.origin),
  });

  return {
    router,
    events,
    store,
    alerts,
    chats,
    trustedOrigins,
    evidence,
    session: () => current,
    locale,
    info,
    status,
    async close() {
      alerts.stop();
      await push.close();
      await chats.idle();
      reports.stop();
      await evidence.close();
      if (statusTimer) clearTimeout(statusTimer);
      for (const off of unsubscribeSync) off();
      await current.close();
      store.close();
    },
  };
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}
