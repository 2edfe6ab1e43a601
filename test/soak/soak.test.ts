// The soak at CI size: one day of the week on the accelerated sandbox clock, the app killed and started
// again (once during a migration), a full disk, the scheduled faults. The promises must hold in figures
// counted at the sandbox: no return the operator decided in time confirmed by the Market on its own,
// every decision delivered exactly once, nothing lost. `npm run soak` runs the week.
import { describe, expect, it } from 'vitest';
import { figureTable, runSoak, type SoakResult } from '../../bench/soak.ts';

const figure = (result: SoakResult, name: string): number => {
  const found = result.figures.find((f) => f.name === name);
  if (!found) throw new Error(`no figure "${name}"`);
  return Number(found.value);
};

describe('soak, one day (CI size)', () => {
  it('keeps the promises through kills, faults and a full disk', async () => {
    // At 3000× a second of a busy machine is 50 minutes of the Market's: the operator leaves the queue 6 hours.
    const result = await runSoak({ days: 1, rate: 3_000, pace: false, seed: 1, kills: 3, perDay: 200, minLeadMs: 6 * 3_600_000 });
    process.stdout.write(`\n${figureTable(result)}\n${result.notes.join('\n')}\n`);
    expect(result.defects).toEqual([]);
    expect(result.counts['decisions by the operator']).toBeGreaterThan(5);
    expect(figure(result, 'auto-confirmed after a timely decision')).toBe(0);
    expect(figure(result, 'decisions delivered exactly once')).toBe(100);
    expect(figure(result, 'decisions lost')).toBe(0);
    expect(figure(result, 'decisions sent twice')).toBe(0);
    expect(figure(result, 'returns lost')).toBe(0);
    // Seed 1 found a second ROLLBACK after a COMMIT the full disk had failed (alert marks): none may remain.
    expect(figure(result, 'rollbacks that hid a full disk (log lines)')).toBe(0);
    expect(result.counts['disk full: limited']).toBeGreaterThan(0);
    expect(result.counts.kills).toBeGreaterThanOrEqual(3);
    expect(result.counts['kills during a migration']).toBe(1);
  }, 180_000);
});
