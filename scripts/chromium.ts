/**
 * The Chromium that end-to-end tests, browser security tests and the rendering bench drive: the one
 * named by RETURNDESK_CHROMIUM, else one Playwright installed, else Debian's. None is ever downloaded.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Debian's and Ubuntu's packages put it here. */
const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface ChromiumFound {
  path: string;
  source: 'RETURNDESK_CHROMIUM' | 'Playwright' | 'system';
}

/** How to get a browser, in one line. */
export const NO_CHROMIUM =
  'No Chromium for the browser tests: install one with "sudo apt-get install chromium" (Debian/Ubuntu) or "npx playwright install chromium", or set RETURNDESK_CHROMIUM to a Chromium or Chrome executable.';

/** The browser to use, or why there is none (RETURNDESK_CHROMIUM naming a missing file is an error, not a fallback). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumFound | { problem: string } {
  const named = env.RETURNDESK_CHROMIUM?.trim();
  if (named) {
    return existsSync(named)
      ? { path: named, source: 'RETURNDESK_CHROMIUM' }
      : { problem: `RETURNDESK_CHROMIUM names ${named}, which does not exist. ${NO_CHROMIUM}` };
  }
  let managed: string | undefined;
  try {
    managed = chromium.executablePath();
  } catch {
    managed = undefined; // this Playwright knows no browser for the platform
  }
  if (managed && existsSync(managed)) return { path: managed, source: 'Playwright' };
  const system = SYSTEM_CHROMIUMS.find((path) => existsSync(path));
  return system ? { path: system, source: 'system' } : { problem: NO_CHROMIUM };
}

/** The browser's path; throws one line (no stack) saying how to get one. */
export function requireChromium(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(env);
  if ('path' in found) return found.path;
  const error = new Error(found.problem);
  error.stack = found.problem;
  throw error;
}

/** The arguments every launch uses: headless on a shared machine, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
