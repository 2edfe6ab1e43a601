/**
 * The composition root: the one place where the Market's client (with its key's scheduler), the sync
 * engine and the outbox are put together, and where each host's logger is made. The desktop app, web
 * mode and every CLI command assemble through here.
 */
import { dirname, join } from 'node:path';
import type { RuntimeConfig } from './config.ts';
import { PRODUCTION_BASE_URL } from './config.ts';
import type { Logger } from './log.ts';
import { BUDGET_FILE } from './market/budget-file.ts';
import { MarketClient, type MarketClientOptions } from './market/client.ts';
import type { Clock } from './market/scheduler.ts';
import { Outbox, type OutboxOptions } from './outbox/outbox.ts';
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

/** The parts that talk to the Market for one key over one store. */
export interface MarketParts {
  client: MarketClient;
  sync: SyncEngine;
  outbox: Outbox;
  /** Sync stopped (awaited) before the outbox; the store stays with whoever opened it, to close after this. */
  stop(): Promise<void>;
}

export interface ComposeOptions {
  /** Production when baseUrl is undefined. */
  endpoint: { baseUrl?: string; apiKey: string };
  store: Store;
  logger: Logger;
  /** The workstation's clock (tests skew it); the system clock by default. */
  clock?: Clock;
  client?: Partial<Omit<MarketClientOptions, 'apiKey' | 'baseUrl' | 'logger' | 'clock'>>;
  sync?: { options?: Partial<SyncOptions>; watchedStores?: () => readonly number[] | null };
  outbox?: Partial<Omit<OutboxOptions, 'store' | 'client' | 'clock' | 'logger'>>;
}

/** Assembles the client, sync engine and outbox of one key; nothing runs until its owner starts it. */
export function composeMarket(options: ComposeOptions): MarketParts {
  const { store, logger } = options;
  const clock = options.clock ? { clock: options.clock } : {};
  // Spent budgets beside the store: the app restarted inside a window a 420 closed must not ask again in it.
  const budgetFile = store.path === ':memory:' ? undefined : join(dirname(store.path), BUDGET_FILE);
  const client = new MarketClient({ budgetFile, ...options.client, apiKey: options.endpoint.apiKey, baseUrl: options.endpoint.baseUrl, logger, ...clock });
  const sync = new SyncEngine({ client, store, logger, options: options.sync?.options, watchedStores: options.sync?.watchedStores, ...clock });
  const outbox = new Outbox({ ...options.outbox, store, client, logger: logger.child({ module: 'outbox' }), ...clock });
  return {
    client,
    sync,
    outbox,
    async stop() {
      await sync.stop();
      await outbox.stop();
    },
  };
}

/** Everything that belongs to one API key in a running app: its endpoint and the parts that use it. */
export interface MarketSession extends Omit<MarketParts, 'stop'> {
  endpoint: MarketEndpoint;
  close(): Promise<void>;
}

export interface SessionOptions {
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
  clock?: Clock;
}

/** The app's session of a key: the endpoint (the sandbox in demo mode) and its parts; close stops both. */
export async function openSession(options: SessionOptions): Promise<MarketSession> {
  const endpoint = await resolveEndpoint(options.config, options.apiKey, options.logger);
  const parts = composeMarket({
    endpoint,
    store: options.store,
    logger: options.logger,
    ...(options.clock ? { clock: options.clock } : {}),
    sync: { options: options.syncOptions, watchedStores: options.watchedStores },
    outbox: { locale: options.locale, operator: options.operator, holdMs: options.holdMs },
  });
  return {
    endpoint,
    client: parts.client,
    sync: parts.sync,
    outbox: parts.outbox,
    async close() {
      await parts.stop();
      // The app drops what its key still had queued; a one-shot command shares the scheduler and leaves it be.
      parts.client.scheduler.cancelQueued();
      await endpoint.close();
    },
  };
}

/** The log of a host (defined beside the logger, so a host can log before the rest of this module loads). */
export { hostLogger } from './log.ts';
