// The alerts' candidates (every return awaiting a decision, in dispute or waiting at a pickup point) cost main
// 100–300 ms to read at 50,000 returns on a two-core machine, and a sync changes something every second: every status
// push and every change-driven evaluation read them again, back to back. They are now read again only when the store
// changed, at most every CANDIDATES_MAX_AGE_MS while it keeps changing (at once after a decision moved), and
// change-driven evaluations are spaced by CHANGE_TICK_GAP_MS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CANDIDATES_MAX_AGE_MS, CHANGE_TICK_GAP_MS, changeTickGap } from '../../../main/app/alerts.ts';
import { silentLogger } from '../../../main/log.ts';
import type { ReturnDTO } from '../../../main/market/schemas.ts';
import type { Services } from '../../../main/services.ts';
import { createServices } from '../../../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../../../main/settings/settings-store.ts';
import { storePath } from '../../../main/store/store.ts';
import { ManualClock } from '../outbox/helpers.ts';

const candidate = (id: number): ReturnDTO =>
  ({
    id,
    orderId: id + 1000,
    returnType: 'UNREDEEMED',
    shipmentStatus: 'READY_FOR_PICKUP',
    refundStatus: 'WAITING_FOR_DECISION',
    creationDate: '2025-01-15T09:00:00Z',
    updateDate: '2025-01-15T09:00:00Z',
    items: [{ shopSku: 'A', count: 1 }],
  }) as unknown as ReturnDTO;

describe("the alerts' candidates while the store keeps changing", () => {
  let dataDir: string;
  let services: Services;
  let clock: ManualClock;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rd-alert-candidates-'));
    clock = new ManualClock(Date.UTC(2025, 0, 15, 9, 0));
    services = await createServices({
      config: { dataDir, apiKey: 'test-key-0000', baseUrl: 'http://127.0.0.1:9' },
      logger: silentLogger,
      settings: createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), silentLogger), silentLogger),
      version: '0.0.0-test',
      background: false,
      clock,
      host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
    });
    services.store.upsertCampaigns([{ id: 1, placementType: 'FBS' } as never], clock.now());
  });
  afterEach(async () => {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the store says when anything was written, by this connection or another', () => {
    const store = services.store;
    const before = store.changeVersion();
    store.alertCandidates();
    expect(store.changeVersion()).toBe(before);
    store.transaction(() => store.upsertReturns(1, [candidate(1)], clock.now()));
    const afterOwn = store.changeVersion();
    expect(afterOwn).not.toBe(before);
    const other = new DatabaseSync(storePath(dataDir));
    other.exec('UPDATE returns SET photo_count = 3 WHERE id = 1');
    other.close();
    expect(store.changeVersion()).not.toBe(afterOwn);
  });

  it("are read once while nothing is written; the status bar's at most every CANDIDATES_MAX_AGE_MS while writes go on, the engine's and after a decision moved at once", async () => {
    const store = services.store;
    store.transaction(() => store.upsertReturns(1, [candidate(1)], clock.now()));
    const reads = vi.spyOn(store, 'alertCandidates');
    const lastRead = (): number[] => (reads.mock.results.at(-1)?.value as Array<{ id: number }>).map((r) => r.id);
    services.status();
    services.status();
    clock.advance(10 * CANDIDATES_MAX_AGE_MS);
    services.status();
    expect(reads).toHaveBeenCalledTimes(1);
    expect(lastRead()).toEqual([1]);

    // A sync writes: candidates older than CANDIDATES_MAX_AGE_MS are read again at once…
    store.transaction(() => store.upsertReturns(1, [candidate(2)], clock.now()));
    services.status();
    expect(reads).toHaveBeenCalledTimes(2);
    expect(lastRead().sort()).toEqual([1, 2]);
    // …recent ones serve until they are that old.
    store.transaction(() => store.upsertReturns(1, [candidate(3)], clock.now()));
    clock.advance(CANDIDATES_MAX_AGE_MS - 1);
    services.status();
    expect(reads).toHaveBeenCalledTimes(2);
    clock.advance(1);
    services.status();
    expect(reads).toHaveBeenCalledTimes(3);
    expect(lastRead().sort()).toEqual([1, 2, 3]);

    // An evaluation never counts on older candidates than the store's: a return a sync just stored is looked at now.
    store.transaction(() => store.upsertReturns(1, [candidate(5)], clock.now()));
    await services.alerts.tick();
    expect(reads).toHaveBeenCalledTimes(4);
    expect(lastRead().sort()).toEqual([1, 2, 3, 5]);
    services.status();
    expect(reads).toHaveBeenCalledTimes(4);

    // A decision moved: the returns' outbox states are read again now, however recent the candidates.
    store.transaction(() => store.upsertReturns(1, [candidate(4)], clock.now()));
    services.session().outbox.emit('changed', { returnId: 4, state: 'queued' } as never);
    services.status();
    expect(reads).toHaveBeenCalledTimes(5);
    expect(lastRead().sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('changes a sync reports start an evaluation at once, then wait four times the last one, at most CHANGE_TICK_GAP_MS', async () => {
    expect(changeTickGap(1)).toBe(4);
    expect(changeTickGap(300)).toBe(1_200);
    expect(changeTickGap(900)).toBe(CHANGE_TICK_GAP_MS);
    const ticks = vi.spyOn(services.alerts, 'tick');
    // A 50,000-return store: each evaluation takes 1 s of the main thread (performance.now() moves by that much around it).
    let real = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (real += 1_000));
    try {
      // What the sync engine emits after each page it stored (its emitter is its own; the test speaks for it).
      const sync = services.session().sync as unknown as { emit(event: 'changed', change: unknown): void };
      const change = { campaignId: 1, returnIds: [1], orderIds: [] };
      sync.emit('changed', change);
      expect(ticks).toHaveBeenCalledTimes(1);
      await ticks.mock.results[0]!.value;
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 5; i++) sync.emit('changed', change);
      expect(ticks).toHaveBeenCalledTimes(1);
      clock.advance(CHANGE_TICK_GAP_MS - 1);
      expect(ticks).toHaveBeenCalledTimes(1);
      clock.advance(1);
      expect(ticks).toHaveBeenCalledTimes(2);
    } finally {
      now.mockRestore();
    }
  });
});
