import { Worker } from 'node:worker_threads';

/** How often the worker moves committed WAL frames into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1_000;

// The worker's own connection checkpoints PASSIVE (never waits for the app's writer or readers); the
// code is inline so every bundle (Electron, web, CLI) starts it without shipping a file beside it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const run = (id) => {
  try {
    const r = checkpoint.get();
    if (id !== undefined) parentPort.postMessage({ id, ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String((error && error.message) || error) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'number') return run(m);
  if (m === 'close') {
    clearInterval(timer);
    try { db.close(); } catch {}
    parentPort.close();
  }
});
`;

export interface CheckpointReport {
  ok: boolean;
  /** Frames in the WAL and how many of them are now in the database file (PRAGMA wal_checkpoint). */
  log?: number;
  checkpointed?: number;
  message?: string;
}

/**
 * Checkpoints the WAL on a worker thread with its own connection, so the copy into the database file
 * and its fsyncs never run on the thread that serves the UI. The app's connection turns its own
 * automatic checkpoints off while this runs and back on if the worker fails.
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  #closed = false;
  readonly #waiting = new Map<number, (report: CheckpointReport) => void>();
  #nextId = 1;

  constructor(path: string, onFailure: (why: string) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    // A failed worker (it could not open the file) answers nobody: every waiting caller hears why.
    const fail = (why: string): void => {
      for (const resolve of this.#waiting.values()) resolve({ ok: false, message: why });
      this.#waiting.clear();
      if (!this.#closed) onFailure(why);
    };
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs } });
    this.#worker.unref();
    this.#worker.on('message', (m: CheckpointReport & { id?: number }) => {
      const resolve = m.id === undefined ? undefined : this.#waiting.get(m.id);
      if (resolve) {
        this.#waiting.delete(m.id!);
        resolve(m);
      }
    });
    this.#worker.on('error', (error) => fail(error.message));
    this.#worker.on('exit', (code) => fail(`the checkpoint worker exited with code ${code}`));
  }

  /** Checkpoints now and gives the worker's answer (for tests and the bench). */
  now(): Promise<CheckpointReport> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage(id);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage('close');
  }
}
