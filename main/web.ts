/**
 * Web mode: the main-process services in plain Node, the renderer on 127.0.0.1, the contract over
 * a WebSocket. `npm run web [-- --port N]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { consoleSink, createLogger, fileSink } from './log.ts';
import { createServices } from './services.ts';
import { createSettingsStore, jsonFileBackend } from './settings/settings-store.ts';
import { startWebServer } from './web/server.ts';

const root = join(import.meta.dirname, '..');

/** Starts web mode as `npm run web` does; `rendererDir` defaults to the built renderer in out/. */
export async function runWebMode(argv: string[] = process.argv.slice(2), rendererDir = join(root, 'out', 'renderer')): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: process.env.RETURNDESK_WEB_PORT ?? '0' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const config = loadConfig();
  const secrets = (): string[] => [config.apiKey ?? ''];
  const logger = createLogger({ sinks: [consoleSink, fileSink(join(config.dataDir, 'logs', 'returndesk.log'))], secrets });
  const settings = createSettingsStore(jsonFileBackend(join(config.dataDir, 'settings.json'), logger), logger);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const services = await createServices({
    config,
    logger,
    settings,
    version,
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const server = await startWebServer({ services, logger, rendererDir, port, host: values.host });
  const { endpoint } = services.session();
  const mode = endpoint.mode === 'demo' ? 'demo data from the built-in sandbox (no API key set)' : `live: ${new URL(endpoint.baseUrl).host}`;
  process.stdout.write(`ReturnDesk web mode — ${mode}\nData folder: ${config.dataDir}\nOpen: ${server.url}\n`);

  const stop = async (): Promise<void> => {
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (import.meta.main) {
  runWebMode().catch((error: unknown) => {
    process.stderr.write(`ReturnDesk web mode could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
