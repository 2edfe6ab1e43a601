/** Worker thread: makes thumbnails off the main event loop, one job at a time. */
import { parentPort } from 'node:worker_threads';
import { loadSharp, makeThumbnail } from './thumbnail.ts';

// sharp loads as the worker starts, not with the first photo; a failure is told to that photo.
loadSharp().catch(() => undefined);

parentPort?.on('message', (job: { id: number; bytes: Uint8Array }) => {
  makeThumbnail(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength)).then(
    (thumb) => parentPort?.postMessage({ id: job.id, ok: true, data: thumb.data, width: thumb.width, height: thumb.height }),
    (error: unknown) => parentPort?.postMessage({ id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});
