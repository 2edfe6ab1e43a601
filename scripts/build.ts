/**
 * Builds the bundles: the renderer (served by web mode and by Electron), the Electron main and
 * preload, and web mode's server (what `npm run web` runs). `node scripts/build.ts [renderer|electron|web]`
 * builds one part; no argument builds all.
 * One build of a checkout runs at a time (web mode, the bench and `npm run build` may start together,
 * and each empties the folder it writes), and a dependency missing from node_modules is named at once.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import type { InlineConfig, Plugin } from 'vite';

const root = join(import.meta.dirname, '..');
const part = process.argv[2] ?? 'all';
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Declared dependencies whose installed version differs from package.json (a pull that added one, without `npm ci`). */
export function dependenciesBehind(dir = root): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const declared = { ...manifest.dependencies, ...manifest.devDependencies };
  return Object.entries(declared).flatMap(([name, version]) => {
    const file = join(dir, 'node_modules', name, 'package.json');
    const installed = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null;
    return installed === version ? [] : [`${name} ${version} (installed: ${installed ?? 'none'})`];
  });
}

/** Whether a process still runs (a lock whose owner died is stale). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Holds out/.build.lock (a directory: mkdir is atomic) while `run` builds; a second build waits for the first. */
async function withBuildLock(run: () => Promise<void>): Promise<void> {
  const lock = join(root, 'out', '.build.lock');
  const owner = join(lock, 'pid');
  mkdirSync(join(root, 'out'), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      break;
    } catch {
      const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : Number.NaN);
      // No pid yet means its owner is between mkdir and write: wait; a dead owner or ten minutes means stale.
      if ((Number.isInteger(pid) && !alive(pid)) || waited > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (waited === 0) process.stderr.write('another build of this checkout is running: waiting for it…\n');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let viteBuild: (config: InlineConfig) => Promise<unknown>;

async function buildRenderer(): Promise<void> {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

async function buildElectron(): Promise<void> {
  // Main: ESM on Electron's Node; npm dependencies stay external (electron-builder ships them).
  await viteBuild({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir: 'out/main',
      emptyOutDir: true,
      target: 'node22',
      // The log writer runs on pino's worker thread, which loads it by path: it ships as its own file.
      rollupOptions: {
        input: { index: 'main/electron.ts', 'log-writer': 'main/log-writer.ts' },
        external: ['electron', ...nodeBuiltins],
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  });
  // The thumbnail worker: one self-contained file beside index.js (unpacked from the asar, where a worker can start).
  await viteBuild({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: 'main/photos/thumb-worker.ts',
      outDir: 'out/main',
      emptyOutDir: false,
      target: 'node22',
      rollupOptions: { external: ['electron', 'sharp', ...nodeBuiltins], output: { format: 'es', entryFileNames: 'thumb-worker.js', codeSplitting: false } },
    },
  });
  // Preload: sandboxed preloads can only require('electron'), so everything else is bundled in, as CommonJS.
  await viteBuild({
    configFile: false,
    root,
    logLevel: 'warn',
    ssr: { noExternal: true },
    build: {
      ssr: 'preload/index.ts',
      outDir: 'out/preload',
      emptyOutDir: true,
      target: 'chrome130',
      rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: 'index.cjs' } },
    },
  });
}

/**
 * Node's ESM face of node:http reads every export, and its lazy getters (WebSocket, fetch's classes) load undici:
 * about 0.1 s of CPU at start-up, for nothing we use. The bundle takes these builtins as plain objects instead,
 * as require() would, with the same named exports (getters left out, so nothing runs them).
 */
function builtinsWithoutEsmFacade(names: readonly string[]): Plugin {
  const PREFIX = '\0builtin-object:';
  return {
    name: 'builtins-without-esm-facade',
    enforce: 'pre',
    resolveId: (id) => (names.includes(id.replace(/^node:/, '')) ? `${PREFIX}${id.replace(/^node:/, '')}` : null),
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const descriptors = Object.getOwnPropertyDescriptors(process.getBuiltinModule(name));
      const values = Object.keys(descriptors).filter((key) => 'value' in descriptors[key]! && /^[A-Za-z_$][\w$]*$/.test(key));
      return [`const m = process.getBuiltinModule('node:${name}');`, 'export default m;', ...values.map((key) => `export const ${key} = m.${key};`)].join('\n');
    },
  };
}

const PLAIN_BUILTINS = ['http', 'https', 'http2'];

/**
 * Web mode's server as one file, out/web/web.js (its own module loading and type stripping cost more CPU than the
 * rest of start-up), with the log writer and thumbnail worker beside it and chunks for what loads later. The chunks sit
 * beside the entry too: a module that finds a file beside itself (import.meta.url) finds it in whichever chunk it lands.
 */
async function buildWeb(): Promise<void> {
  const started = Date.now();
  const staging = join(root, 'out', `.web-${process.pid}`);
  try {
    await viteBuild({
      configFile: false,
      root,
      logLevel: 'warn',
      plugins: [builtinsWithoutEsmFacade(PLAIN_BUILTINS)],
      // npm packages are bundled too, except sharp (native) and pino (its transport worker loads pino's own files).
      ssr: { noExternal: true, external: ['sharp', 'pino'] },
      build: {
        ssr: true,
        outDir: staging,
        emptyOutDir: true,
        target: 'node24',
        rollupOptions: {
          input: Object.fromEntries(Object.entries(WEB_ENTRIES).map(([file, source]) => [file.replace(/\.js$/, ''), source])),
          external: nodeBuiltins.filter((id) => !PLAIN_BUILTINS.includes(id.replace(/^node:/, ''))),
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        },
      },
    });
    writeFileSync(join(staging, WEB_STAMP), JSON.stringify({ builtFrom: started }));
    installBuilt(staging, join(root, 'out', 'web'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The entry points of out/web and their sources. */
const WEB_ENTRIES: Record<string, string> = {
  'web.js': 'main/web.ts',
  'log-writer.js': 'main/log-writer.ts',
  'thumb-worker.js': 'main/photos/thumb-worker.ts',
};

/** Where the web build records the time its sources were read (the bundle is current while no source is newer). */
const WEB_STAMP = 'build.json';

/** A web mode started from an earlier build loads its remaining chunks within seconds; a day later they are garbage. */
const OLD_CHUNK_MS = 24 * 3600_000;

/**
 * Moves a finished build into `target` file by file, each with an atomic rename, the entry points and stamp last:
 * a web mode already running keeps finding the chunks it loads later (their names carry their content's hash).
 */
function installBuilt(staging: string, target: string): void {
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)).map((f) => join(e.name, f)) : [e.name]))
      : [];
  const rank = (file: string): number => (file === WEB_STAMP ? 2 : file in WEB_ENTRIES ? 1 : 0);
  const built = files(staging).sort((a, b) => rank(a) - rank(b));
  for (const file of built) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    renameSync(join(staging, file), join(target, file));
  }
  for (const file of files(target)) {
    const path = join(target, file);
    if (!built.includes(file) && Date.now() - statSync(path).mtimeMs > OLD_CHUNK_MS) rmSync(path, { force: true });
  }
}

if (import.meta.main) {
  const behind = dependenciesBehind();
  if (behind.length) {
    process.stderr.write(`build failed: node_modules is behind package.json (run "npm ci"): ${behind.join(', ')}\n`);
    process.exit(1);
  }
  // vite is loaded only to build: the dependency check above must run even when vite itself is missing.
  const { build } = await import('vite');
  viteBuild = build;
  try {
    await withBuildLock(async () => {
      if (part === 'all' || part === 'renderer') await buildRenderer();
      if (part === 'all' || part === 'electron') await buildElectron();
      if (part === 'all' || part === 'web') await buildWeb();
    });
  } catch (error) {
    // The first line says what failed; the bundler's stack follows for whoever reads on.
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exit(1);
  }
  process.stdout.write(`built: ${part}\n`);
}
