import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { SyncEngine, dayOf, type Lane } from '../../../main/sync/engine.ts';
import { FakeClock } from '../market/fake-clock.ts';

describe('sync timers (injected clock)', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let store: Store;
  let clock: FakeClock;
  let engine: SyncEngine;
  let done: Array<{ campaignId: number; lane: Lane }>;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 80 });
    admin = sandboxAdmin(sandbox.url);
    store = openStore(':memory:');
    clock = new FakeClock(Date.parse((await admin.clock()).now));
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler(), retry: { baseDelayMs: 2, maxDelayMs: 5 } });
    engine = new SyncEngine({ client, store, clock, options: { fastIntervalMs: 60_000, slowIntervalMs: 600_000 } });
    done = [];
    engine.on('progress', (p) => {
      if (p.phase === 'done') done.push({ campaignId: p.campaignId, lane: p.lane });
    });
  });
  afterEach(async () => {
    await engine.stop();
    store.close();
    await sandbox.close();
  });

  async function until(predicate: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(predicate()).toBe(true);
  }
  const count = (lane: Lane) => done.filter((d) => d.lane === lane).length;

  it('runs both lanes at start, the fast lane every minute and the slow lane every ten', async () => {
    engine.start();
    await until(() => count('fast') === 4 && count('slow') === 4);
    await clock.advance(60_000);
    await until(() => count('fast') === 8);
    expect(count('slow')).toBe(4);
    for (let i = 0; i < 9; i++) {
      await clock.advance(60_000);
      await until(() => count('fast') === 12 + i * 4);
    }
    await until(() => count('slow') === 8);
    const status = engine.status();
    expect(status.every((s) => s.backfillDone && s.lastSuccess !== null)).toBe(true);
    await engine.stop();
    const before = done.length;
    await clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(done.length).toBe(before);
  });

  it('polls every minute from the start of the last poll, not a minute after a slow one ended', async () => {
    engine.start();
    await until(() => count('fast') === 4 && count('slow') === 4);
    // The second fast poll takes 20 s of the clock (the Market answers slowly).
    await admin.setFaults({ type: 'latency', latencyMs: 300, path: 'returns' });
    await clock.advance(60_000);
    await clock.advance(20_000);
    await until(() => count('fast') === 8);
    await admin.clearFaults();
    // It began at 60 s: the next is due at 120 s (39 s from now it is not yet), not at 80 + 60 s.
    await clock.advance(39_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(count('fast')).toBe(8);
    await clock.advance(1_000);
    await until(() => count('fast') === 12);
  });

  it('stops its timers when the key is rejected', async () => {
    const errors: string[] = [];
    engine.on('error', (e) => errors.push(e.error.kind));
    engine.start();
    await until(() => count('fast') === 4 && count('slow') === 4);
    await admin.setFaults({ type: 'unauthorized' });
    await clock.advance(60_000);
    await until(() => errors.includes('auth'));
    await until(() => clock.pending === 0);
    expect(engine.halted?.kind).toBe('auth');
    expect(store.countReturns()).toBeGreaterThan(0);
  });

  it('polls incrementally from the watermark minus the overlap', async () => {
    await engine.syncNow();
    const c = store.listCampaigns()[0]!;
    const cursor = store.getCursor(c.id);
    expect(cursor.backfillDone).toBe(true);
    expect(cursor.watermark).not.toBeNull();
    // Ten minutes after a midnight-crossing watermark, the poll still asks for the previous day.
    const midnight = Date.parse('2026-12-01T00:05:00Z');
    store.saveCursor(c.id, { watermark: midnight });
    expect(dayOf(midnight - engine.options.overlapMs)).toBe('2026-11-30');
  });
});
