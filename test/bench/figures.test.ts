import { describe, expect, it } from 'vitest';
import { atLeast, atLeastFloor, failed, limit, overFloor, reference } from '../../bench/figures.ts';

describe('benchmark figures', () => {
  it('holds a cost to a multiple of the floor measured in the same run, at most', () => {
    const stored = overFloor('storing', 1800, 'ms', 924, 2, 'prepared INSERTs');
    expect(stored).toMatchObject({ goal: 1848, floor: 924, met: true, rule: '≤ 2 × floor (prepared INSERTs)' });
    expect(overFloor('storing', 2750, 'ms', 924, 2, 'prepared INSERTs').met).toBe(false);
  });

  it('holds a rate to a multiple of the floor, at least', () => {
    expect(atLeastFloor('drain', 0.95, 'per s', 1, 0.9, 'budget rate')).toMatchObject({ goal: 0.9, met: true, rule: '≥ 0.9 × floor (budget rate)' });
    expect(atLeastFloor('drain', 0.5, 'per s', 1, 0.9, 'budget rate').met).toBe(false);
  });

  it('never counts a figure that was not measured as met', () => {
    for (const f of [
      overFloor('x', Number.NaN, 'ms', 1, 2, 'f'),
      atLeastFloor('x', Number.NaN, 'ms', 1, 2, 'f'),
      limit('x', Number.NaN, 'ms', 5),
      atLeast('x', Number.NaN, 'n', 1, 'w'),
    ])
      expect(f.met).toBe(false);
    expect(failed('rendering', 'the renderer did not build')).toMatchObject({ met: false, goal: null });
  });

  it('leaves a reference figure out of the count: no goal, no verdict', () => {
    expect(reference('CPU per return', 0.68, 'ms')).toMatchObject({ goal: null, floor: null, met: null });
  });
});
