import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export const e2eUrl = (): string => {
  const url = process.env.RETURNDESK_E2E_URL;
  if (!url) throw new Error('RETURNDESK_E2E_URL is not set: global setup did not start web mode');
  return url;
};

export const screenshotsDir = join(import.meta.dirname, '..', '..', 'test-results', 'screens');

/** Saves a full-page screenshot under test-results/screens/NAME.png for people to look at. */
export async function saveScreen(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}
