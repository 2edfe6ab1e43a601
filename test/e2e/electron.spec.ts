import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(import.meta.dirname, '..', '..');

function electronExecutable(): string | null {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

const executable = electronExecutable();

test('the desktop app opens its window with the preload bridge', async () => {
  test.skip(!executable, 'Electron binary not installed here (it cannot be downloaded on this machine): desktop smoke test not run');
  const app = await electron.launch({
    executablePath: executable!,
    args: [root],
    env: { ...process.env, RETURNDESK_DATA_DIR: join(root, '.tmp', 'electron-smoke') },
  });
  const window = await app.firstWindow();
  await expect(window.getByTestId('app-transport')).toHaveText('Desktop (IPC)');
  const isolated = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined');
  expect(isolated).toBe(true);
  await app.close();
});
