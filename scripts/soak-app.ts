/**
 * The app as `npm run soak` runs it: web mode's services and WebSocket (the same composition web mode and
 * the desktop app use) on a data folder, against the sandbox, on a clock that follows the sandbox's
 * accelerated one. The soak drives it only through the WebSocket contract, SIGKILLs it and starts it again.
 *
 *   node scripts/soak-app.ts [--slow-migration MS] [--page-dir DIR]
 *   env: RETURNDESK_DATA_DIR, RETURNDESK_API_KEY, RETURNDESK_BASE_URL
 * Once loaded it prints "Waiting for the clock" and reads a line from stdin: { sandboxMs, realMs, rate }
 * (the sandbox's time at a real instant, and its speed), so the soak can hold the sandbox clock while the
 * process loads and restarts cost the Market's week only the minutes the soak chooses. Later lines retune
 * the clock: the soak slows the week down when this process falls behind its poll on a busy machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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

export interface ClockAnchor {
  sandboxMs: number;
  realMs: number;
  rate: number;
}

/**
 * The sandbox's clock as this process sees it: sandbox time at a real instant, advancing `rate` times
 * faster. `retune` takes a new anchor when the soak changes the rate; pending timers keep their sandbox
 * due time and are re-armed for the new speed (a timer checks its due time when it fires, so it is never early).
 */
export function followerClock(initial: ClockAnchor): Clock & { retune(anchor: ClockAnchor): void } {
  let anchor = initial;
  interface Timer {
    due: number;
    fn: () => void;
    keepAlive: boolean;
    handle?: ReturnType<typeof setTimeout>;
  }
  const pending = new Set<Timer>();
  const now = (): number => anchor.sandboxMs + (Date.now() - anchor.realMs) * anchor.rate;
  const arm = (timer: Timer): void => {
    timer.handle = setTimeout(
      () => {
        // Less than a real millisecond left is due now.
        if (timer.due - now() > anchor.rate) return arm(timer);
        pending.delete(timer);
        timer.fn();
      },
      Math.max(0, (timer.due - now()) / anchor.rate),
    );
    if (!timer.keepAlive) timer.handle.unref?.();
  };
  return {
    now,
    setTimeout: (fn, ms, options) => {
      const timer: Timer = { due: now() + Math.max(0, ms), fn, keepAlive: options?.keepAlive === true };
      pending.add(timer);
      arm(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      const timer = handle as Timer | undefined;
      if (!timer || !pending.delete(timer)) return;
      clearTimeout(timer.handle);
    },
    retune: (next) => {
      anchor = next;
      for (const timer of pending) {
        clearTimeout(timer.handle);
        arm(timer);
      }
    },
  };
}

/** One clock line from the soak: { sandboxMs, realMs, rate }. */
function parseAnchor(line: string): ClockAnchor {
  const anchor = JSON.parse(line) as ClockAnchor;
  if (!Number.isFinite(anchor.sandboxMs) || !Number.isFinite(anchor.realMs) || !(anchor.rate >= 1))
    throw new Error('the clock line needs sandboxMs, realMs (epoch ms) and rate (≥ 1)');
  return anchor;
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
  const { values } = parseArgs({ options: { 'slow-migration': { type: 'string' }, 'page-dir': { type: 'string' } } });
  const config = loadConfig();
  if (values['slow-migration']) runSlowUpgrade(config.dataDir, Number(values['slow-migration']));
  process.stdout.write('Waiting for the clock\n');
  // The first line starts the clock; every later one retunes it (the soak slowed the week down or sped it up).
  const started: { clock?: ReturnType<typeof followerClock> } = {};
  const first = new Promise<ClockAnchor>((resolve, reject) => {
    let text = '';
    process.stdin.on('data', (chunk) => {
      text += String(chunk);
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
        const line = text.slice(0, end);
        text = text.slice(end + 1);
        if (!line.trim()) continue;
        try {
          if (started.clock) started.clock.retune(parseAnchor(line));
          else resolve(parseAnchor(line));
        } catch (error) {
          if (!started.clock) reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    process.stdin.once('end', () => reject(new Error('stdin closed before the clock was given')));
  });
  const clock = followerClock(await first);
  started.clock = clock;
  const logger = createLogger({ sinks: [consoleSink, fileSink(join(config.dataDir, 'logs', 'returndesk.log'))], secrets: () => [config.apiKey ?? ''] });
  const settings = createSettingsStore(jsonFileBackend(join(config.dataDir, 'settings.json'), logger), logger);
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const services = await createServices({
    config,
    logger,
    settings,
    version,
    clock,
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  // The soak speaks only the WebSocket contract; the page itself is not needed. The soak gives one folder for
  // every start (a SIGKILLed process cannot remove its own); a start by hand makes one and removes it on stop.
  const rendererDir = values['page-dir'] ?? mkdtempSync(join(tmpdir(), 'returndesk-soak-renderer-'));
  if (!existsSync(join(rendererDir, 'index.html'))) writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  const server = await startWebServer({ services, logger, rendererDir, port: 0 });
  process.stdout.write(`Open: ${server.url}\n`);
  const stop = async (): Promise<void> => {
    await server.close();
    await services.close();
    if (!values['page-dir']) rmSync(rendererDir, { recursive: true, force: true });
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
