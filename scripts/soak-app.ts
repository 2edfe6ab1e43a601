/**
 * The app as `npm run soak` runs it: web mode's services and WebSocket (the same composition web mode and
 * the desktop app use) on a data folder, against the sandbox, on a clock that follows the sandbox's
 * accelerated one. The soak drives it only through the WebSocket contract, SIGKILLs it and starts it again.
 *
 *   node scripts/soak-app.ts [--slow-migration MS]
 *   env: RETURNDESK_DATA_DIR, RETURNDESK_API_KEY, RETURNDESK_BASE_URL
 * Once loaded it prints "Waiting for the clock" and reads one line from stdin: { sandboxMs, realMs, rate }
 * (the sandbox's time at a real instant, and its speed), so the soak can hold the sandbox clock while the
 * process loads and restarts cost the Market's week only the minutes the soak chooses.
 */
import { mkdtempSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../main/config.ts';
import { consoleSink, createLogger, fileSink } from '../main/log.ts';
import type { Clock } from '../main/market/scheduler.ts';
import { createServices } from '../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../main/settings/settings-store.ts';
import { MIGRATIONS } from '../main/store/schema.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { startWebServer } from '../main/web/server.ts';

/** The sandbox's clock as this process sees it: sandbox time at a real instant, advancing `rate` times faster. */
export function followerClock(anchor: { sandboxMs: number; realMs: number; rate: number }): Clock {
  const { sandboxMs, realMs, rate } = anchor;
  return {
    now: () => sandboxMs + (Date.now() - realMs) * rate,
    setTimeout: (fn, ms, options) => {
      const handle = setTimeout(fn, Math.max(0, ms / rate));
      if (!options?.keepAlive) handle.unref?.();
      return handle;
    },
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/**
 * An upgrade's schema step that takes a while (it rewrites every return, holding for `ms`): the soak kills
 * the process while it runs. It says so on stdout first, so the kill lands inside the step.
 */
function runSlowUpgrade(dataDir: string, ms: number): void {
  const store = openStore(storePath(dataDir), {
    migrations: [
      {
        version: MIGRATIONS.length + 1,
        name: 'upgrade: every return rewritten (a long step)',
        up(db) {
          writeSync(1, 'Migrating the data folder\n');
          const until = Date.now() + ms;
          while (Date.now() < until) {
            db.exec('UPDATE returns SET raw_json = raw_json');
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
          }
        },
      },
    ],
  });
  store.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'slow-migration': { type: 'string' } } });
  const config = loadConfig();
  if (values['slow-migration']) runSlowUpgrade(config.dataDir, Number(values['slow-migration']));
  process.stdout.write('Waiting for the clock\n');
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    process.stdin.on('data', (chunk) => {
      text += String(chunk);
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    process.stdin.once('end', () => reject(new Error('stdin closed before the clock was given')));
  });
  process.stdin.pause();
  const anchor = JSON.parse(line) as { sandboxMs: number; realMs: number; rate: number };
  if (!Number.isFinite(anchor.sandboxMs) || !Number.isFinite(anchor.realMs) || !(anchor.rate >= 1))
    throw new Error('the clock line needs sandboxMs, realMs (epoch ms) and rate (≥ 1)');
  const logger = createLogger({ sinks: [consoleSink, fileSink(join(config.dataDir, 'logs', 'returndesk.log'))], secrets: () => [config.apiKey ?? ''] });
  const settings = createSettingsStore(jsonFileBackend(join(config.dataDir, 'settings.json'), logger), logger);
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const services = await createServices({
    config,
    logger,
    settings,
    version,
    clock: followerClock(anchor),
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  // The soak speaks only the WebSocket contract; the page itself is not needed.
  const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-soak-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  const server = await startWebServer({ services, logger, rendererDir, port: 0 });
  process.stdout.write(`Open: ${server.url}\n`);
  const stop = async (): Promise<void> => {
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`ReturnDesk (soak) could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
