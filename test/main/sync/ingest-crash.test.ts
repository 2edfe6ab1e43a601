// Kill -9 during the ingest: a child process backfills thousands of returns while an operator queues
// decisions; it is killed mid-ingest several times and restarted. Every decision it acknowledged is still
// there with its audit row, the returns stored are whole and never lost, and the next run resumes where
// the last one stopped instead of starting over.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { openStore, storePath } from '../../../main/store/store.ts';
import { returnsAtTheMarket } from '../../helpers/market-returns.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const KILLS = 3;

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves once `test` holds for the lines printed so far. */
  until(test: (lines: string[]) => boolean): Promise<void>;
}

function spawnWorker(sandbox: RunningSandbox, dbPath: string, firstReturnId: number): Run {
  const child = spawn(join(root, 'node_modules', '.bin', 'node'), [join(root, 'test/main/sync/fixtures/ingest-crash-worker.ts')], {
    cwd: root,
    env: { ...process.env, SANDBOX_URL: sandbox.url, SANDBOX_KEY: sandbox.apiKey, STORE_DB: dbPath, FIRST_RETURN_ID: String(firstReturnId) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ test: (lines: string[]) => boolean; resolve: () => void; reject: (e: Error) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let partial = '';
  child.stdout!.on('data', (c: Buffer) => {
    const text = partial + c.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    for (const w of [...waiters]) if (w.test(lines)) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      for (const w of waiters) w.reject(new Error(`worker exited (${code}) first: ${stderr.slice(0, 2000)}`));
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    until: (test) => (test(lines) ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ test, resolve, reject }))),
  };
}

describe('ingest through kill -9', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 1500 });
    admin = sandboxAdmin(sandbox.url);
    dir = mkdtempSync(join(tmpdir(), 'rd-ingest-crash-'));
  }, 60_000);
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged decision and every stored return through ${KILLS} SIGKILLs mid-ingest, then completes from where it stopped`, async () => {
    const dbPath = storePath(dir);
    const expected = await returnsAtTheMarket(sandbox, admin, 3650);
    // Pages answer slowly, so the four stores' backfills overlap and a kill finds some of them mid-listing.
    await admin.setFaults({ type: 'latency', path: '/returns$', latencyMs: 60 });
    const acked: number[] = [];
    let stored = new Set<number>();
    const starts: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const run = spawnWorker(sandbox, dbPath, 1_000_000 * (k + 1));
      const pagesBefore = run.lines.length;
      // A different moment each time: after 2, 4, 6 stored pages and at least one acknowledged decision.
      await run.until((lines) => lines.filter((l) => l.startsWith('page')).length >= pagesBefore + 2 * (k + 1) && lines.some((l) => l.startsWith('ack')));
      run.child.kill('SIGKILL');
      await run.exited;
      starts.push(run.lines[0]!);
      acked.push(...run.lines.filter((l) => l.startsWith('ack ')).map((l) => Number(l.split(' ')[1])));

      const store = openStore(dbPath);
      try {
        expect(store.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
        expect(store.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
        // Every decision the operator was told is saved is there, with the audit row of its queueing.
        const outboxIds = new Set(
          store.db
            .prepare('SELECT id FROM outbox')
            .all()
            .map((r) => Number((r as { id: number }).id)),
        );
        const audited = new Set(
          store.db
            .prepare("SELECT outbox_id FROM decision_audit WHERE action = 'queued'")
            .all()
            .map((r) => Number((r as { outbox_id: number }).outbox_id)),
        );
        expect(acked.filter((id) => !outboxIds.has(id))).toEqual([]);
        expect(acked.filter((id) => !audited.has(id))).toEqual([]);
        // A return is stored whole or not at all: its items are all there.
        const torn = store.db.prepare('SELECT r.id FROM returns r WHERE r.item_count <> (SELECT COUNT(*) FROM return_items i WHERE i.return_id = r.id)').all();
        expect(torn).toEqual([]);
        // Nothing stored before is lost.
        const now = new Set(
          store.db
            .prepare('SELECT id FROM returns')
            .all()
            .map((r) => Number((r as { id: number }).id)),
        );
        expect([...stored].filter((id) => !now.has(id))).toEqual([]);
        expect(now.size).toBeGreaterThan(stored.size);
        stored = now;
      } finally {
        store.close();
      }
    }
    // Each restart resumed a backfill from a saved page token instead of starting over.
    expect(starts.slice(1).every((line) => /:\S+/.test(line) && !/^start (\d+:-,?)+$/.test(line))).toBe(true);

    await admin.clearFaults();
    const last = spawnWorker(sandbox, dbPath, 9_000_000);
    expect(await last.exited).toBe(0);
    expect(last.lines.at(-1)).toBe(`done ok ${expected.size}`);
    const store = openStore(dbPath);
    try {
      expect(store.countReturns()).toBe(expected.size);
      expect(store.listCampaigns().every((c) => store.getCursor(c.id).backfillDone)).toBe(true);
      const outboxIds = new Set(
        store.db
          .prepare('SELECT id FROM outbox')
          .all()
          .map((r) => Number((r as { id: number }).id)),
      );
      expect(acked.filter((id) => !outboxIds.has(id))).toEqual([]);
    } finally {
      store.close();
    }
    // Every step waits on a condition; this only bounds a hang (four cold Node starts on a loaded machine).
  }, 180_000);
});
