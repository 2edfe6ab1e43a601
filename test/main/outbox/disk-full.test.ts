// A full disk while decisions wait: the queue cannot record "sending", so it must not send, must not spin
// (the soak's seed 1 saw the pump retry a failing write every few milliseconds for the whole window, starving
// the app's poll), and must deliver each decision exactly once when space comes back, without a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../main/outbox/outbox.ts';
import { SqliteOutboxRepository } from '../../../main/store/outbox-repository.ts';
import { DiskFullError } from '../../../main/store/disk-full.ts';
import { acceptedByReturn, FAST_BACKOFF, newReturn, refundAll, startHarness, waitFor, type Harness } from './helpers.ts';

describe('outbox on a full disk', () => {
  let h: Harness;
  let full = false;
  let failedWrites = 0;
  let outbox: Outbox;
  beforeEach(async () => {
    h = await startHarness();
    // The store's own outbox table, whose moves fail as SQLite fails them when the disk is full.
    const real = new SqliteOutboxRepository(h.store);
    const repository = new Proxy(real, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'transition' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          if (full) {
            failedWrites++;
            throw new DiskFullError(h.dir, 'disk I/O error');
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    outbox = new Outbox({
      store: h.store,
      client: h.client,
      repository,
      backoff: { ...FAST_BACKOFF, baseMs: 100, maxMs: 400 },
      operator: () => 'Тест Оператор',
    });
  });
  afterEach(async () => {
    full = false;
    await outbox.stop();
    await h.close();
  });

  it('backs off instead of retrying a failing write in a loop, then sends each decision once when space is back', async () => {
    const first = await newReturn(h);
    const second = await newReturn(h);
    const entries = [await outbox.submit(refundAll(first)), await outbox.submit(refundAll(second))];
    full = true;
    outbox.start();
    await waitFor(() => failedWrites >= 2, 5_000);
    const since = Date.now();
    const before = failedWrites;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // With waits of 100–400 ms two decisions fail at most ~20 times a second; a loop fails thousands of times.
    expect(failedWrites - before).toBeLessThanOrEqual(Math.ceil(((Date.now() - since) / 50) * 2));
    expect(failedWrites - before).toBeGreaterThan(0);
    expect((await h.admin.received()).filter((x) => x.returnId === first.id || x.returnId === second.id)).toEqual([]);
    for (const e of entries) expect(outbox.get(e.id)?.state).toBe('queued');

    full = false;
    expect(await outbox.whenIdle(10_000)).toBe(true);
    for (const e of entries) expect(outbox.get(e.id)?.state).toBe('delivered');
    const accepted = await acceptedByReturn(h.admin);
    expect(accepted.get(first.id)).toBe(1);
    expect(accepted.get(second.id)).toBe(1);
  }, 30_000);
});
