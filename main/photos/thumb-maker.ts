/**
 * Runs thumbnail and screen-copy jobs in a worker thread, never on the main thread: one thumbnail and one
 * screen-sized copy at a time, side by side, so a thumbnail never waits behind a copy being made.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { loadSharp, type PictureKind, type Thumbnail } from './thumbnail.ts';

/**
 * Order of the worker's queue: the picture on screen in the viewer, the open return's thumbnails,
 * its screen-sized copies, then prefetch.
 */
export const JOB_PRIORITY = { viewer: 0, thumb: 1, screen: 2, background: 3 } as const;

/**
 * Each kind of picture has its own lane, one job at a time: a screen-sized copy is a full 12 MP decode (~5× a
 * thumbnail's work, a second or more on a busy 2-core machine), and a thumbnail queued behind it waited all of it.
 */
type Lane = PictureKind;

interface Job {
  id: number;
  /** The photo's bytes, or its cached file (read by the worker). */
  input: Buffer | string;
  kind: PictureKind;
  priority: number;
  /** Jobs asked for twice share one run; asked again sooner, the job moves up. */
  key: string | null;
  promise: Promise<Thumbnail>;
  resolve: (thumb: Thumbnail) => void;
  reject: (error: Error) => void;
}

/**
 * The worker's file: the TypeScript source beside this one (Node, web mode, CLI) or the built
 * `thumb-worker.js` beside the Electron bundle, read from app.asar.unpacked (a worker cannot start from inside the archive).
 */
export function thumbWorkerFile(moduleUrl: string = import.meta.url): string | null {
  for (const name of ['./thumb-worker.ts', './thumb-worker.js']) {
    const url = new URL(name, moduleUrl);
    if (url.protocol !== 'file:') continue;
    const path = fileURLToPath(url).replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
    if (existsSync(path)) return path;
  }
  return null;
}

export class ThumbnailMaker {
  readonly #queue: Job[] = [];
  readonly #logger: Logger;
  #worker: Worker | null = null;
  #starting: Promise<Worker> | null = null;
  /** The job running in each lane. */
  readonly #running = new Map<Lane, Job>();
  #nextId = 1;
  #closed = false;
  /** Why thumbnails cannot be made here, once known (sharp did not load, the worker could not start). */
  #problem: string | null = null;

  readonly #workerFile: () => string | null;

  constructor(logger: Logger, options: { workerFile?: () => string | null } = {}) {
    this.#logger = logger;
    this.#workerFile = options.workerFile ?? (() => thumbWorkerFile());
  }

  /** Why no thumbnails are made on this machine, or null while they are. */
  get problem(): string | null {
    return this.#problem;
  }

  /** Queues a thumbnail; urgent jobs (the open return) go ahead of prefetch. */
  make(input: Buffer | string, urgent: boolean): Promise<Thumbnail> {
    return this.picture(input, 'thumb', urgent ? JOB_PRIORITY.thumb : JOB_PRIORITY.background);
  }

  /**
   * Queues a thumbnail or a screen-sized copy at a priority (JOB_PRIORITY); a job with the same key
   * already waiting is not queued twice, and moves up when asked for sooner.
   */
  picture(input: Buffer | string, kind: PictureKind, priority: number, key: string | null = null): Promise<Thumbnail> {
    if (this.#closed) return Promise.reject(new Error('thumbnail maker is closed'));
    if (key !== null) {
      for (const running of this.#running.values()) if (running.key === key) return running.promise;
      const at = this.#queue.findIndex((j) => j.key === key);
      if (at >= 0) {
        const waiting = this.#queue[at]!;
        if (priority < waiting.priority) {
          this.#queue.splice(at, 1);
          waiting.priority = priority;
          this.#enqueue(waiting);
        }
        return waiting.promise;
      }
    }
    let resolve!: (thumb: Thumbnail) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Thumbnail>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#enqueue({ id: this.#nextId++, input, kind, priority, key, promise, resolve, reject });
    this.#pump();
    return promise;
  }

  /** After every job of the same or a sooner priority: first asked, first made within a priority. */
  #enqueue(job: Job): void {
    const later = this.#queue.findIndex((j) => j.priority > job.priority);
    if (later === -1) this.#queue.push(job);
    else this.#queue.splice(later, 0, job);
  }

  /** sharp is loaded on the main thread first: on glibc Linux its libraries must outlive every worker. */
  #ensureWorker(): Promise<Worker> {
    if (this.#worker) return Promise.resolve(this.#worker);
    this.#starting ??= (async () => {
      await loadSharp();
      const file = this.#workerFile();
      if (!file) throw new Error('the thumbnail worker (thumb-worker) is missing from this installation');
      const worker = new Worker(file);
      worker.unref();
      worker.on('message', (msg: { id: number; ok: boolean; data?: Uint8Array; width?: number; height?: number; damaged?: string; message?: string }) => {
        const job = [...this.#running.values()].find((j) => j.id === msg.id);
        if (!job) return;
        this.#running.delete(job.kind);
        if (msg.ok && msg.data)
          job.resolve({ data: Buffer.from(msg.data), width: msg.width ?? 0, height: msg.height ?? 0, ...(msg.damaged ? { damaged: msg.damaged } : {}) });
        else job.reject(new Error(msg.message ?? 'thumbnail failed'));
        this.#pump();
      });
      worker.on('error', (error) => {
        this.#logger.warn('thumbnail worker failed; starting a new one for the next photo', { error: error.message });
        this.#worker = null;
        this.#starting = null;
        const lost = [...this.#running.values()];
        this.#running.clear();
        for (const job of lost) job.reject(new Error(`the thumbnail worker stopped: ${error.message}`));
        this.#pump();
      });
      this.#worker = worker;
      return worker;
    })();
    return this.#starting;
  }

  /** Starts the first queued job of each idle lane. */
  #pump(): void {
    if (this.#closed) return;
    for (const lane of ['thumb', 'screen'] as const) {
      if (this.#running.has(lane)) continue;
      const at = this.#queue.findIndex((j) => j.kind === lane);
      if (at >= 0) this.#start(this.#queue.splice(at, 1)[0]!);
    }
  }

  #start(job: Job): void {
    this.#running.set(job.kind, job);
    this.#ensureWorker().then(
      (worker) => {
        worker.ref();
        worker.postMessage(typeof job.input === 'string' ? { id: job.id, path: job.input, kind: job.kind } : { id: job.id, bytes: job.input, kind: job.kind });
      },
      (error: unknown) => {
        const message = `No thumbnails: ${error instanceof Error ? error.message : String(error)}`;
        if (this.#problem !== message) this.#logger.error('thumbnails cannot be made', { error: message });
        this.#problem = message;
        // Nothing will start on this machine: every waiting photo is told why.
        this.#running.delete(job.kind);
        for (const waiting of [job, ...this.#queue.splice(0)]) waiting.reject(new Error(message));
      },
    );
  }

  /**
   * Loads sharp and starts the worker before the first photo needs it (the app calls this once its
   * first screen is up); a failure is kept and told to the first photo, as without warming.
   */
  warm(): void {
    if (this.#closed) return;
    this.#ensureWorker().catch(() => undefined);
  }

  /** Unreferences the worker when idle so it never keeps the process alive. */
  idle(): void {
    if (this.#running.size === 0 && this.#queue.length === 0) this.#worker?.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('closed'));
    for (const job of this.#running.values()) job.reject(new Error('closed'));
    this.#running.clear();
    const worker = this.#worker ?? (await this.#starting?.catch(() => null)) ?? null;
    this.#worker = null;
    if (worker) await worker.terminate();
  }
}
