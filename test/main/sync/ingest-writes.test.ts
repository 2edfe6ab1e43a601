// How the sync writes what it reads: a page in short transactions with the event loop turning between
// them, and the WAL checkpointed on a worker thread instead of inside the app's commits.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { BackgroundCheckpointer } from '../../../main/store/checkpointer.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { SyncEngine, WRITE_CHUNK } from '../../../main/sync/engine.ts';
import { returnsAtTheMarket } from '../../helpers/market-returns.ts';
import { sandboxAdmin } from '../../../sandbox/admin-client.ts';

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

  it('a store without the option keeps SQLite checkpointing inside its commits', () => {
    store = openStore(storePath(dir));
    expect(store.checkpointer).toBeNull();
    expect((store.db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint).toBe(1000);
  });

  it('a checkpoint worker that cannot open the database says why, so the store can checkpoint itself again', async () => {
    const why = await new Promise<string>((resolve) => {
      const checkpointer = new BackgroundCheckpointer(join(dir, 'no-such-folder', 'x.sqlite'), resolve, 60_000);
      void checkpointer.now();
    });
    expect(why).toMatch(/unable to open|exited/);
  });
});
