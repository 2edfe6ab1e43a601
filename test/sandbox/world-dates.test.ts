// The generated world is one the Market could show at its now: nothing created, updated or delivered later than
// that. A return dated a day ahead made the app's slow lane ask from tomorrow (found by bench/faults.ts: one
// non-purchase of every scenario was never stored), so the sandbox must not be the source of such data.
import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/data.ts';

describe('generated world dates', () => {
  it('no return, order or delivery is dated after the world’s now (seeds 1–40, 300 returns each)', () => {
    const startTime = Date.UTC(2026, 6, 7, 9, 0);
    const late: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const world = generateWorld({ seed, returns: 300, startTime, apiKey: 'ACMA:world-dates-key-0001', otherApiKey: 'ACMA:world-dates-key-0002' });
      for (const r of world.returns.values()) {
        // creationDate: "Дата создания возврата"; updateDate: "Дата обновления возврата".
        if (r.createdAt > startTime || r.updatedAt > startTime)
          late.push(`seed ${seed} return ${r.id}: created ${new Date(r.createdAt).toISOString()}, updated ${new Date(r.updatedAt).toISOString()}`);
      }
      for (const o of world.orders.values())
        if (o.createdAt > startTime || o.deliveredAt > startTime || o.updatedAt > startTime) late.push(`seed ${seed} order ${o.id}`);
    }
    expect(late).toEqual([]);
  });
});
