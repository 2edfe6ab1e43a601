/**
 * Builds the bundles: the renderer (served by web mode and by Electron), and the Electron main and
 * preload. `node scripts/build.ts [renderer|electron]` builds one part; no argument builds all.
 * One build of a checkout runs at a time (web mode, the bench and `npm run build` may start together,
 * and each empties the folder it writes), and a dependency missing from node_modules is named at once.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { InlineConfig } from 'vite';

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
    });
  } catch (error) {
    // The first line says what failed; the bundler's stack follows for whoever reads on.
    process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`);
    process.exit(1);
  }
  process.stdout.write(`built: ${part}\n`);
}
