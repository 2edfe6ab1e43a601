import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OLD_GENERATION_GROWTH_PERCENT, YOUNG_GENERATION_CAP_MIB } from '../../main/heap.ts';
import { startCli, type CliProcess } from '../helpers/cli-process.ts';
import { youngGenerationProbe } from '../helpers/young-generation.ts';

const root = join(import.meta.dirname, '..', '..');
const heap = pathToFileURL(join(root, 'main', 'heap.ts')).href;

/**
 * The largest new space (MiB) a fresh Node process reaches making garbage with survivors over many turns of the
 * event loop (what a sync decoding pages does), with or without the cap. A child process: the cap is process-wide.
 */
function largestNewSpace(capped: boolean): number {
  const script = `
    import { capYoungGeneration, youngGenerationBytes } from ${JSON.stringify(heap)};
    ${capped ? 'capYoungGeneration();' : ''}
    const kept = [];
    let largest = 0;
    for (let turn = 0; turn < 300; turn++) {
      for (let i = 0; i < 10000; i++) {
        const row = { id: i, text: 'return ' + i, items: [i, i + 1] };
        if (i % 3 === 0) kept.push(row);
      }
      if (kept.length > 200000) kept.length = 0;
      largest = Math.max(largest, youngGenerationBytes());
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(largest / 1024 / 1024));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return Number(run.stdout);
}

/**
 * The largest old space (MiB) a fresh Node process with the young generation capped reaches while about 20 MiB stay
 * alive and pages of rows outlive a few scavenges (promoted, then garbage: a sync's pages), with or without the
 * old generation's growth held.
 */
function largestOldSpace(held: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { capYoungGeneration, slowOldGenerationGrowth } from ${JSON.stringify(heap)};
    capYoungGeneration();
    ${held ? 'slowOldGenerationGrowth();' : ''}
    const alive = [];
    for (let i = 0; i < 150000; i++) alive.push({ id: i, text: 'stored ' + i, items: [i, i + 1] });
    const pages = [];
    let largest = 0;
    for (let turn = 0; turn < 400; turn++) {
      const page = [];
      for (let i = 0; i < 5000; i++) page.push({ id: i, text: 'page ' + turn + ' row ' + i, items: [i, i + 1] });
      pages.push(page);
      if (pages.length > 4) pages.shift();
      largest = Math.max(largest, getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(largest / 1024 / 1024) + ' ' + alive.length);
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return Number(run.stdout.split(' ')[0]);
}

describe('the old generation grows little past what is alive in every host (main/heap.ts)', () => {
  it(`collects at ${OLD_GENERATION_GROWTH_PERCENT} % growth where V8 alone lets promoted garbage pile up to several times the live heap`, () => {
    // About 150 MiB seen without (V8's factor of 4 on this machine), about 50–65 MiB with it on a quiet machine and
    // up to 87 under CI's parallel load (concurrent marking finishes later while the pages keep coming).
    const alone = largestOldSpace(false);
    const held = largestOldSpace(true);
    expect(alone).toBeGreaterThan(110);
    expect(held).toBeLessThan(Math.min(100, alone * 0.7));
  }, 60_000);
});

describe('the young generation is capped in every host (main/heap.ts)', () => {
  // V8 grows within a task before the cap's check runs after a collection, and under load (CI runs test files in
  // parallel) it can take a few steps past the cap: 21–35 MiB seen at load ~20. Uncapped it reaches 128 MiB.
  const bound = 6 * YOUNG_GENERATION_CAP_MIB;

  it('holds new space near the cap where V8 alone grows it far past (64 MiB semi-spaces on this machine)', () => {
    expect(largestNewSpace(false)).toBeGreaterThan(bound);
    expect(largestNewSpace(true)).toBeLessThanOrEqual(bound);
  }, 60_000);

  let cli: CliProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'rd-heap-cli-'));
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) cli.child.kill('SIGTERM');
    await cli?.done;
    cli = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('`npm run cli -- watch` (long-running, syncs like the app) runs with the cap', async () => {
    const probe = youngGenerationProbe();
    cli = startCli(['watch'], { RETURNDESK_API_KEY: '', RETURNDESK_BASE_URL: '', RETURNDESK_DATA_DIR: dataDir, ...probe.env });
    await cli.waitFor(/Watching/);
    expect(await probe.measure(cli.child.pid!)).toBeLessThanOrEqual(bound);
  }, 120_000);
});
