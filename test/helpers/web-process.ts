import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmRunWeb } from '../../scripts/web.js';
import { withFileSizeLimit } from './cli-process.ts';

export interface WebProcess {
  /** The address web mode printed, token included. */
  url: string;
  dataDir: string;
  pid: number;
  /** The exit code or signal once the process has ended; null while it runs. */
  ended(): string | null;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface WebProcessOptions {
  /** Serve a one-page stand-in renderer instead of out/renderer, so no `npm run build` is needed. */
  standInRenderer?: boolean;
  /** Runs the process under `bash -c "ulimit -S -f BLOCKS; exec node …"` (1 KiB blocks): a disk that fills up. */
  fileSizeLimitKiB?: number;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * Starts `npm run web`'s entry as an operator would (a child process, a fresh data folder unless
 * given) and resolves with the URL it prints. `env` adds RETURNDESK_* variables.
 */
export function startWebProcess(
  env: Record<string, string>,
  dataDir = mkdtempSync(join(tmpdir(), 'returndesk-web-')),
  options: WebProcessOptions = {},
): Promise<WebProcess> {
  // The operator's command runs the bundle (built first when stale); the stand-in runs the sources.
  const entry = options.standInRenderer ? [join(root, 'test', 'helpers', 'web-stand-in.ts')] : npmRunWeb();
  const [command, args] = withFileSizeLimit(process.execPath, [...entry, '--port', '0'], options.fileSizeLimitKiB);
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let ended: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ?? String(code);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr?.on('data', (chunk) => (out += String(chunk)));
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within 60 s:\n${out}`)), 60_000);
    let started = false;
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /Open: (\S+)/.exec(out);
      if (match?.[1] && !started) {
        started = true;
        clearTimeout(timer);
        resolve({
          url: match[1],
          dataDir,
          pid: child.pid!,
          ended: () => ended,
          output: () => out,
          stop: async () => {
            if (ended === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${out}`)));
  });
}
