import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';

const root = join(import.meta.dirname, '..', '..');
let sandbox: RunningSandbox;
let dataDir: string;

/**
 * Runs `npm run cli -- …` the way an operator would: a child process on the project's Node.
 * Asynchronous, because the sandbox it talks to runs in this process.
 */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'main', 'cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 7, returns: 60 });
  dataDir = mkdtempSync(join(tmpdir(), 'returndesk-cli-'));
});
afterAll(() => sandbox.close());

describe('the command line', () => {
  it('prints help and refuses unknown commands and options with exit code 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['info', 'sync --once', 'list --awaiting', 'decide', 'outbox list|drain', 'watch']) expect(help.stdout).toContain(command);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['info', '--bogus'])).code).toBe(2);
  });

  it('info shows the key only by its last four characters', async () => {
    const info = await cli(['info', '--json']);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`…${sandbox.apiKey.slice(-4)}`);
    expect(info.stdout).not.toContain(sandbox.apiKey);
  });

  it('syncs once, lists what awaits a decision, queues a decision with the app rules and drains it exactly once', { timeout: 180_000 }, async () => {
    const synced = await cli(['sync', '--once']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/Synced \d+ store\(s\)/);
    const listed = await cli(['list', '--awaiting']);
    expect(listed.code).toBe(0);
    const ids = [...listed.stdout.matchAll(/return (\d+) order/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    const admin = sandboxAdmin(sandbox.url);
    // Pick a single-item return so the one-item flags apply.
    let target: number | undefined;
    for (const id of ids) {
      const ret = await admin.getReturn(id);
      if ((ret as unknown as { items: unknown[] }).items.length === 1) {
        target = id;
        break;
      }
    }
    expect(target).toBeDefined();
    const refused = await cli(['decide', '--return', String(target), '--type', 'DECLINE_REFUND']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/reasonType/);
    const queued = await cli(['decide', '--return', String(target), '--type', 'REFUND_MONEY']);
    expect(queued.code, queued.stdout + queued.stderr).toBe(0);
    expect((await cli(['outbox', 'list'])).stdout).toMatch(/queued/);
    const drained = await cli(['outbox', 'drain', '--timeout', '30']);
    expect(drained.code, drained.stdout).toBe(0);
    expect(drained.stdout).toMatch(/delivered/);
    const received = (await admin.received()).filter((r) => r.returnId === target);
    expect(received.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect((await cli(['outbox', 'drain', '--timeout', '5'])).code).toBe(0);
    expect((await admin.received()).filter((r) => r.returnId === target && r.statusCode === 200)).toHaveLength(1);
  });

  it('says what is wrong with a bad base URL', async () => {
    const bad = await cli(['sync', '--once'], { RETURNDESK_BASE_URL: 'not a url' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('RETURNDESK_BASE_URL is invalid');
  });
});
