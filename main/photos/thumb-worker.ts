/** Worker thread: makes thumbnails and screen-sized copies off the main event loop, as ThumbnailMaker sends them (one per lane). */
import { parentPort } from 'node:worker_threads';
import { loadSharp, makePicture, type PictureKind } from './thumbnail.ts';

// sharp loads as the worker starts, not with the first photo; a failure is told to that photo.
loadSharp().catch(() => undefined);

parentPort?.on('message', (job: { id: number; bytes?: Uint8Array; path?: string; kind?: PictureKind }) => {
  // A cached photo is read here, by path: main never holds the bytes of queued photos.
  const input = job.path ?? Buffer.from(job.bytes!.buffer, job.bytes!.byteOffset, job.bytes!.byteLength);
  makePicture(input, job.kind ?? 'thumb').then(
    (thumb) => parentPort?.postMessage({ id: job.id, ok: true, data: thumb.data, width: thumb.width, height: thumb.height, damaged: thumb.damaged }),
    (error: unknown) => parentPort?.postMessage({ id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
