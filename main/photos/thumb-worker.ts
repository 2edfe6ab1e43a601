/** Worker thread: makes thumbnails off the main event loop (a 12 MP JPEG takes about a second to decode). */
import { parentPort } from 'node:worker_threads';
import { makeThumbnail } from './thumbnail.ts';

parentPort?.on('message', (job: { id: number; bytes: Uint8Array; mime: string }) => {
  try {
    const thumb = makeThumbnail(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.mime);
    parentPort?.postMessage({ id: job.id, ok: true, data: thumb.data, width: thumb.width, height: thumb.height });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
