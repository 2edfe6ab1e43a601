// The WAL's size stays bounded while the app writes without pause: the checkpoint worker's PASSIVE
// checkpoints never see the WAL fully copied when a commit lands during each of them (a busy sync, the soak's
// week at 1,500×), so without a restart past a size the WAL grows by everything written (221.9 MB in the soak).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WAL_KEPT_BYTES, type CheckpointReport } from '../../../main/store/checkpointer.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { T0, campaign } from '../market/fixtures.ts';

const MiB = 1024 * 1024;

describe('WAL size bound', () => {
  let dir: string;
  let store: Store;
  const walBytes = (): number => statSync(`${storePath(dir)}-wal`, { throwIfNoEntry: false })?.size ?? 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-wal-'));
  });
  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits landing during every checkpoint: the worker restarts the WAL once past its size, so it never holds more than that and two rounds of writes', async () => {
    const restartBytes = 1 * MiB;
    // The checkpoints are asked for by the test, one after another, instead of on the worker's timer.
    store = openStore(storePath(dir), { backgroundCheckpoints: { intervalMs: 3_600_000, restartBytes } });
    store.upsertCampaigns([campaign(11, 'FBS')], T0);
    const checkpointer = store.checkpointer!;
    // The worker has opened its connection before the writes start.
    expect(await checkpointer.now()).toMatchObject({ ok: true });
    let report: CheckpointReport | null = null;
    const ask = (): void => void checkpointer.now().then((r) => (report = r));
    ask();
    let largest = 0;
    let writesThisRound = 0;
    let mostWritesInARound = 0;
    let restarts = 0;
    // Short write transactions with a turn of the event loop between them, as a busy app writes its bookkeeping:
    // each appends a page to the WAL, and some land while each checkpoint runs. 8,192 pages are 32 MiB.
    for (let i = 0; i < 8192; i++) {
      store.saveCursor(11, { lastFast: T0 + i, lastError: `attempt ${i}` });
      largest = Math.max(largest, walBytes());
      writesThisRound++;
      await nextTurn();
      if (report) {
        expect(report).toMatchObject({ ok: true });
        if ((report as CheckpointReport).restarted) restarts++;
        mostWritesInARound = Math.max(mostWritesInARound, writesThisRound);
        writesThisRound = 0;
        report = null;
        ask();
      }
    }
    mostWritesInARound = Math.max(mostWritesInARound, writesThisRound);
    // The WAL reaches the size, then grows at most by the writes of the round that sees it and of the one before.
    const frameBytes = 4096 + 24;
    expect(largest).toBeGreaterThan(restartBytes);
    expect(largest).toBeLessThanOrEqual(restartBytes + 2 * mostWritesInARound * frameBytes + 64 * 1024);
    // Without the restart the WAL held nearly every page written (21–33 MiB here): PASSIVE checkpoints rarely caught up.
    expect(restarts).toBeGreaterThan(0);
    // Nothing written was lost by the restarts: the last write reads back, and the file is sound after a reopen.
    const last = store.getCursor(11);
    store.close();
    const reopened = openStore(storePath(dir));
    try {
      expect(reopened.getCursor(11)).toEqual(last);
      expect(reopened.db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    } finally {
      reopened.close();
    }
  }, 120_000);

  it('a WAL grown by one large write is cut back to its kept size once it starts over', async () => {
    store = openStore(storePath(dir), { backgroundCheckpoints: { intervalMs: 60_000 } });
    store.upsertCampaigns([campaign(11, 'FBS')], T0);
    const note = 'n'.repeat(64 * 1024);
    // One transaction cannot be checkpointed part-way: the WAL holds all of it.
    store.transaction(() => {
      for (let i = 0; i < 160; i++) store.recordSkips(11, 'return', [{ id: String(i), reason: 'unreadable', raw: note }], T0);
    });
    expect(walBytes()).toBeGreaterThan(2 * WAL_KEPT_BYTES);
    const report = await store.checkpointer!.now();
    expect(report).toMatchObject({ ok: true, restarted: false });
    expect(report.checkpointed).toBe(report.log);
    store.saveCursor(11, { lastFast: T0 });
    expect(walBytes()).toBeLessThanOrEqual(WAL_KEPT_BYTES);
    expect(store.countSkips()).toBe(160);
  });
});
