// The real main-process services against a running sandbox, in a fresh data folder, for integration tests.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notifier } from '../../main/alerts/engine.ts';
import { silentLogger } from '../../main/log.ts';
import type { Clock } from '../../main/market/scheduler.ts';
import { createServices, type Services } from '../../main/services.ts';
import { createSettingsStore, jsonFileBackend, type SettingsStore } from '../../main/settings/settings-store.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';

export interface SandboxServices {
  services: Services;
  settings: SettingsStore;
  dataDir: string;
}

/** Services in English with no background timers (tests tick and sync themselves) unless told otherwise. */
export async function servicesOn(
  sandbox: RunningSandbox,
  options: { notifier?: Notifier; clock?: Clock; dataDir?: string; background?: boolean } = {},
): Promise<SandboxServices> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'returndesk-it-'));
  const settings = createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), silentLogger), silentLogger);
  settings.set({ locale: 'en' });
  const services = await createServices({
    config: { dataDir, apiKey: sandbox.apiKey, baseUrl: sandbox.url },
    logger: silentLogger,
    settings,
    version: 'test',
    background: options.background ?? false,
    ...(options.notifier ? { notifier: options.notifier } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  return { services, settings, dataDir };
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
