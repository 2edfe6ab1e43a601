import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.ts';

const browser = findChromium();

/** End-to-end tests drive web mode in the Chromium found (RETURNDESK_CHROMIUM, Playwright's, Debian's); none is downloaded. */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Without a browser the global setup stops the run with one line saying how to get one.
    launchOptions: { ...('path' in browser ? { executablePath: browser.path } : {}), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'web', testIgnore: '**/electron.spec.ts' },
    { name: 'electron', testMatch: '**/electron.spec.ts' },
  ],
});
