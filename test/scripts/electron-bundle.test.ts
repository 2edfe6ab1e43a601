import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { silentLogger } from '../../main/log.ts';
import { ThumbnailMaker, thumbWorkerFile } from '../../main/photos/thumb-maker.ts';

const root = join(import.meta.dirname, '..', '..');
const outMain = join(root, 'out', 'main');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Package names a built file loads at run time: static imports, re-exports and dynamic import() of bare specifiers. */
function packagesImported(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"/gm),
    ...code.matchAll(/^\s*import\s*"([^"]+)"/gm),
    ...code.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]!);
  return [
    ...new Set(
      specifiers
        .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtinModules.includes(s.split('/')[0]!))
        .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)),
    ),
  ];
}

const builtFiles = (): string[] => [
  ...readdirSync(outMain).filter((f) => f.endsWith('.js')),
  ...readdirSync(join(outMain, 'assets')).map((f) => join('assets', f)),
];

describe('the desktop bundle as `npm run build` makes it', () => {
  let maker: ThumbnailMaker | null = null;
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), 'electron'], { cwd: root, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await maker?.close();
  });

  it('main caps the young generation and the growth of the old one before anything else runs (its V8 takes no --js-flags set from inside)', () => {
    // The Electron binary cannot run in CI; main/heap.ts's settings themselves are tested in Node (test/main/heap.test.ts).
    const bundle = readFileSync(join(outMain, 'index.js'), 'utf8');
    for (const call of ['\ncapYoungGeneration();', '\nslowOldGenerationGrowth();']) {
      const at = bundle.indexOf(call);
      expect(at, call).toBeGreaterThan(0);
      expect(at, call).toBeLessThan(bundle.indexOf('protocol.registerSchemesAsPrivileged('));
      expect(at, call).toBeLessThan(bundle.indexOf('app.requestSingleInstanceLock()'));
    }
  });

  it('ships the thumbnail worker and the log writer as files beside main', () => {
    for (const file of ['index.js', 'thumb-worker.js', 'log-writer.js']) expect(existsSync(join(outMain, file)), file).toBe(true);
    // The worker is self-contained: besides Node it loads only sharp, which is unpacked from the asar.
    expect(packagesImported(readFileSync(join(outMain, 'thumb-worker.js'), 'utf8'))).toEqual(['sharp']);
  });

  it('main resolves the worker relative to its own file, in out/ and in an installed app.asar', () => {
    const bundle = readFileSync(join(outMain, 'index.js'), 'utf8');
    // The bundled resolver defaults to the bundle's own URL, so it looks beside out/main/index.js.
    expect(bundle).toMatch(/function thumbWorkerFile\(moduleUrl = import\.meta\.url\)/);
    expect(bundle).toContain('"./thumb-worker.js"');
    expect(thumbWorkerFile(pathToFileURL(join(outMain, 'index.js')).href)).toBe(join(outMain, 'thumb-worker.js'));
  });

  it('the built worker makes a 12-megapixel thumbnail in a worker thread', async () => {
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#cc6633' } })
      .jpeg()
      .toBuffer();
    maker = new ThumbnailMaker(silentLogger, { workerFile: () => join(outMain, 'thumb-worker.js') });
    const thumb = await maker.make(photo, true);
    expect({ width: thumb.width, height: thumb.height }).toEqual({ width: 320, height: 240 });
  });

  it('every package main loads at run time is a production dependency (renderer-only packages are devDependencies)', () => {
    const loaded = new Set(builtFiles().flatMap((f) => packagesImported(readFileSync(join(outMain, f), 'utf8'))));
    loaded.delete('electron');
    expect([...loaded].filter((name) => !(name in manifest.dependencies))).toEqual([]);
    // Bundled by Vite into out/renderer, so they need not ship in node_modules.
    for (const name of ['react', 'react-dom', 'recharts', 'pdfjs-dist', '@tanstack/react-query', 'zustand']) {
      expect(manifest.devDependencies, name).toHaveProperty([name]);
      expect(loaded.has(name), name).toBe(false);
    }
  });

  it('electron-builder packs out/ and unpacks the worker and sharp from the asar', () => {
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { files: string[]; asarUnpack: string[] };
    expect(config.files).toContain('out/**');
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['out/main/thumb-worker.js', 'node_modules/sharp/**', 'node_modules/@img/**']));
  });
});
