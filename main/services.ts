import { hostname } from 'node:os';
import type { AppInfo } from '../preload/contract.ts';
import type { RuntimeConfig } from './config.ts';
import { PRODUCTION_BASE_URL } from './config.ts';
import { createHandlers } from './ipc/handlers.ts';
import { createRouter, EventHub, type Router, type Sender } from './ipc/router.ts';
import type { Logger } from './log.ts';
import type { SettingsStore } from './settings/settings-store.ts';

/** What the host (Electron, web server, CLI) can do; shown to the renderer as capabilities. */
export interface HostInfo {
  capabilities: AppInfo['capabilities'];
  electron: string | null;
  chrome: string | null;
}

export interface ServicesOptions {
  config: RuntimeConfig;
  logger: Logger;
  settings: SettingsStore;
  host: HostInfo;
  version: string;
}

/** Where the Market API is for this run: the real one, a given URL, or the built-in sandbox. */
export interface MarketEndpoint {
  mode: 'demo' | 'live';
  baseUrl: string;
  apiKey: string;
  /** Stops the built-in sandbox when demo mode started one. */
  close(): Promise<void>;
}

/** The main-process services shared by all three modes. */
export interface Services {
  router: Router;
  events: EventHub;
  endpoint: MarketEndpoint;
  /** Origins whose main frame may call the router (registered by each transport). */
  trustedOrigins: Set<string>;
  info(sender?: Sender): AppInfo;
  close(): Promise<void>;
}

/** Picks the Market endpoint: with a key, production or RETURNDESK_BASE_URL; without, the sandbox. */
export async function resolveEndpoint(config: RuntimeConfig, logger: Logger): Promise<MarketEndpoint> {
  if (config.apiKey) {
    return { mode: 'live', baseUrl: config.baseUrl ?? PRODUCTION_BASE_URL, apiKey: config.apiKey, close: async () => {} };
  }
  if (config.baseUrl) {
    throw new Error('RETURNDESK_BASE_URL is set but RETURNDESK_API_KEY is not: a server other than the built-in sandbox needs its key.');
  }
  const { startSandbox } = await import('../sandbox/index.ts');
  const sandbox = await startSandbox({ port: 0, quiet: true });
  logger.info('demo mode: no API key configured, using the built-in sandbox', { url: sandbox.url });
  return { mode: 'demo', baseUrl: sandbox.url, apiKey: sandbox.apiKey, close: () => sandbox.close() };
}

export async function createServices(options: ServicesOptions): Promise<Services> {
  const { config, logger, settings, host, version } = options;
  const endpoint = await resolveEndpoint(config, logger);
  const events = new EventHub(logger);
  const trustedOrigins = new Set<string>();

  const info = (sender?: Sender): AppInfo => ({
    name: 'ReturnDesk',
    version,
    mode: endpoint.mode,
    transport: sender?.transport ?? 'ipc',
    platform: process.platform,
    versions: { node: process.versions.node, electron: host.electron, chrome: host.chrome },
    capabilities: host.capabilities,
    dataDir: config.dataDir,
    apiHost: new URL(endpoint.baseUrl).host,
  });

  const handlers = createHandlers({ settings, events, info, defaultOperatorName: () => safeUserName() });
  const router = createRouter({
    handlers,
    logger: logger.child({ module: 'ipc' }),
    isTrusted: (sender) => sender.mainFrame && trustedOrigins.has(sender.origin),
  });

  return {
    router,
    events,
    endpoint,
    trustedOrigins,
    info,
    async close() {
      await endpoint.close();
    },
  };
}

function safeUserName(): string {
  try {
    return process.env.USER ?? process.env.USERNAME ?? hostname();
  } catch {
    return '';
  }
}
