import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebProcess {
  /** The address web mode printed, token included. */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * Starts `npm run web`'s entry as an operator would (a child process, a fresh data folder unless
 * given) and resolves with the URL it prints. `env` adds RETURNDESK_* variables.
 */
export function startWebProcess(env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), 'returndesk-web-'))): Promise<WebProcess> {
  const child = spawn(process.execPath, [join(root, 'main', 'web.ts'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr?.on('data', (chunk) => (out += String(chunk)));
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /Open: (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          dataDir,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${out}`)));
  });
}
