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
    const result = await runSoak({ days: 1, rate: 3_000, seed: 1, kills: 4, perDay: 200 });
    process.stdout.write(`\n${figureTable(result)}\n${result.notes.join('\n')}\n`);
    expect(result.defects).toEqual([]);
    expect(result.counts['decisions by the operator']).toBeGreaterThan(5);
    expect(figure(result, 'auto-confirmed after a timely decision')).toBe(0);
    expect(figure(result, 'decisions delivered exactly once')).toBe(100);
    expect(figure(result, 'decisions lost')).toBe(0);
    expect(figure(result, 'decisions sent twice')).toBe(0);
    expect(figure(result, 'returns lost')).toBe(0);
    expect(result.counts.kills).toBeGreaterThanOrEqual(4);
    expect(result.counts['kills during a migration']).toBe(1);
  }, 90_000);
});
