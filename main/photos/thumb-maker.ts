/** Runs thumbnail jobs one at a time in a worker thread (what the operator opened first), in-process where no worker can start. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { makeThumbnail, type Thumbnail } from './thumbnail.ts';

interface Job {
  id: number;
  bytes: Buffer;
  mime: string;
  urgent: boolean;
  resolve: (thumb: Thumbnail) => void;
  reject: (error: Error) => void;
}

export class ThumbnailMaker {
  readonly #queue: Job[] = [];
  readonly #logger: Logger;
  #worker: Worker | null = null;
  #workerBroken = false;
  #running: Job | null = null;
  #nextId = 1;
  #closed = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Queues a thumbnail; urgent jobs (the open return) go ahead of prefetch. */
  make(bytes: Buffer, mime: string, urgent: boolean): Promise<Thumbnail> {
    if (this.#closed) return Promise.reject(new Error('thumbnail maker is closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.#nextId++, bytes, mime, urgent, resolve, reject };
      if (urgent) {
        const firstLazy = this.#queue.findIndex((j) => !j.urgent);
        if (firstLazy === -1) this.#queue.push(job);
        else this.#queue.splice(firstLazy, 0, job);
      } else this.#queue.push(job);
      this.#pump();
    });
  }

  #ensureWorker(): Worker | null {
    if (this.#worker || this.#workerBroken) return this.#worker;
    const url = new URL('./thumb-worker.ts', import.meta.url);
    // In the Electron bundle the worker's source is not beside main: decode in-process there.
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) {
      this.#workerBroken = true;
      return null;
    }
    try {
      const worker = new Worker(url);
      worker.unref();
      worker.on('message', (msg: { id: number; ok: boolean; data?: Uint8Array; width?: number; height?: number; message?: string }) => {
        const job = this.#running;
        if (!job || job.id !== msg.id) return;
        this.#running = null;
        if (msg.ok && msg.data) job.resolve({ data: Buffer.from(msg.data), width: msg.width ?? 0, height: msg.height ?? 0 });
        else job.reject(new Error(msg.message ?? 'thumbnail failed'));
        this.#pump();
      });
      worker.on('error', (error) => {
        this.#logger.warn('thumbnail worker failed; making thumbnails in-process', { error: error.message });
        this.#workerBroken = true;
        this.#worker = null;
        const job = this.#running;
        this.#running = null;
        if (job) this.#queue.unshift(job);
        this.#pump();
      });
      this.#worker = worker;
    } catch (error) {
      this.#logger.warn('thumbnail worker unavailable; making thumbnails in-process', { error: (error as Error).message });
      this.#workerBroken = true;
    }
    return this.#worker;
  }

  #pump(): void {
    if (this.#running || this.#queue.length === 0) return;
    const job = this.#queue.shift()!;
    this.#running = job;
    const worker = this.#ensureWorker();
    if (worker) {
      worker.ref();
      worker.postMessage({ id: job.id, bytes: job.bytes, mime: job.mime });
      return;
    }
    // In-process: yield first so the caller's response goes out before the decode blocks.
    setImmediate(() => {
      try {
        job.resolve(makeThumbnail(job.bytes, job.mime));
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
      this.#running = null;
      this.#pump();
    });
  }

  /** Unreferences the worker when idle so it never keeps the process alive. */
  idle(): void {
    if (!this.#running && this.#queue.length === 0) this.#worker?.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('closed'));
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
  }
}
