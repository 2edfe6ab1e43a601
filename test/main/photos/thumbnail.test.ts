import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../main/log.ts';
import { checkImage } from '../../../main/photos/image-check.ts';
import { ThumbnailMaker, thumbWorkerFile } from '../../../main/photos/thumb-maker.ts';
import { THUMB_LONG_SIDE } from '../../../main/photos/thumbnail.ts';

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
