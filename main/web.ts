/**
 * Web mode: the main-process services in plain Node, the renderer on 127.0.0.1, the contract over
 * a WebSocket. `npm run web [-- --port N]` runs it from its bundle, out/web/web.js (scripts/web.js).
 */
import { spawnSync } from 'node:child_process';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, PRODUCTION_BASE_URL, type RuntimeConfig } from './config.ts';
import { capYoungGeneration, slowOldGenerationGrowth } from './heap.ts';
import { hostLogger } from './log.ts';
import type { Services } from './services.ts';
import { startWebServer } from './web/server.ts';
import { startupMark } from './startup-trace.ts';

/** The checkout: one folder up from main/web.ts, two from its bundle out/web/web.js. */
const root = join(import.meta.dirname, import.meta.url.endsWith('.ts') ? '..' : join('..', '..'));

const BUILT_RENDERER = join(root, 'out', 'renderer');

/** Longest wait for a page to be opened before sync and the outbox start without it. */
const BACKGROUND_AFTER_MS = 5_000;
/** Longest wait for the first inbox page of a page that was opened (a slow machine loads the renderer for seconds). */
const BACKGROUND_AFTER_OPENED_MS = 30_000;

/** Newest modification time of the files the renderer bundle is built from. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of ['renderer', 'preload', 'vite.config.ts', 'package.json']) if (existsSync(join(root, source))) visit(join(root, source));
  return newest;
}

/**
 * A fresh clone has no out/renderer, and a pulled one may have an old one: build it (the same
 * `node scripts/build.ts renderer` that `npm run build` runs), or say exactly what to run.
 */
export function ensureRendererBuilt(write: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): void {
  const index = join(BUILT_RENDERER, 'index.html');
  const current = (): boolean => existsSync(index) && statSync(index).mtimeMs >= newestSource();
  if (current()) return;
  // Two web modes starting at once must not build into the same folder together: the second waits.
  const lock = join(root, 'out', '.renderer-build.lock');
  mkdirSync(join(root, 'out'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline || Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 5 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    if (!current()) buildRenderer(index, write);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildRenderer(index: string, write: (line: string) => void): void {
  const missing = !existsSync(index);
  write(
    missing ? 'The renderer is not built yet: building it now (about half a minute)…' : 'The renderer sources changed since the last build: building it again…',
  );
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), 'renderer'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0 || !existsSync(index)) {
    const why = `${built.stderr ?? ''}${built.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n');
    throw new Error(`building the renderer failed${why ? `:\n${why}` : ''}\nRun "npm ci" and then "npm run build", and start web mode again.`);
  }
  write('Renderer built.');
}

/** The services of web mode, loaded (a chunk of the bundle of their own) and created after the server listens. */
async function startServices(config: RuntimeConfig, logger: ReturnType<typeof hostLogger>): Promise<Services> {
  const [{ createServices }, { createSettingsStore, jsonFileBackend }] = await Promise.all([import('./services.ts'), import('./settings/settings-store.ts')]);
  startupMark('services loaded');
  // Yield to the event loop between the long parts of start-up: the young generation's cap (heap.ts) acts on each
  // collection from a callback that arrives with the timers, so without it new space grows past the cap while the
  // services start.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const settings = createSettingsStore(jsonFileBackend(join(config.dataDir, 'settings.json'), logger), logger);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return createServices({
    config,
    logger,
    settings,
    version,
    // Sync, the outbox and alert timers wait until the first inbox page is served, so start-up answers first.
    background: 'deferred',
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
}

/** Starts web mode as `npm run web` does; `rendererDir` defaults to the built renderer in out/. */
export async function runWebMode(argv: string[] = process.argv.slice(2), rendererDir = BUILT_RENDERER): Promise<void> {
  startupMark('modules loaded');
  if (rendererDir === BUILT_RENDERER) ensureRendererBuilt();
  startupMark('renderer checked');
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', default: process.env.RETURNDESK_WEB_PORT ?? '0' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}"`);
  const config = loadConfig();
  // Said before the page is served: the same refusal the session would give once the services start.
  if (config.baseUrl && !config.apiKey) {
    throw new Error('RETURNDESK_BASE_URL is set but no API key is: a server other than the built-in sandbox needs its key (RETURNDESK_API_KEY).');
  }
  const logger = hostLogger(config, { file: 'returndesk.log' });
  // V8's compiled code of what loads from here on (the services) is kept in the data folder: the operator's next start
  // reads it instead of compiling again (the bundle only; Node checks each entry against its source).
  const compileCache = import.meta.url.endsWith('.ts') ? null : enableCompileCache(join(config.dataDir, 'cache', 'compile'));
  if (compileCache?.message) logger.info('web: no compile cache this start', { reason: compileCache.message });
  // The page and the socket are served while the services load and start: the browser fetches and runs the
  // renderer meanwhile, and its first requests wait for the services, the first inbox page ahead of the rest.
  let provide: (started: Promise<Services>) => void = () => {};
  const services = new Promise<Services>((resolve, reject) => (provide = (started) => void started.then(resolve, reject)));
  let opened = false;
  const server = await startWebServer({
    services,
    logger,
    rendererDir,
    port,
    host: values.host,
    onFirstPage: () =>
      void services.then((s) => {
        s.startBackground();
        // Written now, not at exit: a start that is killed still leaves it for the next.
        if (compileCache?.directory) flushCompileCache();
      }),
    onPageOpened: () => (opened = true),
  });
  startupMark('listening');
  const mode = config.apiKey ? `live: ${new URL(config.baseUrl ?? PRODUCTION_BASE_URL).host}` : 'demo data from the built-in sandbox (no API key set)';
  process.stdout.write(`ReturnDesk web mode — ${mode}\nData folder: ${config.dataDir}\nOpen: ${server.url}\n`);
  // Loaded only now: compiling and starting them must not hold up the socket's listening.
  provide(startServices(config, logger));
  let started: Services;
  try {
    started = await services;
  } catch (error) {
    await server.close();
    throw error;
  }
  startupMark('services created');
  // Nobody opened the page: background work starts anyway, a few seconds after start-up; a page being opened
  // gets its first inbox page before sync competes with it, however long the renderer takes to load.
  setTimeout(() => {
    if (opened) setTimeout(() => started.startBackground(), BACKGROUND_AFTER_OPENED_MS - BACKGROUND_AFTER_MS).unref();
    else started.startBackground();
  }, BACKGROUND_AFTER_MS).unref();

  const stop = async (): Promise<void> => {
    await server.close();
    await started.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** `npm run web`: starts web mode with the command line's options; a failure to start is one line and exit code 1. */
export function startWebMode(): void {
  capYoungGeneration();
  slowOldGenerationGrowth();
  runWebMode().catch((error: unknown) => {
    process.stderr.write(`ReturnDesk web mode could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

if (import.meta.main) startWebMode();
