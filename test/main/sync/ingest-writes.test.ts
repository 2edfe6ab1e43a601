// How the sync writes what it reads: a page in short transactions with the event loop turning between
// them, and the WAL checkpointed on a worker thread instead of inside the app's commits.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler, systemClock, type Clock } from '../../../main/market/scheduler.ts';
import { BackgroundCheckpointer } from '../../../main/store/checkpointer.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { SyncEngine, WRITE_CHUNK } from '../../../main/sync/engine.ts';
import { returnsAtTheMarket } from '../../helpers/market-returns.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';

describe('ingest writes', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 400 });
    dir = mkdtempSync(join(tmpdir(), 'rd-ingest-'));
  });
  afterEach(async () => {
    store?.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const engineFor = (s: Store): SyncEngine =>
    new SyncEngine({
      client: new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() }),
      store: s,
      options: { backfillDays: 3650, pageLimit: 100 },
    });

  it('stores a page of 100 in transactions of at most WRITE_CHUNK returns, the event loop turning between them', async () => {
    store = openStore(storePath(dir));
    const engine = engineFor(store);
    // Per store, a marker set from a macrotask queued as each write ends: the store's next write finds it
    // set only if the event loop turned in between (a synchronous loop, or an await on a microtask, would not run it).
    const turned = new Map<number, boolean>();
    const writes: Array<{ size: number; afterTurn: boolean; inTransaction: boolean }> = [];
    const upsert = store.upsertReturns.bind(store);
    store.upsertReturns = (campaignId, returns, now) => {
      writes.push({ size: returns.length, afterTurn: turned.get(campaignId) ?? true, inTransaction: store.db.isTransaction });
      const result = upsert(campaignId, returns, now);
      turned.set(campaignId, false);
      setImmediate(() => turned.set(campaignId, true));
      return result;
    };
    const summary = await engine.syncNow();
    expect(summary.error).toBeUndefined();
    expect(store.countReturns()).toBe((await returnsAtTheMarket(sandbox, sandboxAdmin(sandbox.url))).size);
    expect(writes.length).toBeGreaterThan(8);
    expect(Math.max(...writes.map((w) => w.size))).toBe(WRITE_CHUNK);
    expect(writes.every((w) => w.inTransaction)).toBe(true);
    expect(writes.filter((w) => !w.afterTurn)).toEqual([]);
  }, 60_000);

  it('stores syncing at once write one chunk per turn of the event loop, not one chunk of each store in the same turn', async () => {
    store = openStore(storePath(dir));
    const engine = engineFor(store);
    // One marker for every store, set from a macrotask queued as each write ends.
    let turned = true;
    const writes: Array<{ campaignId: number; afterTurn: boolean }> = [];
    const upsert = store.upsertReturns.bind(store);
    store.upsertReturns = (campaignId, returns, now) => {
      writes.push({ campaignId, afterTurn: turned });
      const result = upsert(campaignId, returns, now);
      turned = false;
      setImmediate(() => (turned = true));
      return result;
    };
    const summary = await engine.syncNow();
    expect(summary.error).toBeUndefined();
    // The stores' ingests did overlap: a write of one store came between two writes of another.
    const interleaved = writes.some((w, i) => i >= 2 && writes[i - 2]!.campaignId === w.campaignId && writes[i - 1]!.campaignId !== w.campaignId);
    expect(new Set(writes.map((w) => w.campaignId)).size).toBeGreaterThan(1);
    expect(interleaved).toBe(true);
    expect(writes.filter((w) => !w.afterTurn)).toEqual([]);
  }, 60_000);

  it('checkpoints the WAL on a worker: the app connection never does, and every committed frame reaches the database file', async () => {
    store = openStore(storePath(dir), { backgroundCheckpoints: true });
    expect((store.db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint).toBe(0);
    const summary = await engineFor(store).syncNow();
    expect(summary.error).toBeUndefined();
    expect(statSync(`${storePath(dir)}-wal`).size).toBeGreaterThan(0);
    const report = await store.checkpointer!.now();
    expect(report.ok).toBe(true);
    expect(report.log).toBeGreaterThanOrEqual(0);
    expect(report.checkpointed).toBe(report.log);
    // What the worker wrote into the database file is what the app committed.
    const reader = openStore(storePath(dir));
    try {
      expect(reader.countReturns()).toBe(store.countReturns());
    } finally {
      reader.close();
    }
  }, 60_000);

  it('past its size the write loop stops writing until the worker has copied the whole WAL, so the WAL starts over without a restart that holds a write', async () => {
    const writerRestartBytes = 512 * 1024;
    // No timer and no restart of the worker's own: only the write loop's copies can bound this WAL.
    store = openStore(storePath(dir), { backgroundCheckpoints: { intervalMs: 3_600_000, restartBytes: 1024 * 1024 * 1024, writerRestartBytes } });
    // A WAL that starts over is cut to 64 KiB instead of 4 MiB, so its file's size is what it holds past that.
    store.db.exec('PRAGMA journal_size_limit = 65536');
    const checkpointer = store.checkpointer!;
    const walBytes = (): number => statSync(`${storePath(dir)}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    let copying = 0;
    let copies = 0;
    const complete = checkpointer.complete.bind(checkpointer);
    checkpointer.complete = async (truncate?: boolean) => {
      copying++;
      try {
        const report = await complete(truncate);
        if (report.checkpointed === report.log) copies++;
        return report;
      } finally {
        copying--;
      }
    };
    // Every write of the loop: the WAL's size before it, and whether a copy was under way.
    const writes: Array<{ walBefore: number; duringCopy: boolean }> = [];
    for (const method of ['upsertReturns', 'upsertOrders'] as const) {
      const write = (store[method] as (...args: unknown[]) => unknown).bind(store);
      (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        writes.push({ walBefore: walBytes(), duringCopy: copying > 0 });
        return write(...args);
      };
    }
    const summary = await engineFor(store).syncNow();
    expect(summary.error).toBeUndefined();
    expect(store.countReturns()).toBe((await returnsAtTheMarket(sandbox, sandboxAdmin(sandbox.url))).size);
    expect(writes.filter((w) => w.duringCopy)).toEqual([]);
    expect(copies).toBeGreaterThan(0);
    // Without the loop's copies this WAL held everything the sync wrote (4.5 MB); with them no write of the loop
    // finds it past the size and one write (a chunk, or a page's orders, and the options written between them).
    expect(Math.max(...writes.map((w) => w.walBefore))).toBeLessThan(writerRestartBytes + 1024 * 1024);
    expect(walBytes()).toBeLessThan(writerRestartBytes + 1024 * 1024);
    const reader = openStore(storePath(dir));
    try {
      expect(reader.countReturns()).toBe(store.countReturns());
      expect(reader.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    } finally {
      reader.close();
    }
  }, 60_000);

  it('a store without the option keeps SQLite checkpointing inside its commits', () => {
    store = openStore(storePath(dir));
    expect(store.checkpointer).toBeNull();
    expect((store.db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint).toBe(1000);
  });

  it('a checkpoint worker that cannot open the database says why, so the store can checkpoint itself again', async () => {
    const why = await new Promise<string>((resolve) => {
      const checkpointer = new BackgroundCheckpointer(join(dir, 'no-such-folder', 'x.sqlite'), resolve, { intervalMs: 60_000 });
      void checkpointer.now();
    });
    expect(why).toMatch(/unable to open|exited/);
  });

  describe('bad answers mid-ingest: nothing stored is lost, the next sync resumes', () => {
    const PAGE = 10;
    /** Runs `arm` with the store whose backfill is the first to store its second page (each store has 7 or more). */
    const afterSecondPage = (engine: SyncEngine, arm: (campaignId: number) => Promise<unknown>): Promise<void> =>
      new Promise((resolve) => {
        let armed = false;
        engine.on('progress', (e) => {
          if (armed || e.phase !== 'backfill' || e.pages < 2) return;
          armed = true;
          void arm(e.campaignId).then(() => resolve());
        });
      });
    const storedIds = (): Set<number> =>
      new Set(
        store.db
          .prepare('SELECT id FROM returns')
          .all()
          .map((r) => Number((r as { id: number }).id)),
      );
    const backfillPages = (engine: SyncEngine): Map<number, number> => {
      const pages = new Map<number, number>();
      engine.on('progress', (e) => {
        if (e.phase === 'backfill') pages.set(e.campaignId, e.pages);
      });
      return pages;
    };

    /** Real time plus whatever the test moves it on by: an hour passes for the budget without waiting it out. */
    const movableClock = (): Clock & { advance(ms: number): void } => {
      let offset = 0;
      return { ...systemClock, now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
    };

    const cases: Array<{
      name: string;
      arm: (admin: SandboxAdmin, campaignId: number) => Promise<unknown>;
      kind: string;
      recover: (admin: SandboxAdmin, clock: ReturnType<typeof movableClock>) => Promise<unknown>;
    }> = [
      {
        // The client retries an unparseable answer as it would a 5xx; five in a row outlast its three attempts.
        name: 'truncated, unparseable pages',
        arm: (admin, campaignId) => admin.setFaults({ type: 'malformed', path: `/campaigns/${campaignId}/returns$`, count: 5 }),
        kind: 'malformed',
        recover: (admin) => admin.clearFaults(),
      },
      {
        name: '5xx beyond the retries',
        arm: (admin, campaignId) => admin.setFaults({ type: 'error5xx', path: `/campaigns/${campaignId}/returns$`, count: 12, status: 503 }),
        kind: 'server',
        recover: (admin) => admin.clearFaults(),
      },
    ];

    for (const { name, arm, kind, recover } of cases) {
      it(`${name}: the lane fails saying so, keeps every return it stored, and the next sync reads on from the saved page`, async () => {
        store = openStore(storePath(dir), { backgroundCheckpoints: true });
        const admin = sandboxAdmin(sandbox.url);
        const expected = await returnsAtTheMarket(sandbox, admin, 3650);
        const clock = movableClock();
        const engine = new SyncEngine({
          client: new MarketClient({
            apiKey: sandbox.apiKey,
            baseUrl: sandbox.url,
            clock,
            scheduler: new KeyScheduler({ clock }),
            retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, parallelPauseMs: 20, maxRateLimitWaitMs: 1_000 },
          }),
          store,
          clock,
          options: { backfillDays: 3650, pageLimit: PAGE },
        });
        const armed = afterSecondPage(engine, (campaignId) => arm(admin, campaignId));
        const first = await engine.syncNow();
        await armed;
        const failed = first.stores.filter((st) => st.errors.length > 0);
        expect(failed.flatMap((st) => st.errors.map((e) => e.kind))).toContain(kind);
        const kept = storedIds();
        expect(kept.size).toBeGreaterThan(0);
        expect(kept.size).toBeLessThan(expected.size);
        expect(failed.every((st) => store.getCursor(st.campaignId).lastError !== null)).toBe(true);
        // Stores stopped mid-backfill keep the page to go on from.
        const midway = failed.filter((st) => !store.getCursor(st.campaignId).backfillDone && store.getCursor(st.campaignId).backfillPageToken !== null);
        expect(midway.length).toBeGreaterThan(0);

        await recover(admin, clock);
        const pages = backfillPages(engine);
        const second = await engine.syncNow();
        expect(second.stores.flatMap((st) => st.errors)).toEqual([]);
        const now = storedIds();
        expect([...kept].filter((id) => !now.has(id))).toEqual([]);
        expect(now).toEqual(expected);
        // Resumed, not restarted: each store stopped midway read fewer pages than its whole listing.
        for (const st of midway) expect(pages.get(st.campaignId)!).toBeLessThan(Math.ceil(store.countReturns(st.campaignId) / PAGE));
      }, 60_000);
    }

    it('420 mid-ingest, another app on the key holding both parallel slots: the client pauses and retries, the same sync stores every return', async () => {
      store = openStore(storePath(dir), { backgroundCheckpoints: true });
      const admin = sandboxAdmin(sandbox.url);
      const expected = await returnsAtTheMarket(sandbox, admin, 3650);
      const log = memoryLogger();
      const engine = new SyncEngine({
        client: new MarketClient({
          apiKey: sandbox.apiKey,
          baseUrl: sandbox.url,
          logger: log.logger,
          scheduler: new KeyScheduler(),
          retry: { baseDelayMs: 5, maxDelayMs: 50, parallelPauseMs: 100 },
        }),
        store,
        options: { backfillDays: 3650, pageLimit: PAGE },
      });
      // The other app's two slow requests take both of the key's parallel slots for 400 ms each; one refused
      // with 420 itself (ours held the slot) tries again until both have been served.
      const other = async (): Promise<void> => {
        for (;;) {
          const res = await fetch(`${sandbox.url}/v2/campaigns`, { headers: { 'Api-Key': sandbox.apiKey } });
          if (res.status !== 420) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      let theirs: Promise<unknown> = Promise.resolve();
      const armed = afterSecondPage(engine, async () => {
        await admin.setFaults({ type: 'latency', path: '/v2/campaigns$', latencyMs: 400 });
        theirs = Promise.all([other(), other()]);
      });
      const summary = await engine.syncNow();
      await armed;
      await theirs;
      await admin.clearFaults();
      // Our client met the 420 (not only the other app) and waited it out.
      expect(log.lines.some((line) => line.includes('rate limited'))).toBe(true);
      expect(summary.stores.flatMap((st) => st.errors)).toEqual([]);
      expect(storedIds()).toEqual(expected);
    }, 60_000);
  });
});
