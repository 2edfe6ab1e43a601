// The app under soak as a child process (scripts/soak-app.ts) and its WebSocket contract, as a page would use it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

const root = join(import.meta.dirname, '..');

export type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface AppBridge {
  call<T = unknown>(channel: string, args?: unknown, timeoutMs?: number): Promise<Answer<T>>;
  close(): void;
}

export interface AppProcess {
  pid: number;
  url: string;
  bridge: AppBridge;
  output(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** Retunes the app's clock to the sandbox's (after the soak changed the rate). */
  setClock(clock: { sandboxMs: number; realMs: number; rate: number }): void;
}

export interface StartOptions {
  dataDir: string;
  baseUrl: string;
  apiKey: string;
  /** Called once the process has loaded; the clock it answers with is the one the app runs on. */
  clock: () => Promise<{ sandboxMs: number; realMs: number; rate: number }>;
  /** Start with a long schema step first; `onMigrating` is called once it runs. */
  slowMigrationMs?: number;
  onMigrating?: (child: ChildProcess) => void;
  onEvent: (event: string, payload: unknown) => void;
  /** The folder every start serves its (empty) page from, kept by the caller. */
  pageDir?: string;
}

/**
 * A process of the app that has loaded its code and waits for the clock. Until given it, it has opened
 * nothing in the data folder (only a start with a slow migration opens the store before it waits), so the
 * soak can load the next process while the current one runs and hand it the data folder after a kill.
 */
export interface LoadedApp {
  child: ChildProcess;
  exited: Promise<string>;
  output(): string;
  /** Called with everything printed so far, and again on each new chunk. */
  watch(listener: () => void): void;
}

export function loadApp(options: Pick<StartOptions, 'dataDir' | 'baseUrl' | 'apiKey' | 'slowMigrationMs' | 'pageDir'>): LoadedApp {
  const args = [
    join(root, 'scripts', 'soak-app.ts'),
    ...(options.slowMigrationMs ? ['--slow-migration', String(options.slowMigrationMs)] : []),
    ...(options.pageDir ? ['--page-dir', options.pageDir] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      RETURNDESK_DATA_DIR: options.dataDir,
      RETURNDESK_API_KEY: options.apiKey,
      RETURNDESK_BASE_URL: options.baseUrl,
      RETURNDESK_LOG_LEVEL: 'error',
      // The operator's working day, quiet hours and the Market all run on Moscow time.
      TZ: 'Europe/Moscow',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let listener: (() => void) | null = null;
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  child.stdin!.on('error', () => undefined);
  // The tail is enough to say why it did not come up; a week of log lines is not kept in memory.
  child.stderr!.on('data', (chunk) => (out = (out + String(chunk)).slice(-20_000)));
  child.stdout!.on('data', (chunk) => {
    out += String(chunk);
    listener?.();
  });
  return {
    child,
    exited,
    output: () => out,
    watch: (next) => {
      listener = next;
      next();
    },
  };
}

/** Starts the app (or hands the clock to one already loaded) and opens its bridge; rejects with what it printed when it does not come up. */
export async function startApp(options: StartOptions, loaded: LoadedApp = loadApp(options)): Promise<AppProcess> {
  const { child, exited } = loaded;
  let note = '';
  const out = (): string => loaded.output() + note;
  // Cleared once up (or gone): left running, it would SIGKILL every app that lived past two minutes.
  const giveUp = setTimeout(() => {
    child.kill('SIGKILL');
    note = '\n(the soak gave up: the app did not come up within 120 s)';
  }, 120_000);
  const url = await new Promise<string>((resolve, reject) => {
    let migrating = false;
    let waiting = false;
    loaded.watch(() => {
      const text = loaded.output();
      if (!waiting && text.includes('Waiting for the clock')) {
        waiting = true;
        options.clock().then(
          (clock) => child.stdin!.write(`${JSON.stringify(clock)}\n`),
          (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
        );
      }
      if (!migrating && text.includes('Migrating the data folder')) {
        migrating = true;
        options.onMigrating?.(child);
      }
      const match = /Open: (\S+)/.exec(text);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((how) => reject(new AppExited(how, out())));
  }).finally(() => clearTimeout(giveUp));
  const bridge = await openBridge(url, options.onEvent);
  return {
    pid: child.pid!,
    url,
    bridge,
    output: out,
    exited,
    kill: (signal) => child.kill(signal),
    setClock: (clock) => void child.stdin!.write(`${JSON.stringify(clock)}\n`),
  };
}

export class AppExited extends Error {
  readonly how: string;
  readonly output: string;
  constructor(how: string, output: string) {
    super(`the app exited (${how}) before it was up:\n${output.slice(-2000)}`);
    this.how = how;
    this.output = output;
  }
}

async function openBridge(printedUrl: string, onEvent: (event: string, payload: unknown) => void): Promise<AppBridge> {
  const url = new URL(printedUrl);
  const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
  const ws = new WebSocket(`ws://${url.host}/bridge?token=${token}`, { headers: { origin: url.origin } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map<number, (answer: Answer<never>) => void>();
  const fail = (message: string): void => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'TRANSPORT', message } });
    pending.clear();
  };
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: number; result?: Answer<never>; event?: string; payload?: unknown };
    if (message.type === 'result' && message.id !== undefined) {
      pending.get(message.id)?.(message.result!);
      pending.delete(message.id);
    } else if (message.type === 'event' && message.event) onEvent(message.event, message.payload);
  });
  ws.on('close', () => fail('the app closed the connection'));
  ws.on('error', () => fail('the connection to the app failed'));
  let nextId = 1;
  const bridge: AppBridge = {
    call: (channel, args, timeoutMs = 30_000) =>
      new Promise((resolve) => {
        if (ws.readyState !== ws.OPEN) return resolve({ ok: false, error: { code: 'TRANSPORT', message: 'the app is not connected' } });
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'TIMEOUT', message: `${channel} got no answer within ${timeoutMs} ms` } });
        }, timeoutMs);
        pending.set(id, (answer) => {
          clearTimeout(timer);
          resolve(answer as never);
        });
        ws.send(JSON.stringify({ id, channel, args }));
      }),
    close: () => ws.close(),
  };
  await bridge.call('app.ready');
  return bridge;
}

/** Resident memory of a process in bytes (Linux /proc), or null where it cannot be read. */
export function residentBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
