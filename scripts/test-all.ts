/**
 * `npm test`: typecheck, lint, build, unit and integration tests (vitest), end-to-end tests
 * (Playwright in Debian's Chromium). Runs every step, then prints one summary and fails if any failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');

interface Step {
  name: string;
  command: string;
  args: string[];
}

const steps: Step[] = [
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'build', command: process.execPath, args: [join(root, 'scripts', 'build.ts')] },
  { name: 'audit', command: process.execPath, args: [join(root, 'scripts', 'audit.ts')] },
  { name: 'vitest', command: bin('vitest'), args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`] },
  { name: 'playwright', command: bin('playwright'), args: ['test'] },
];

rmSync(join(results, 'vitest.json'), { force: true });
rmSync(join(results, 'playwright.json'), { force: true });
const outcome: Array<{ name: string; ok: boolean; seconds: number }> = [];
for (const step of steps) {
  process.stdout.write(`\n=== ${step.name} ===\n`);
  const started = Date.now();
  const run = spawnSync(step.command, step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  outcome.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  skipReasons: string[];
}
const counts: Counts = { passed: 0, failed: 0, skipped: 0, skipReasons: [] };

const vitestFile = join(results, 'vitest.json');
if (existsSync(vitestFile)) {
  const report = JSON.parse(readFileSync(vitestFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  counts.passed += report.numPassedTests;
  counts.failed += report.numFailedTests;
  counts.skipped += report.numPendingTests + report.numTodoTests;
}

interface PwSpec { title: string; tests: Array<{ annotations?: Array<{ type: string; description?: string }>; results: Array<{ status: string }> }> }
interface PwSuite { specs?: PwSpec[]; suites?: PwSuite[] }
const walk = (suite: PwSuite): void => {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests) {
      const status = t.results.at(-1)?.status ?? 'skipped';
      if (status === 'passed') counts.passed++;
      else if (status === 'skipped') {
        counts.skipped++;
        const why = t.annotations?.find((a) => a.type === 'skip')?.description;
        counts.skipReasons.push(`${spec.title}${why ? ` — ${why}` : ''}`);
      } else counts.failed++;
    }
  }
  for (const child of suite.suites ?? []) walk(child);
};
const pwFile = join(results, 'playwright.json');
if (existsSync(pwFile)) for (const suite of (JSON.parse(readFileSync(pwFile, 'utf8')) as { suites: PwSuite[] }).suites) walk(suite);

process.stdout.write('\n=== summary ===\n');
for (const step of outcome) process.stdout.write(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(11)} ${step.seconds.toFixed(1)} s\n`);
for (const reason of counts.skipReasons) process.stdout.write(`skipped: ${reason}\n`);
const failedSteps = outcome.filter((s) => !s.ok).length;
process.stdout.write(`tests: ${counts.passed} passed, ${counts.failed + (failedSteps && !counts.failed ? failedSteps : 0)} failed, ${counts.skipped} skipped\n`);
process.exit(failedSteps ? 1 : 0);
