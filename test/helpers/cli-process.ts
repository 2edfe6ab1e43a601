import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface CliRun {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A running `npm run cli -- …` child on the project's Node; its output so far, and how it ended. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout+stderr match `pattern` (or rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliRun>;
}

/** `command args` as is, or under `bash -c "ulimit -S -f KIB"` (1 KiB blocks): a disk that fills up. */
export function withFileSizeLimit(command: string, args: string[], limitKiB: number | undefined): [string, string[]] {
  return limitKiB === undefined ? [command, args] : ['bash', ['-c', `ulimit -S -f ${Math.floor(limitKiB)} && exec "$@"`, 'limited', command, ...args]];
}

/**
 * Starts the CLI the way an operator would: a child process, environment only from `env` over this
 * one's; `fileSizeLimitKiB` runs it under a file-size limit (a full disk).
 */
export function startCli(args: string[], env: Record<string, string>, killAfterMs = 120_000, options: { fileSizeLimitKiB?: number } = {}): CliProcess {
  const started = Date.now();
  const [command, argv] = withFileSizeLimit(process.execPath, [join(root, 'main', 'cli.ts'), ...args], options.fileSizeLimitKiB);
  const child = spawn(command, argv, { cwd: root, env: { ...process.env, RETURNDESK_LOG_LEVEL: '', ...env } });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
    for (const l of listeners) l();
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
    for (const l of listeners) l();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return {
    child,
    output: () => ({ stdout, stderr }),
    done,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(stdout + stderr)) return;
          listeners.delete(check);
          clearTimeout(giveUp);
          resolve();
        };
        const giveUp = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void done.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(giveUp);
            if (!pattern.test(stdout + stderr)) reject(new Error(`the CLI ended without ${pattern}; stdout: ${stdout}\nstderr: ${stderr}`));
          }
        });
      });
    },
  };
}

/** Runs the CLI to its end. */
export function runCli(args: string[], env: Record<string, string>, killAfterMs?: number, options: { fileSizeLimitKiB?: number } = {}): Promise<CliRun> {
  return startCli(args, env, killAfterMs, options).done;
}
