import { userInfo } from 'node:os';
import type { AppInfo, ApiKeyStatus, GlobalStatus } from '../preload/contract.ts';
import type { AlertEngine, ChatWatch, Notifier } from './alerts/index.ts';
import { CANDIDATES_MAX_AGE_MS, createAppAlerts } from './app/alerts.ts';
import { createMarketFeeds } from './app/market-feeds.ts';
import { createStatusBoard } from './app/status.ts';
import { openSession, type MarketSession } from './composition.ts';
import type { RuntimeConfig } from './config.ts';
import { ApiKeyVault, VaultError, type SecretStore } from './credentials/vault.ts';
import type { EvidenceDialogs } from './evidence/dialogs.ts';
import { Evidence } from './evidence/evidence.ts';
import { createHandlers } from './ipc/handlers.ts';
import { createRouter, DomainError, EventHub, type Router, type Sender } from './ipc/router.ts';
import { operatorLocale, systemLanguages } from './locale.ts';
import type { Logger } from './log.ts';
import type { Clock } from './market/scheduler.ts';
import type { FileDialogs } from './reports/files.ts';
import { createReportServices } from './reports/services.ts';
import { createAnalyticsReader, createReturnsReader } from './returns/reader.ts';
import type { SettingsStore } from './settings/settings-store.ts';
import { openStore, storePath, type Store } from './store/store.ts';
import { startupMark } from './startup-trace.ts';

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
  /**
   * False for one-shot CLI commands: no background polling or alert timers. 'deferred' (web mode): none
   * until `startBackground()`, so the first page is served before sync competes for the event loop.
   */
  background?: boolean | 'deferred';
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
  /** Starts polling, the outbox and alert timers when they were deferred; does nothing the second time. */
  startBackground(): void;
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

/** How long after start-up (with background work on) the thumbnail worker is started. */
const WARM_THUMBNAILS_AFTER_MS = 3_000;

export async function createServices(options: ServicesOptions): Promise<Services> {
  const { config, logger, settings, host, version } = options;
  let background = (options.background ?? true) === true;
  const deferred = options.background === 'deferred';
  let closing = false;
  const events = new EventHub(logger);
  const trustedOrigins = new Set<string>();
  const store = openStore(storePath(config.dataDir), { backgroundCheckpoints: true });
  startupMark('store open');
  if (store.folderProblems.length) logger.warn('parts of the data folder stay readable by other users', { problems: store.folderProblems.slice(0, 20) });
  const secretStore = options.secretStore ?? noEncryption;
  const vault = new ApiKeyVault({ dataDir: config.dataDir, secretStore, env: config.apiKey ? { RETURNDESK_API_KEY: config.apiKey } : {} });

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

  const returns = createReturnsReader(store);
  const systemLocale = operatorLocale(null, host.systemLanguages ?? systemLanguages());
  const locale = (): 'ru' | 'en' => settings.get().locale ?? systemLocale;
  const operator = (): string => settings.get().operatorName || osUserName();
  const session = (): MarketSession => current;
  const marketNow = (): number => current.client.time.now();

  // The three owners below call each other only through these closures, at run time.
  const feeds = createMarketFeeds({
    store,
    settings,
    events,
    session,
    logger,
    version,
    locale,
    alertsTick: () => alerts.changed(),
    decisionMoved: () => alerts.outboxChanged(),
    statusChanged: () => board.changed(),
  });
  const alerts = createAppAlerts({
    store,
    settings,
    events,
    session,
    chats: feeds.chats,
    locale,
    logger,
    ...(options.notifier ? { hostNotifier: options.notifier } : {}),
    ...(options.clock ? { timers: options.clock } : {}),
  });
  const board = createStatusBoard({
    store,
    settings,
    events,
    session,
    deadlineReturns: () => alerts.source(CANDIDATES_MAX_AGE_MS).returns,
    deadlineReturnsStaleFor: () => alerts.staleFor(),
    push: () => feeds.push.state(),
  });

  let detach: () => void = () => {};
  const startSession = async (): Promise<MarketSession> => {
    const opened = await openSession({
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
    detach = feeds.attach(opened);
    if (background) {
      opened.sync.start();
      opened.outbox.start();
    }
    return opened;
  };

  // Stores unwatched by their flag before the setting drove sync stay unwatched: the flags become the setting.
  const flagged = store.listCampaigns();
  if (settings.get().watchedCampaignIds === null && flagged.some((c) => !c.watched)) {
    settings.set({ watchedCampaignIds: flagged.filter((c) => c.watched).map((c) => c.id) });
  }
  let current = await startSession();
  startupMark('session open');

  /** Switches to a new key (or to demo mode): stops the old session's work first. */
  const restartSession = async (): Promise<void> => {
    detach();
    await current.close();
    current = await startSession();
    board.changed();
  };

  alerts.engine.onCounts(() => board.changed());
  if (background) alerts.engine.start();
  // Off by default; when the operator turned it on, the Market's notifications sync at once.
  void feeds.push.apply();

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
    session,
    dataDir: config.dataDir,
    logger,
    dialogs: options.evidenceDialogs,
    locale,
    audit: (returnId) => current.outbox.audit(returnId, 5000),
    disputes: () => returns.page({ inDispute: true }, 0, 500).rows,
  });
  // The thumbnail worker starts before the first photo is opened, once start-up is done.
  if (background) setTimeout(() => evidence.photos.warm(), WARM_THUMBNAILS_AFTER_MS).unref();
  const reports = createReportServices({
    dataDir: config.dataDir,
    locale,
    offerDownload: (path, mime) => evidence.offerDownload(path, mime),
    dialogs: options.dialogs ?? null,
    store,
    client: () => current.client,
    progress: (job) => events.emit('reports.progress', job),
    logger,
  });
  const handlers = createHandlers({
    analytics: { returns, analytics: createAnalyticsReader(store), session, files: reports.files, reports: reports.reports, locale },
    evidence: () => evidence,
    alerts: { history: alerts.history, events, now: () => marketNow() },
    settings,
    events,
    info,
    returns,
    session,
    status: board.status,
    storeViews: board.storeViews,
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
      if (watched.started.length + watched.stopped.length > 0) events.emit('stores.changed', board.storeViews());
      void alerts.engine.tick();
      void feeds.push.apply();
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
    alerts: alerts.engine,
    chats: feeds.chats,
    trustedOrigins,
    evidence,
    session,
    locale,
    info,
    status: board.status,
    startBackground() {
      if (background || !deferred || closing) return;
      startupMark('background start');
      background = true;
      current.sync.start();
      current.outbox.start();
      alerts.engine.start();
      evidence.photos.warm();
    },
    async close() {
      closing = true;
      // Producers first; then the session (sync stopped and awaited before the outbox), and only then the store.
      alerts.engine.stop();
      await feeds.push.close();
      await feeds.chats.idle();
      reports.stop();
      await evidence.close();
      board.stop();
      detach();
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
