import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../main/log.ts';
import { createServices, type Services } from '../../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../../main/settings/settings-store.ts';

/** Real services in "live" mode against an address nobody listens on: enough for bridge tests. */
export async function liveServices(logger: Logger, apiKey = 'test-key-0000'): Promise<{ services: Services; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'returndesk-test-'));
  const services = await createServices({
    config: { dataDir, apiKey, baseUrl: 'http://127.0.0.1:9' },
    logger,
    settings: createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), logger), logger),
    version: '0.0.0-test',
    background: false,
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  return { services, dataDir };
}
