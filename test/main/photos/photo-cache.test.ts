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
