import { describe, expect, it } from 'vitest';
import { atLeast, atLeastFloor, failed, limit, overFloor, reference } from '../../bench/figures.ts';
import { lastRunSection, replaceLastRun } from '../../bench/readme-table.ts';

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

describe('the README table of the last run', () => {
  const results = {
    machine: { cpu: '2 × EPYC', memory: '24 GiB', node: 'v24.21.0', load: '1.7 2.1 2.9', at: '2026-12-02T05:40:12.345Z', seconds: 400 },
    figures: [limit('a search p95', 26, 'ms', 10, 'README: a search ≤ 10 ms'), reference('CPU per call', 26.1, 'ms'), limit('a page p95', 3.3, 'ms', 50)],
  };

  it('counts what the run counted and says where each goal comes from', () => {
    const section = lastRunSection(results);
    expect(section).toContain('Last run: 2026-12-02 05:40 UTC, 2 × EPYC, 24 GiB, Node v24.21.0, load average 1.7 2.1 2.9, 400 s.');
    expect(section).toContain('| **MISS** | a search p95 | 26 | ms | 10 |  | README: a search ≤ 10 ms |');
    expect(section).toContain('| ref | CPU per call | 26.1 | ms |  |  | reference |');
    expect(section).toContain('1 of 2 counted figures meet their goal; 1 reference figures.');
  });

  it('replaces only its own section of the README', () => {
    const readme = '# R\n## Performance\ntext\n### Last run\nold table\n\n## Development\nkept\n';
    const next = replaceLastRun(readme, lastRunSection(results));
    expect(next.startsWith('# R\n## Performance\ntext\n### Last run\n')).toBe(true);
    expect(next).not.toContain('old table');
    expect(next.endsWith('\n## Development\nkept\n')).toBe(true);
    expect(() => replaceLastRun('# no section\n', 'x')).toThrow(/no "### Last run" section/);
  });
});
