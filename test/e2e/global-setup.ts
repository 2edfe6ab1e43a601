import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts web mode exactly as `npm run web` does (demo mode, its own sandbox) in a fresh data folder,
 * and hands its printed URL to the tests through RETURNDESK_E2E_URL.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = join(import.meta.dirname, '..', '..');
  const dataDir = mkdtempSync(join(tmpdir(), 'returndesk-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'main', 'web.ts'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: '', RETURNDESK_BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`web mode did not print its URL within 60 s.\n${stdout}\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /Open: (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  process.env.RETURNDESK_E2E_URL = url;
  process.env.RETURNDESK_E2E_DATA_DIR = dataDir;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
}
