// Photos benchmark: time to show a cached photo (main's side: cache lookup, media answer, bytes read),
// a 12-megapixel JPEG's first download and its thumbnail, and — from the Playwright run of
// test/e2e/evidence-photos.spec.ts — the 12 MP photo in the viewer from click to decode().
// Run: ./node_modules/.bin/node bench/photos.ts
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Evidence } from '../main/evidence/evidence.ts';
import type { PhotoState } from '../main/photos/photo-cache.ts';
import { answerMedia } from '../main/evidence/media-server.ts';
import { silentLogger } from '../main/log.ts';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import type { MarketSession } from '../main/composition.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import { sandboxAdmin } from '../sandbox/admin-client.ts';
import { startSandbox } from '../sandbox/index.ts';
import { failed, limit, printFigures, reference, round, type Figure } from './figures.ts';
import { ThumbnailMaker } from '../main/photos/thumb-maker.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runPhotosBench(): Promise<{ figures: Figure[] }> {
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: 10 });
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-photos-'));
  const store = openStore(storePath(dir));
  const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
  const sync = new SyncEngine({ client, store, logger: silentLogger });
  const session = { endpoint: { mode: 'live', baseUrl: sandbox.url, apiKey: sandbox.apiKey, close: async () => {} }, client, sync } as unknown as MarketSession;
  const evidence = new Evidence({ store, session: () => session, dataDir: dir, logger: silentLogger, audit: () => [], disputes: () => [] });
  const thumbs = new ThumbnailMaker(silentLogger);
  try {
    const admin = sandboxAdmin(sandbox.url);
    const created = await admin.createReturn({
      type: 'RETURN',
      items: [
        {
          photos: 2,
          images: [
            { format: 'jpeg', width: 1600, height: 1200 },
            { format: 'jpeg', width: 4000, height: 3000 },
          ],
        },
      ],
    });
    await sync.syncNow({ priority: 'interactive' });
    const photos = store.returnDetail(created.id)!.items[0]!.photos;
    const specs = await Promise.all(photos.map(async (p) => ({ itemId: p.returnItemId!, imageHash: p.imageHash })));
    // Warm the sandbox's own image cache so the download figure is ours, not the generator's.
    for (const p of specs) await client.getReturnPhoto(store.getReturn(created.id)!.campaignId, created.orderId, created.id, p.itemId, p.imageHash);

    const firstTimes: number[] = [];
    const states: PhotoState[] = [];
    for (const p of specs) {
      const t0 = performance.now();
      states.push(await evidence.photos.ensurePhoto(created.id, p.itemId, p.imageHash, 'interactive', 'none'));
      firstTimes.push(performance.now() - t0);
    }
    const big = states.find((s) => s.file?.width === 4000)!;
    const t1 = performance.now();
    await evidence.photos.ensurePhoto(created.id, big.itemId!, big.imageHash, 'interactive', 'await');
    const thumbMs = performance.now() - t1;
    // Five more 12 MP photos, each thumbnail made from scratch, while the loop's delay is sampled.
    const moreThumbs: number[] = [];
    const thumbLoop = monitorEventLoopDelay({ resolution: 10 });
    thumbLoop.enable();
    const bytes = readFileSync(evidence.media.pathOf(big.file!.sha256, big.file!.mime));
    await thumbs.make(bytes, true); // starts the worker: the first figure above includes that start
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await thumbs.make(bytes, true);
      moreThumbs.push(performance.now() - t0);
    }
    thumbLoop.disable();

    // A cached photo shown: what photos.fetch and the media URL cost in main, 30 times.
    const cachedTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const p = specs[i % specs.length]!;
      const t0 = performance.now();
      const state = await evidence.photos.ensurePhoto(created.id, p.itemId, p.imageHash, 'interactive', 'later');
      const url = new URL(evidence.photoView(state).file!.url, 'http://127.0.0.1/');
      const answer = answerMedia(evidence.media, evidence.token, url.pathname, url.searchParams);
      if (answer.status !== 200) throw new Error(`media answer ${answer.status}`);
      readFileSync(answer.path);
      cachedTimes.push(performance.now() - t0);
    }
    const figures: Figure[] = [
      limit(
        'cached photo: photos.fetch + media answer + bytes (median of 30)',
        round(median(cachedTimes), 1),
        'ms',
        50,
        'README: a cached photo shows ≤ 50 ms',
      ),
      reference(
        '12 MP JPEG first download + check + store (loopback)',
        Math.round(firstTimes[specs.findIndex((_, i) => states[i] === big)] ?? firstTimes[1]!),
        'ms',
      ),
      reference('12 MP JPEG to thumbnail, first of the session (loads sharp, starts the worker)', Math.round(thumbMs), 'ms'),
      limit(
        '12 MP JPEG to thumbnail (sharp in the worker thread, as shipped), median of 5',
        Math.round(median(moreThumbs)),
        'ms',
        150,
        'README: a thumbnail ≤ 150 ms',
      ),
      limit(
        'event-loop delay p99 while thumbnails are made',
        round(thumbLoop.percentile(99) / 1e6, 1),
        'ms',
        50,
        'README: the UI process never stalls > 50 ms',
      ),
    ];
    const e2e = join(import.meta.dirname, '..', 'test-results', 'photos-viewer.json');
    if (existsSync(e2e)) {
      const viewer = JSON.parse(readFileSync(e2e, 'utf8')) as { openTwelveMegapixelMs: number; at: string };
      figures.push(
        limit(
          `12 MP photo in the viewer, click → decode() (Playwright run of ${viewer.at})`,
          viewer.openTwelveMegapixelMs,
          'ms',
          300,
          'README: the viewer shows a 12 MP photo ≤ 300 ms',
        ),
      );
    } else {
      figures.push(failed('12 MP photo in the viewer, click → decode()', 'the Playwright run of test/e2e/evidence-photos.spec.ts wrote no figure'));
    }
    return { figures };
  } finally {
    await sync.stop();
    await evidence.close();
    await thumbs.close();
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { figures } = await runPhotosBench();
  printFigures('Photos', figures);
}
