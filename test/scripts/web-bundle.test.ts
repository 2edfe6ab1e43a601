import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboxRow } from '../../preload/contract.ts';
import { npmRunWeb, WEB_SOURCES, webBundleCurrent } from '../../scripts/web.js';
import { openBridge } from '../helpers/bridge-socket.ts';
import { startWebProcess, type WebProcess } from '../helpers/web-process.ts';
import { youngGenerationProbe } from '../helpers/young-generation.ts';
import { YOUNG_GENERATION_CAP_MIB } from '../../main/heap.ts';

const root = join(import.meta.dirname, '..', '..');
const outWeb = join(root, 'out', 'web');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout whose sources were last written at `sourcesAt` and whose web build began at `builtFrom` (null: none). */
function checkout(sourcesAt: number, builtFrom: number | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'rd-web-bundle-'));
  dirs.push(dir);
  for (const file of ['main/web.ts', 'main/store/store.ts', 'preload/contract.ts', 'package.json', 'node_modules/.package-lock.json']) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '{}');
    utimesSync(join(dir, file), sourcesAt / 1000, sourcesAt / 1000);
  }
  if (builtFrom !== null) {
    mkdirSync(join(dir, 'out', 'web'), { recursive: true });
    writeFileSync(join(dir, 'out', 'web', 'build.json'), JSON.stringify({ builtFrom }));
  }
  return dir;
}

describe('web mode runs its bundle only while the bundle is current', () => {
  const hour = 3600_000;
  const now = Date.now();

  it('is current when every source is older than the build', () => {
    expect(webBundleCurrent(checkout(now - 2 * hour, now - hour))).toBe(true);
  });

  it('is stale when a source changed after the build began, or when there is no finished build', () => {
    expect(webBundleCurrent(checkout(now - hour, now - 2 * hour))).toBe(false);
    expect(webBundleCurrent(checkout(now - 2 * hour, null))).toBe(false);
    const touched = checkout(now - 2 * hour, now - hour);
    utimesSync(join(touched, 'main', 'store', 'store.ts'), now / 1000, now / 1000);
    expect(webBundleCurrent(touched)).toBe(false);
  });

  it('counts a reinstalled node_modules as a change (the bundle carries the npm packages)', () => {
    const dir = checkout(now - 2 * hour, now - hour);
    utimesSync(join(dir, 'node_modules', '.package-lock.json'), now / 1000, now / 1000);
    expect(webBundleCurrent(dir)).toBe(false);
    expect(WEB_SOURCES).toEqual(expect.arrayContaining(['main', 'preload', 'locales', 'sandbox', 'node_modules/.package-lock.json']));
  });

  it('`npm run web` is the launcher, which the bench and the tests start too', () => {
    expect(npmRunWeb()).toEqual([join(root, 'scripts', 'web.js')]);
  });
});

describe('web mode as `npm run build` makes it', () => {
  let web: WebProcess | undefined;
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), 'web'], { cwd: root, encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await web?.stop();
  });

  /** The files of the current build: the entry points and every chunk they load, transitively (older chunks stay a day). */
  const builtFiles = (): string[] => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/"(\.{1,2}\/[^"]+\.js)"/g)) visit(join(dirname(file), m[1]!));
    };
    for (const entry of ['web.js', 'log-writer.js', 'thumb-worker.js']) visit(join(outWeb, entry));
    return [...seen];
  };

  it('is one file with the log writer and the thumbnail worker beside it; only sharp and pino load from node_modules', () => {
    expect(readdirSync(outWeb)).toEqual(expect.arrayContaining(['web.js', 'log-writer.js', 'thumb-worker.js', 'build.json']));
    expect(webBundleCurrent()).toBe(true);
    const packages = new Set(
      builtFiles()
        .flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/(?:^import\b[^;"]*?\bfrom\s*|\bimport\(\s*|\brequire\(\s*)"([^".\s][^"\s]*)"/gm)].map((m) => m[1]!),
        )
        .filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier.split('/')[0]!))
        .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!)),
    );
    expect([...packages].sort()).toEqual(['pino', 'sharp']);
  });

  it('takes node:http as a plain object: its ESM face would load undici at start-up', () => {
    const entry = readFileSync(join(outWeb, 'web.js'), 'utf8');
    expect(entry).not.toMatch(/^import[^;]*from\s*"(?:node:)?https?2?";/m);
    expect(entry).toContain('process.getBuiltinModule("node:http")');
  });

  it('loads the HTTP client of the Market only with the first request, from a chunk', () => {
    const entry = readFileSync(join(outWeb, 'web.js'), 'utf8');
    expect(entry).not.toContain('node_modules/axios/');
    expect(builtFiles().some((file) => readFileSync(file, 'utf8').includes('node_modules/axios/'))).toBe(true);
  });

  it('starts from the bundle, serves the first page, then syncs with the Market', async () => {
    web = await startWebProcess({ RETURNDESK_API_KEY: '', RETURNDESK_BASE_URL: '' });
    const bridge = await openBridge(web.url);
    try {
      const info = await bridge.call<{ mode: string }>('app.info');
      expect(info.ok && info.value.mode).toBe('demo');
      // Demo mode's sandbox (a chunk) answers, and sync (axios, another chunk) fills the inbox.
      await expect
        .poll(
          async () => {
            const page = await bridge.call<{ rows: InboxRow[] }>('returns.list', { filter: {}, offset: 0, limit: 50 });
            return page.ok ? page.value.rows.length : -1;
          },
          { timeout: 60_000 },
        )
        .toBeGreaterThan(0);
    } finally {
      bridge.close();
    }
    expect(web.output()).not.toMatch(/building it|could not start/);
    // V8's compiled code of the services, written once the first page was served: the next start reads it.
    expect(readdirSync(join(web.dataDir, 'cache', 'compile'), { recursive: true }).length).toBeGreaterThan(0);
  }, 120_000);

  it('runs with the young generation capped (main/heap.ts): V8 alone grows it to 128 MiB during a sync', async () => {
    const probe = youngGenerationProbe();
    const capped = await startWebProcess({ RETURNDESK_API_KEY: '', RETURNDESK_BASE_URL: '', ...probe.env });
    try {
      // The URL is printed before the services load (their start is one long task the cap cannot act inside): an answer
      // over the socket says they are up. The page is opened first, so background work waits for its first inbox page
      // and the probe's garbage is the only work (the demo sync's start is more long tasks).
      expect((await fetch(new URL('/', capped.url))).status).toBe(200);
      const bridge = await openBridge(capped.url);
      expect((await bridge.call('app.info')).ok).toBe(true);
      bridge.close();
      // A few growth steps past the cap at most under load (V8 grows within a task; the cap's check runs after a
      // collection): 27 MiB seen at load ~20 in CI, against 128 MiB uncapped.
      expect(await probe.measure(capped.pid)).toBeLessThanOrEqual(6 * YOUNG_GENERATION_CAP_MIB);
    } finally {
      await capped.stop();
    }
  }, 120_000);
});
