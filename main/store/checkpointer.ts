import { Worker } from 'node:worker_threads';

/** How often the worker moves committed WAL frames into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * Past this size the worker restarts the WAL itself. A PASSIVE checkpoint never blocks the app, but while the
 * app commits during every checkpoint it never sees the WAL fully copied, so the WAL never starts over and grows.
 */
export const WAL_RESTART_BYTES = 16 * 1024 * 1024;

/** How long the restart may wait for the app's write or a reader to finish: the app's next write waits at most this. */
const RESTART_WAIT_MS = 100;

/** The size the WAL file is cut back to once it starts over (what SQLite's own checkpoints of 1,000 pages leave). */
export const WAL_KEPT_BYTES = 4 * 1024 * 1024;

// The worker's own connection checkpoints PASSIVE (never waits for the app's writer or readers); past the size
// it checkpoints TRUNCATE, which holds the app's next write for the few frames committed since the PASSIVE one.
// The code is inline so every bundle (Electron, web, CLI) starts it without shipping a file beside it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 0');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
const pageSize = Number(db.prepare('PRAGMA page_size').get().page_size);
const restartFrames = Math.max(1, Math.floor(workerData.restartBytes / (pageSize + 24)));
const run = (id) => {
  try {
    let r = passive.get();
    let restarted = false;
    if (r.log >= restartFrames) {
      db.exec('PRAGMA busy_timeout = ' + workerData.restartWaitMs);
      try {
        const t = truncate.get();
        if (t.busy === 0) { r = t; restarted = true; }
      } finally {
        db.exec('PRAGMA busy_timeout = 0');
      }
    }
    if (id !== undefined) parentPort.postMessage({ id, ok: true, log: r.log, checkpointed: r.checkpointed, restarted });
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
  /** Whether the WAL was past the restart size and was emptied (its file cut to nothing). */
  restarted?: boolean;
  message?: string;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** WAL size past which the worker restarts it (WAL_RESTART_BYTES). */
  restartBytes?: number;
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

  constructor(path: string, onFailure: (why: string) => void, options: CheckpointerOptions = {}) {
    // A failed worker (it could not open the file) answers nobody: every waiting caller hears why.
    const fail = (why: string): void => {
      for (const resolve of this.#waiting.values()) resolve({ ok: false, message: why });
      this.#waiting.clear();
      if (!this.#closed) onFailure(why);
    };
    const workerData = {
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartBytes: options.restartBytes ?? WAL_RESTART_BYTES,
      restartWaitMs: RESTART_WAIT_MS,
    };
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
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
