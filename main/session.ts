import type { RuntimeConfig } from './config.ts';
import { PRODUCTION_BASE_URL } from './config.ts';
import type { Logger } from './log.ts';
import { MarketClient } from './market/client.ts';
import { Outbox } from './outbox/outbox.ts';
import { sharedScheduler, type Clock } from './market/scheduler.ts';
import type { Store } from './store/store.ts';
import { SyncEngine, type SyncOptions } from './sync/engine.ts';

/** Where the Market API is for this run: the real one, a given URL, or the built-in sandbox. */
export interface MarketEndpoint {
  mode: 'demo' | 'live';
  baseUrl: string;
  apiKey: string;
  /** Stops the built-in sandbox when demo mode started one. */
  close(): Promise<void>;
}

/** Picks the Market endpoint: with a key, production or RETURNDESK_BASE_URL; without, the sandbox. */
export async function resolveEndpoint(config: Pick<RuntimeConfig, 'baseUrl'>, apiKey: string | undefined, logger: Logger): Promise<MarketEndpoint> {
  if (apiKey) {
    return { mode: 'live', baseUrl: config.baseUrl ?? PRODUCTION_BASE_URL, apiKey, close: async () => {} };
  }
  if (config.baseUrl) {
    throw new Error('RETURNDESK_BASE_URL is set but no API key is: a server other than the built-in sandbox needs its key (RETURNDESK_API_KEY).');
  }
  const { startSandbox } = await import('../sandbox/index.ts');
  const sandbox = await startSandbox({ port: 0, quiet: true });
  logger.info('demo mode: no API key configured, using the built-in sandbox', { url: sandbox.url });
  return { mode: 'demo', baseUrl: sandbox.url, apiKey: sandbox.apiKey, close: () => sandbox.close() };
}

/** Everything that belongs to one API key: its endpoint, client (and scheduler) and sync engine. */
export interface MarketSession {
  endpoint: MarketEndpoint;
  client: MarketClient;
  sync: SyncEngine;
  outbox: Outbox;
  close(): Promise<void>;
}

export async function openSession(options: {
  config: Pick<RuntimeConfig, 'baseUrl'>;
  apiKey: string | undefined;
  store: Store;
  logger: Logger;
  syncOptions: Partial<SyncOptions>;
  /** The watched-stores setting (null: every store). */
  watchedStores?: () => readonly number[] | null;
  locale: () => 'ru' | 'en';
  operator: () => string;
  /** How long a new decision is held for taking back (see OutboxOptions.holdMs). */
  holdMs?: () => number;
  /** The workstation's clock (tests skew it); the system clock by default. */
  clock?: Clock;
}): Promise<MarketSession> {
  const endpoint = await resolveEndpoint(options.config, options.apiKey, options.logger);
  const clock = options.clock;
  const scheduler = sharedScheduler(endpoint.baseUrl, endpoint.apiKey, { logger: options.logger, ...(clock ? { clock } : {}) });
  const client = new MarketClient({ apiKey: endpoint.apiKey, baseUrl: endpoint.baseUrl, logger: options.logger, scheduler, ...(clock ? { clock } : {}) });
  const sync = new SyncEngine({
    client,
    store: options.store,
    logger: options.logger,
    options: options.syncOptions,
    watchedStores: options.watchedStores,
    ...(clock ? { clock } : {}),
  });
  const outbox = new Outbox({
    store: options.store,
    client,
    logger: options.logger.child({ module: 'outbox' }),
    locale: options.locale,
    operator: options.operator,
    holdMs: options.holdMs,
    ...(clock ? { clock } : {}),
  });
  return {
    endpoint,
    client,
    sync,
    outbox,
    async close() {
      await sync.stop();
      await outbox.stop();
      scheduler.cancelQueued();
      await endpoint.close();
    },
  };
}
