import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerMedia } from '../../../main/evidence/media-server.ts';
import { checkImage } from '../../../main/photos/image-check.ts';
import { evidenceWorld, type EvidenceWorld } from './fixtures.ts';

/** A return of our own with small photos (the demo data's 12 MP photos are for the benchmark). */
async function returnWithPhotos(
  world: EvidenceWorld,
  count: number,
  format: 'jpeg' | 'png' = 'jpeg',
): Promise<{ returnId: number; photos: Array<{ itemId: number; imageHash: string }> }> {
  const created = await world.admin.createReturn({
    type: 'RETURN',
    items: [{ photos: count, images: Array.from({ length: count }, (_, i) => ({ format, width: 640 + i * 8, height: 480 })) }],
  });
  await world.sync();
  const detail = world.store.returnDetail(created.id)!;
  const photos = detail.items.flatMap((i) => i.photos.map((p) => ({ itemId: p.returnItemId!, imageHash: p.imageHash })));
  expect(photos).toHaveLength(count);
  return { returnId: created.id, photos };
}

const photoCalls = async (world: EvidenceWorld): Promise<number> => (await world.admin.stats()).byOperation.getReturnPhoto ?? 0;

describe('photo cache against the sandbox', () => {
  let world: EvidenceWorld;
  beforeEach(async () => {
    world = await evidenceWorld({ returns: 20 });
  });
  afterEach(async () => {
    await world.close();
  });

  it('downloads once, stores by sha256 with a thumbnail, and serves the next request from disk', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 2);
    const [photo] = photos;
    const before = await photoCalls(world);
    const first = await world.evidence.photos.ensurePhoto(returnId, photo!.itemId, photo!.imageHash, 'interactive');
    expect(first.state).toBe('cached');
    expect(first.file).toMatchObject({ mime: 'image/jpeg', width: 640, height: 480 });
    const path = world.evidence.media.pathOf(first.file!.sha256, first.file!.mime);
    expect(path.startsWith(`${world.dir}/cache/photos/`)).toBe(true);
    const bytes = readFileSync(path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.file!.sha256);
    // The thumbnail: made once, a JPEG of 320 px on the long side.
    expect(first.thumb).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240 });
    expect(checkImage(readFileSync(world.evidence.media.pathOf(first.thumb!.sha256, 'image/jpeg')), 'image/jpeg')).toMatchObject({ width: 320 });
    expect(await photoCalls(world)).toBe(before + 1);

    const again = await world.evidence.photos.ensurePhoto(returnId, photo!.itemId, photo!.imageHash, 'interactive');
    expect(again.file?.sha256).toBe(first.file!.sha256);
    expect(again.thumb?.sha256).toBe(first.thumb!.sha256);
    expect(await photoCalls(world)).toBe(before + 1);

    const listed = world.evidence.photos.list(returnId).flatMap((i) => i.photos);
    expect(listed.map((p) => p.state).sort()).toEqual(['cached', 'missing']);
    // The log never holds the key.
    expect(world.lines.join('\n')).not.toContain(world.sandbox.apiKey);
  });

  it('serves cached files offline and says why an uncached one is missing', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 2);
    await world.evidence.photos.ensurePhoto(returnId, photos[0]!.itemId, photos[0]!.imageHash, 'interactive');
    await world.admin.setFaults({ type: 'drop' });
    const cached = await world.evidence.photos.ensurePhoto(returnId, photos[0]!.itemId, photos[0]!.imageHash, 'interactive');
    expect(cached.state).toBe('cached');
    const offline = await world.evidence.photos.ensurePhoto(returnId, photos[1]!.itemId, photos[1]!.imageHash, 'interactive');
    expect(offline).toMatchObject({ state: 'failed', problem: 'unavailable' });
    // Back online: the photo is fetched on the next request, not remembered as broken.
    await world.admin.clearFaults();
    const online = await world.evidence.photos.ensurePhoto(returnId, photos[1]!.itemId, photos[1]!.imageHash, 'interactive');
    expect(online.state).toBe('cached');
  });

  it('evicts the least recently used files beyond the size limit', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 4);
    const states = [];
    for (const p of photos) states.push(await world.evidence.photos.ensurePhoto(returnId, p.itemId, p.imageHash, 'interactive', 'none'));
    const sizes = states.map((s) => s.file!.size);
    // Room for about two photos: the first two go, the last two stay.
    world.evidence.media.maxBytes = sizes[2]! + sizes[3]! + 10;
    // Touch the first so that it is the most recent: then the 2nd and 3rd go.
    await new Promise((r) => setTimeout(r, 5));
    world.evidence.media.touch(states[0]!.file!.sha256);
    const gone = world.evidence.media.evict();
    expect(world.evidence.media.totalBytes()).toBeLessThanOrEqual(world.evidence.media.maxBytes);
    expect(gone).not.toContain(states[0]!.file!.sha256);
    expect(gone).toContain(states[1]!.file!.sha256);
    for (const sha of gone) expect(existsSync(world.evidence.media.pathOf(sha, 'image/jpeg'))).toBe(false);
    const listed = world.evidence.photos.list(returnId).flatMap((i) => i.photos);
    expect(listed.filter((p) => p.state === 'missing').length).toBe(gone.length);
  });

  it('prefetches the next returns in the background within the 2-parallel limit', async () => {
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await returnWithPhotos(world, 2, i % 2 ? 'png' : 'jpeg'));
    const queued = world.evidence.photos.prefetch(made.map((m) => m.returnId));
    expect(queued).toBe(8);
    // The operator opens a photo meanwhile: it is served between the prefetch downloads.
    const open = await world.evidence.photos.ensurePhoto(made[3]!.returnId, made[3]!.photos[1]!.itemId, made[3]!.photos[1]!.imageHash, 'interactive', 'none');
    expect(open.state).toBe('cached');
    await world.evidence.photos.prefetchIdle();
    for (const m of made) {
      for (const p of world.evidence.photos.list(m.returnId).flatMap((i) => i.photos)) expect(p.state).toBe('cached');
    }
    const stats = await world.admin.stats();
    expect(stats.maxConcurrentPerKey.apiKey).toBeLessThanOrEqual(2);
    expect(stats.count420).toBe(0);
  });

  it('shows a broken photo with its reason and keeps the rest of the gallery working', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 4);
    await world.admin.setPhotoFault(photos[0]!.imageHash, 'not-an-image');
    await world.admin.setPhotoFault(photos[1]!.imageHash, 'truncated');
    await world.admin.setPhotoFault(photos[2]!.imageHash, 'oversize');
    const results = [];
    for (const p of photos) results.push(await world.evidence.photos.ensurePhoto(returnId, p.itemId, p.imageHash, 'interactive'));
    expect(results.map((r) => r.problem)).toEqual(['not-an-image', 'truncated', 'too-large', null]);
    expect(results[0]!.reason).toMatch(/not a JPEG or PNG/);
    expect(results[1]!.reason).toMatch(/cut short/);
    expect(results[2]!.reason).toMatch(/50 MB/);
    expect(results[3]!.state).toBe('cached');
    // Refused files are not downloaded again on every look.
    const before = await photoCalls(world);
    const listed = world.evidence.photos.list(returnId).flatMap((i) => i.photos);
    expect(listed.map((p) => p.state)).toEqual(['failed', 'failed', 'failed', 'cached']);
    await world.evidence.photos.ensurePhoto(returnId, photos[0]!.itemId, photos[0]!.imageHash, 'interactive');
    expect(await photoCalls(world)).toBe(before);
  });

  it('makes a screen-sized copy (within 2560×1600) of a photo larger than the screen, by the original’s content; a smaller photo is its own', async () => {
    const created = await world.admin.createReturn({
      type: 'RETURN',
      items: [
        {
          photos: 2,
          images: [
            { format: 'jpeg', width: 2800, height: 2100 },
            { format: 'png', width: 800, height: 600 },
          ],
        },
      ],
    });
    await world.sync();
    const [large, small] = world.store.returnDetail(created.id)!.items[0]!.photos.map((p) => ({ itemId: p.returnItemId!, imageHash: p.imageHash }));
    // The filmstrip's answer comes with the thumbnail; the copy is queued behind it, not awaited.
    const listed = await world.evidence.photos.ensurePhoto(created.id, large!.itemId, large!.imageHash, 'interactive', 'await', 'none');
    expect(listed.thumb).not.toBeNull();
    expect(listed.screen).toBeNull();
    const viewed = await world.evidence.photos.ensurePhoto(created.id, large!.itemId, large!.imageHash, 'interactive', 'later', 'viewer');
    // 2800×2100 fits 2560×1600 at 1600 / 2100: 2133×1600, a JPEG; the original stays as it came for zoom and download.
    expect(viewed.screen).toMatchObject({ mime: 'image/jpeg', width: 2133, height: 1600 });
    expect(viewed.file).toMatchObject({ mime: 'image/jpeg', width: 2800, height: 2100 });
    const copyBytes = readFileSync(world.evidence.media.pathOf(viewed.screen!.sha256, 'image/jpeg'));
    expect(checkImage(copyBytes, 'image/jpeg')).toMatchObject({ width: 2133, height: 1600 });
    expect(copyBytes.length).toBeLessThan(viewed.file!.size);
    // Served under its own URL; the photo's URL still serves the original.
    const view = world.evidence.photoView(viewed);
    expect(view.screen!.url).toMatch(/^media\/screen\/[0-9a-f]{64}\?k=/);
    expect(view.screen!.url).not.toBe(view.file!.url);
    const answer = answerMedia(
      world.evidence.media,
      world.evidence.token,
      new URL(view.screen!.url, 'http://x/').pathname,
      new URL(view.screen!.url, 'http://x/').searchParams,
    );
    expect(answer).toMatchObject({ status: 200, headers: { 'Content-Type': 'image/jpeg' } });
    // Listed again (no network, no worker): the copy is known.
    expect(world.evidence.photos.list(created.id)[0]!.photos[0]!.screen?.sha256).toBe(viewed.screen!.sha256);

    // A picture within the box is shown as it is: its screen picture is the original, same URL, nothing made.
    const smallState = await world.evidence.photos.ensurePhoto(created.id, small!.itemId, small!.imageHash, 'interactive', 'none', 'viewer');
    expect(smallState.screen?.sha256).toBe(smallState.file!.sha256);
    const smallView = world.evidence.photoView(smallState);
    expect(smallView.screen!.url).toBe(smallView.file!.url);

    // The copies count in the cache's bound like thumbnails: evicted as least recently used, made again when next viewed.
    world.evidence.media.maxBytes = viewed.file!.size + 10;
    await new Promise((r) => setTimeout(r, 5));
    world.evidence.media.touch(viewed.file!.sha256);
    const gone = world.evidence.media.evict();
    expect(gone).toContain(viewed.screen!.sha256);
    expect(world.evidence.media.totalBytes()).toBeLessThanOrEqual(world.evidence.media.maxBytes);
    expect(world.evidence.photos.state(created.id, large!.itemId, large!.imageHash)).toMatchObject({ state: 'cached', screen: null });
    world.evidence.media.maxBytes = 1024 * 1024 * 1024;
    const again = await world.evidence.photos.ensurePhoto(created.id, large!.itemId, large!.imageHash, 'interactive', 'none', 'viewer');
    expect(again.screen?.sha256).toBe(viewed.screen!.sha256);
  });

  it('a JPEG with damaged data, an empty answer and a PNG the server calls a JPEG: each told in words', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 3);
    await world.admin.setPhotoFault(photos[0]!.imageHash, 'corrupt');
    await world.admin.setPhotoFault(photos[1]!.imageHash, 'empty');
    await world.admin.setPhotoFault(photos[2]!.imageHash, 'png-as-jpeg');
    const [corrupt, empty, png] = photos.map((p) => () => world.evidence.photos.ensurePhoto(returnId, p.itemId, p.imageHash, 'interactive', 'await', 'viewer'));
    // Whole by its markers, so it is kept; the decoder's complaint reaches the operator, and no smoothed copy hides it.
    const damaged = await corrupt!();
    expect(damaged).toMatchObject({ state: 'cached', thumb: null, problem: null });
    expect(damaged.reason).toMatch(/^The photo's data is damaged \(.*Corrupt JPEG data.*\): parts of it may show wrong\. It is shown as the Market sent it\.$/);
    expect(world.evidence.photos.list(returnId)[0]!.photos[0]!.reason).toBe(damaged.reason);
    expect(await empty!()).toMatchObject({
      state: 'failed',
      problem: 'not-an-image',
      reason: 'The Market sent an empty file (0 bytes) instead of the photo.',
    });
    // The bytes decide: a whole PNG is a PNG whatever the Content-Type said, served as image/png, with nothing to warn about.
    const named = await png!();
    expect(named).toMatchObject({ state: 'cached', file: { mime: 'image/png', width: 640, height: 480 }, reason: null });
    expect(named.screen?.sha256).toBe(named.file!.sha256);
  });

  it('serves media URLs only for cached files and only with the launch token', async () => {
    const { returnId, photos } = await returnWithPhotos(world, 1);
    const state = await world.evidence.photos.ensurePhoto(returnId, photos[0]!.itemId, photos[0]!.imageHash, 'interactive', 'none');
    const view = world.evidence.photoView(state);
    const url = new URL(view.file!.url, 'http://127.0.0.1/');
    const media = world.evidence.media;
    const ok = answerMedia(media, world.evidence.token, url.pathname, url.searchParams);
    expect(ok.status).toBe(200);
    expect(ok.headers['Content-Type']).toBe('image/jpeg');
    expect(answerMedia(media, world.evidence.token, url.pathname, new URLSearchParams({ k: 'wrong' })).status).toBe(403);
    expect(answerMedia(media, world.evidence.token, url.pathname, new URLSearchParams()).status).toBe(403);
    expect(answerMedia(media, world.evidence.token, `/media/photo/${'0'.repeat(64)}`, url.searchParams).status).toBe(404);
    expect(answerMedia(media, world.evidence.token, '/media/photo/../../etc/passwd', url.searchParams).status).toBe(400);
    // A photo is not served as a PDF and the other way round.
    expect(answerMedia(media, world.evidence.token, url.pathname.replace('/photo/', '/pdf/'), url.searchParams).status).toBe(404);
    expect(view.file!.url).not.toContain(world.sandbox.apiKey);
  });
});
