import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../main/log.ts';
import { checkImage } from '../../../main/photos/image-check.ts';
import { JOB_PRIORITY, ThumbnailMaker, thumbWorkerFile } from '../../../main/photos/thumb-maker.ts';
import { SCREEN_BOX, THUMB_LONG_SIDE } from '../../../main/photos/thumbnail.ts';

const makers: ThumbnailMaker[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const maker of makers.splice(0)) await maker.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const maker = (options?: ConstructorParameters<typeof ThumbnailMaker>[1]): ThumbnailMaker => {
  const m = new ThumbnailMaker(silentLogger, options);
  makers.push(m);
  return m;
};

describe('thumbnails through sharp in a worker thread', () => {
  it('shrinks a 12-megapixel JPEG to 320 px on the long side, as a JPEG', async () => {
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toBuffer();
    const thumb = await maker().make(photo, true);
    expect({ width: thumb.width, height: thumb.height }).toEqual({ width: THUMB_LONG_SIDE, height: 240 });
    expect(checkImage(thumb.data, 'image/jpeg')).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240 });
  });

  it('makes the screen-sized copy within 2560×1600 from the cached file: 4:3 landscape 2133×1600, portrait 1200×1600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-screen-'));
    dirs.push(dir);
    const m = maker();
    for (const [w, h, expected] of [
      [4000, 3000, { width: 2133, height: 1600 }],
      [3000, 4000, { width: 1200, height: 1600 }],
      [5120, 1600, { width: 2560, height: 800 }],
    ] as const) {
      const path = join(dir, `${w}x${h}.jpg`);
      writeFileSync(
        path,
        await sharp({ create: { width: w, height: h, channels: 3, background: '#3366cc' } })
          .jpeg()
          .toBuffer(),
      );
      const copy = await m.picture(path, 'screen', JOB_PRIORITY.viewer);
      expect({ width: copy.width, height: copy.height }).toEqual(expected);
      expect(copy.width).toBeLessThanOrEqual(SCREEN_BOX.width);
      expect(checkImage(copy.data, 'image/jpeg')).toMatchObject({ mime: 'image/jpeg', ...expected });
    }
  });

  it('a phone photo turned by its EXIF orientation is sized as shown, like its thumbnail and copy (both orientations, both byte orders)', async () => {
    const m = maker();
    for (const orientation of [1, 3, 6, 8]) {
      // 4000×3000 pixels stored; orientation 6 or 8 shows them 3000×4000 (a portrait shot).
      const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#3366cc' } })
        .jpeg()
        .withMetadata({ orientation })
        .toBuffer();
      const shown = orientation >= 5 ? { width: 3000, height: 4000 } : { width: 4000, height: 3000 };
      expect(checkImage(photo, 'image/jpeg'), `orientation ${orientation}`).toMatchObject(shown);
      const thumb = await m.make(photo, true);
      expect(thumb.width / thumb.height, `orientation ${orientation}`).toBeCloseTo(shown.width / shown.height, 2);
    }
    // Big-endian ("MM") EXIF, as many cameras write it: orientation 6 at IFD0's first entry.
    const tiff = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 2 + 6 + tiff.length]), Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const plain = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();
    const turned = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
    expect(checkImage(turned, 'image/jpeg')).toMatchObject({ width: 20, height: 40 });
  });

  it('the viewer’s picture goes ahead of queued copies, and a job asked for twice runs once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-queue-'));
    dirs.push(dir);
    const m = maker();
    const path = join(dir, 'photo.jpg');
    writeFileSync(
      path,
      await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#884422' } })
        .jpeg()
        .toBuffer(),
    );
    const done: string[] = [];
    const track = (name: string, job: Promise<unknown>) => job.then(() => done.push(name));
    // The first job starts the worker; the other copies wait behind it in their lane.
    const jobs = [
      track('background-1', m.picture(path, 'screen', JOB_PRIORITY.background, 'b1')),
      track('background-2', m.picture(path, 'screen', JOB_PRIORITY.background, 'b2')),
      track('background-3', m.picture(path, 'screen', JOB_PRIORITY.background, 'b3')),
    ];
    const again = m.picture(path, 'screen', JOB_PRIORITY.viewer, 'b3');
    jobs.push(track('viewer', again));
    await Promise.all(jobs);
    // background-1 was already running; b3 asked for by the viewer moved ahead of b2 and ran once for both askers.
    expect(done).toEqual(['background-1', 'background-3', 'viewer', 'background-2']);
  });

  it('a thumbnail asked while a screen-sized copy is being made is made beside it, not after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-lanes-'));
    dirs.push(dir);
    const m = maker();
    // Warm: the worker is up, so the copy below starts at once.
    await m.make(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
      true,
    );
    const big = join(dir, 'big.jpg');
    writeFileSync(
      big,
      await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#884422' } })
        .jpeg()
        .toBuffer(),
    );
    const small = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toBuffer();
    const done: string[] = [];
    const copy = m.picture(big, 'screen', JOB_PRIORITY.background, 'copy').then(() => done.push('copy'));
    const thumb = m.make(small, true).then((t) => done.push(`thumb ${t.width}×${t.height}`));
    await Promise.all([copy, thumb]);
    // One lane would make the 12 MP copy (a full decode) first; the thumbnail's lane has it done long before.
    expect(done).toEqual(['thumb 320×240', 'copy']);
  });

  it('puts a transparent PNG over white and never enlarges a small picture', async () => {
    const png = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const thumb = await maker().make(png, false);
    expect({ width: thumb.width, height: thumb.height }).toEqual({ width: 40, height: 20 });
    const { data } = await sharp(thumb.data).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(245);
  });

  it('refuses bytes that are not a picture with the decoder’s reason, and keeps working', async () => {
    const m = maker();
    await expect(m.make(Buffer.from('not a picture at all'), true)).rejects.toThrow(/unsupported image format|Input buffer/i);
    const ok = await m.make(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
      true,
    );
    expect(ok.width).toBe(8);
    expect(m.problem).toBeNull();
  });

  it('makes the thumbnail off the main thread: the event loop keeps turning during a 12 MP decode', async () => {
    expect(isMainThread).toBe(true);
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#884422' } })
      .jpeg()
      .toBuffer();
    const m = maker();
    await m.make(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
      true,
    );
    let turns = 0;
    let spinning = true;
    const spin = (): void => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    await m.make(photo, true);
    spinning = false;
    expect(turns).toBeGreaterThan(2);
  });

  it('warmed at start-up, the worker is already running when the first photo comes, and is not started twice', async () => {
    let started = 0;
    const m = maker({
      workerFile: () => {
        started++;
        return thumbWorkerFile();
      },
    });
    m.warm();
    await vi.waitFor(() => expect(started).toBe(1));
    const thumb = await m.make(
      await sharp({ create: { width: 64, height: 32, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
      true,
    );
    expect({ width: thumb.width, height: thumb.height, started }).toEqual({ width: 64, height: 32, started: 1 });
  });

  it('warming a maker with no worker file keeps the reason for the first photo', async () => {
    const m = maker({ workerFile: () => null });
    m.warm();
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expect(m.make(photo, true)).rejects.toThrow('No thumbnails: the thumbnail worker (thumb-worker) is missing from this installation');
  });

  it('without its worker file says so for every waiting photo, instead of making one on the main thread', async () => {
    const m = maker({ workerFile: () => null });
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const results = await Promise.allSettled([m.make(photo, true), m.make(photo, false)]);
    for (const r of results)
      expect(r).toMatchObject({
        status: 'rejected',
        reason: { message: 'No thumbnails: the thumbnail worker (thumb-worker) is missing from this installation' },
      });
    expect(m.problem).toBe('No thumbnails: the thumbnail worker (thumb-worker) is missing from this installation');
  });

  it('finds the source worker in Node and the unpacked bundle worker in the packaged app', () => {
    expect(thumbWorkerFile()).toMatch(/main[\\/]photos[\\/]thumb-worker\.ts$/);
    const dir = mkdtempSync(join(tmpdir(), 'rd-thumb-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'app.asar.unpacked', 'out', 'main'), { recursive: true });
    writeFileSync(join(dir, 'app.asar.unpacked', 'out', 'main', 'thumb-worker.js'), '');
    const bundle = pathToFileURL(join(dir, 'app.asar', 'out', 'main', 'index.js')).href;
    expect(thumbWorkerFile(bundle)).toBe(join(dir, 'app.asar.unpacked', 'out', 'main', 'thumb-worker.js'));
    expect(thumbWorkerFile(pathToFileURL(join(dir, 'elsewhere', 'index.js')).href)).toBeNull();
  });
});
