import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, NO_CHROMIUM } from '../../scripts/chromium.ts';
import { summarize, type VitestReport } from '../../scripts/test-summary.ts';

const root = join(import.meta.dirname, '..', '..');

describe('finding a browser for the tests', () => {
  it('takes RETURNDESK_CHROMIUM when it exists, and names it when it does not instead of falling back', () => {
    expect(findChromium({ RETURNDESK_CHROMIUM: process.execPath })).toEqual({ path: process.execPath, source: 'RETURNDESK_CHROMIUM' });
    const missing = findChromium({ RETURNDESK_CHROMIUM: '/nonexistent/chrome' });
    expect(missing).toEqual({ problem: `RETURNDESK_CHROMIUM names /nonexistent/chrome, which does not exist. ${NO_CHROMIUM}` });
    expect(NO_CHROMIUM).toMatch(/apt-get install chromium.*npx playwright install chromium.*RETURNDESK_CHROMIUM/);
    expect(NO_CHROMIUM).not.toContain('\n');
  });

  it('without a browser, Playwright stops with that one line, not a trace per test', { timeout: 120_000 }, () => {
    const run = spawnSync(join(root, 'node_modules', '.bin', 'playwright'), ['test', '--reporter=line'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, RETURNDESK_CHROMIUM: '/nonexistent/chrome' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).not.toBe(0);
    expect(output.split(NO_CHROMIUM).length - 1).toBe(1);
    expect(output).not.toMatch(/executable doesn't exist|    at /i);
  });
});

describe("npm test's summary", () => {
  it('names every skipped suite with the reason its title gives, and counts it', () => {
    const vitest: VitestReport = {
      numPassedTests: 3,
      numFailedTests: 0,
      numPendingTests: 3,
      numTodoTests: 0,
      testResults: [
        {
          name: join(root, 'test/sandbox/openapi.test.ts'),
          assertionResults: [
            { ancestorTitles: ['SKIPPED — OpenAPI not found at /x (set RETURNDESK_OPENAPI_DIR)'], title: 'campaigns', status: 'skipped' },
            { ancestorTitles: ['SKIPPED — OpenAPI not found at /x (set RETURNDESK_OPENAPI_DIR)'], title: 'decisions', status: 'skipped' },
            { ancestorTitles: ['other'], title: 'runs', status: 'passed' },
          ],
        },
        { name: join(root, 'test/a.test.ts'), assertionResults: [{ ancestorTitles: [], title: 'a lone skipped test', status: 'pending' }] },
      ],
    };
    const playwright = {
      suites: [
        {
          file: 'electron.spec.ts',
          specs: [
            {
              title: 'opens the window',
              file: 'electron.spec.ts',
              tests: [{ annotations: [{ type: 'skip', description: 'Electron binary not installed here' }], results: [{ status: 'skipped' }] }],
            },
          ],
        },
      ],
    };
    const summary = summarize(vitest, playwright, root);
    expect(summary).toEqual({
      passed: 3,
      failed: 0,
      skipped: 4,
      skippedSuites: [
        'vitest test/sandbox/openapi.test.ts › SKIPPED — OpenAPI not found at /x (set RETURNDESK_OPENAPI_DIR) (2 tests)',
        'vitest test/a.test.ts › a lone skipped test (1 test)',
        'playwright electron.spec.ts › opens the window — Electron binary not installed here',
      ],
    });
  });
});

describe('the OpenAPI conformance test under CI', () => {
  it('fails when the spec is missing instead of skipping', { timeout: 120_000 }, () => {
    const run = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'test/sandbox/openapi.test.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', RETURNDESK_OPENAPI_DIR: '/nonexistent/openapi', FORCE_COLOR: '0' },
    });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('CI=true and no OpenAPI at /nonexistent/openapi');
  });
});
