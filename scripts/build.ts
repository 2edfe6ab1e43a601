/**
 * Builds the bundles: the renderer (served by web mode and by Electron), and the Electron main and
 * preload. `node scripts/build.ts [renderer|electron]` builds one part; no argument builds all.
 */
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'vite';

const root = join(import.meta.dirname, '..');
const part = process.argv[2] ?? 'all';
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

async function buildRenderer(): Promise<void> {
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

async function buildElectron(): Promise<void> {
  // Main: ESM on Electron's Node; npm dependencies stay external (electron-builder ships them).
  await build({
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
  await build({
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
  await build({
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

if (part === 'all' || part === 'renderer') await buildRenderer();
if (part === 'all' || part === 'electron') await buildElectron();
process.stdout.write(`built: ${part}\n`);
