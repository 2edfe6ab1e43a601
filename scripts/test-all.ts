/**
 * `npm test`: typecheck, lint, build, the Electron security audit, unit and integration tests
 * (vitest), end-to-end tests (Playwright in the Chromium found). Runs every step, then prints one
 * summary — naming every skipped suite and why — and fails if any step failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium } from './chromium.ts';
import { summarize, type PlaywrightReport, type VitestReport } from './test-summary.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const results = join(root, 'test-results');

interface Step {
  name: string;
  command: string;
  args: string[];
  /** Why the step cannot run here; it then fails with this line instead of running. */
  cannotRun?: string;
}

const browser = findChromium();
const steps: Step[] = [
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'build', command: process.execPath, args: [join(root, 'scripts', 'build.ts')] },
  { name: 'audit', command: process.execPath, args: [join(root, 'scripts', 'audit.ts')] },
  { name: 'vitest', command: bin('vitest'), args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(results, 'vitest.json')}`] },
  { name: 'playwright', command: bin('playwright'), args: ['test'], ...('problem' in browser ? { cannotRun: browser.problem } : {}) },
];

rmSync(join(results, 'vitest.json'), { force: true });
rmSync(join(results, 'playwright.json'), { force: true });
const outcome: Array<{ name: string; ok: boolean; seconds: number; note?: string }> = [];
for (const step of steps) {
  process.stdout.write(`\n=== ${step.name} ===\n`);
  if (step.cannotRun) {
    process.stdout.write(`${step.cannotRun}\n`);
    outcome.push({ name: step.name, ok: false, seconds: 0, note: step.cannotRun });
    continue;
  }
  const started = Date.now();
  const run = spawnSync(step.command, step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  outcome.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

const vitestFile = join(results, 'vitest.json');
const pwFile = join(results, 'playwright.json');
const counts = summarize(
  existsSync(vitestFile) ? (JSON.parse(readFileSync(vitestFile, 'utf8')) as VitestReport) : null,
  existsSync(pwFile) ? (JSON.parse(readFileSync(pwFile, 'utf8')) as PlaywrightReport) : null,
  root,
);

process.stdout.write('\n=== summary ===\n');
for (const step of outcome)
  process.stdout.write(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(11)} ${step.seconds.toFixed(1)} s${step.note ? `  ${step.note}` : ''}\n`);
for (const suite of counts.skippedSuites) process.stdout.write(`skipped: ${suite}\n`);
const failedSteps = outcome.filter((s) => !s.ok).length;
process.stdout.write(
  `tests: ${counts.passed} passed, ${counts.failed + (failedSteps && !counts.failed ? failedSteps : 0)} failed, ${counts.skipped} skipped\n`,
);
process.exit(failedSteps ? 1 : 0);
