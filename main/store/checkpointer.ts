import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** How often the worker moves committed WAL frames into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * Past this size the worker restarts the WAL itself. A PASSIVE checkpoint never blocks the app, but while the
 * app commits during every checkpoint it never sees the WAL fully copied, so the WAL never starts over and grows.
 */
export const WAL_RESTART_BYTES = 16 * 1024 * 1024;

/**
 * Past this size the sync's write loop stops writing until a PASSIVE checkpoint has copied the whole WAL, so
 * the next write starts it over, before the worker's own restart (WAL_RESTART_BYTES, for other writers) is needed:
 * that restart runs while the app writes and holds its next write in SQLite's busy handler, on the UI's thread.
 */
export const WAL_WRITER_RESTART_BYTES = 8 * 1024 * 1024;

/** After a copy that could not complete, the write loop writes on for this long before it asks again. */
const COPY_RETRY_MS = 100;

/** PASSIVE checkpoints one ask for a complete copy runs before it gives up (a writer outside the loop kept committing). */
const COMPLETE_ATTEMPTS = 3;

/** How long the restart may wait for the app's write or a reader to finish: the app's next write waits at most this. */
const RESTART_WAIT_MS = 100;

/** The size the WAL file is cut back to once it starts over (what SQLite's own checkpoints of 1,000 pages leave). */
export const WAL_KEPT_BYTES = 4 * 1024 * 1024;

// The worker's own connection checkpoints PASSIVE (never waits for the app's writer or readers); past the size
// it checkpoints TRUNCATE, which holds the app's next write for the few frames committed since the PASSIVE one.
// Asked for a complete copy ({ id, complete: true }) while the write loop waits, it checkpoints PASSIVE until
// every frame is copied: never holding a lock a writer waits for, and the app's next write starts the WAL over.
// With truncate (that write did not: a reader held the WAL), it then checkpoints TRUNCATE, waiting for nobody.
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
const restart = (waitMs) => {
  db.exec('PRAGMA busy_timeout = ' + waitMs);
  try {
    return truncate.get();
  } finally {
    db.exec('PRAGMA busy_timeout = 0');
  }
};
const run = (id) => {
  try {
    let r = passive.get();
    let restarted = false;
    if (r.log >= restartFrames) {
      const t = restart(workerData.restartWaitMs);
      if (t.busy === 0) { r = t; restarted = true; }
    }
    if (id !== undefined) parentPort.postMessage({ id, ok: true, log: r.log, checkpointed: r.checkpointed, restarted });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String((error && error.message) || error) });
  }
};
const complete = (id, truncateAfter) => {
  try {
    let r;
    for (let i = 0; i < workerData.completeAttempts; i++) {
      r = passive.get();
      if (r.busy === 0 && r.checkpointed === r.log) break;
    }
    let restarted = false;
    if (truncateAfter && r.busy === 0 && r.checkpointed === r.log) {
      const t = restart(0);
      if (t.busy === 0) { r = t; restarted = true; }
    }
    parentPort.postMessage({ id, ok: true, log: r.log, checkpointed: r.checkpointed, restarted });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String((error && error.message) || error) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'number') return run(m);
  if (m && m.complete) return complete(m.id, m.truncate);
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
  /** WAL size past which the write loop waits for a complete copy (WAL_WRITER_RESTART_BYTES). */
  writerRestartBytes?: number;
}

/**
 * Checkpoints the WAL on a worker thread with its own connection, so the copy into the database file
 * and its fsyncs never run on the thread that serves the UI. The app's connection turns its own
 * automatic checkpoints off while this runs and back on if the worker fails.
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #walPath: string;
  readonly #writerRestartBytes: number;
  #closed = false;
  #failed = false;
  /** The complete copy the write loop waits for, while one runs. */
  #copying: Promise<void> | null = null;
  /** After a complete copy: whether the write that starts the WAL over has been let go (a WAL still large after it did not). */
  #copied: 'unwritten' | 'written' | null = null;
  /** After a copy a writer outside the loop kept from completing, the loop asks again only after this. */
  #nextCopyAt = 0;
  readonly #waiting = new Map<number, (report: CheckpointReport) => void>();
  #nextId = 1;

  constructor(path: string, onFailure: (why: string) => void, options: CheckpointerOptions = {}) {
    // A failed worker (it could not open the file) answers nobody: every waiting caller hears why.
    const fail = (why: string): void => {
      this.#failed = true;
      for (const resolve of this.#waiting.values()) resolve({ ok: false, message: why });
      this.#waiting.clear();
      if (!this.#closed) onFailure(why);
    };
    const workerData = {
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      restartBytes: options.restartBytes ?? WAL_RESTART_BYTES,
      restartWaitMs: RESTART_WAIT_MS,
      completeAttempts: COMPLETE_ATTEMPTS,
    };
    this.#walPath = `${path}-wal`;
    this.#writerRestartBytes = options.writerRestartBytes ?? WAL_WRITER_RESTART_BYTES;
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
    return this.#ask((id) => id);
  }

  /**
   * Checkpoints PASSIVE until every frame is copied (up to COMPLETE_ATTEMPTS times), then with `truncate`
   * empties the WAL (TRUNCATE, waiting for nobody): the caller writes nothing meanwhile.
   */
  complete(truncate = false): Promise<CheckpointReport> {
    return this.#ask((id) => ({ id, complete: true, truncate }));
  }

  /**
   * What the sync's write loop waits for before its next write: null while the WAL is under
   * WAL_WRITER_RESTART_BYTES, else a complete copy of it, after which that write starts it over. The copy takes
   * no lock a writer waits for, and nothing of this thread waits for the copy: it serves everything else meanwhile.
   */
  beforeWrite(): Promise<void> | null {
    if (this.#copying) return this.#copying;
    if (this.#closed || this.#failed) return null;
    if (performance.now() < this.#nextCopyAt) return null;
    if (this.#copied === 'unwritten') {
      // This write starts the WAL over (the file keeps its size until it commits).
      this.#copied = 'written';
      return null;
    }
    if ((statSync(this.#walPath, { throwIfNoEntry: false })?.size ?? 0) < this.#writerRestartBytes) {
      this.#copied = null;
      return null;
    }
    // A write after a complete copy starts the WAL over unless a reader held it then: the next copy empties it itself.
    const truncate = this.#copied === 'written';
    this.#copying = this.complete(truncate).then((report) => {
      this.#copying = null;
      const copied = report.ok === true && report.checkpointed === report.log;
      this.#copied = copied && !report.restarted ? 'unwritten' : null;
      if (!copied) this.#nextCopyAt = performance.now() + COPY_RETRY_MS;
    });
    return this.#copying;
  }

  #ask(message: (id: number) => unknown): Promise<CheckpointReport> {
    if (this.#closed || this.#failed) return Promise.resolve({ ok: false, message: 'the checkpoint worker is not running' });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#worker.postMessage(message(id));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.postMessage('close');
  }
}
