import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli as runCliInProcess } from '../../main/cli.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { runCli } from '../helpers/cli-process.ts';

let sandbox: RunningSandbox;
let dataDir: string;
const env = (): Record<string, string> => ({ RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env(), ...extra });

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 7, returns: 60 });
  dataDir = mkdtempSync(join(tmpdir(), 'returndesk-cli-'));
});
afterAll(() => sandbox.close());

describe('the command line', () => {
  it('prints help, and refuses no command, unknown commands and options with exit code 2', async () => {
    const [help, none, unknown, option] = await Promise.all([cli(['--help']), cli([]), cli(['frobnicate']), cli(['info', '--bogus'])]);
    expect(help.code).toBe(0);
    for (const command of ['info', 'sync --once', 'list --awaiting', 'decide', 'outbox list|drain', 'watch']) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('Exit codes: 0 done, 1 failure, 2 bad arguments, 3 refused');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Say which command to run/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("'--bogus'");
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
    expect(synced.stdout).toMatch(/^Synced \d+ store\(s\) in [\d.]+ s: \d+ returns stored, \d+ await a decision\./);
    expect(synced.stdout).toMatch(/Decision options kept for all \d+ awaiting returns/);
    const listed = await cli(['list', '--awaiting']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^From the local store, as of the last sync at /);
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
    expect(refused.stderr).toMatch(/Refused; nothing was queued[\s\S]*reasonType/);
    const queued = await cli(['decide', '--return', String(target), '--type', 'REFUND_MONEY']);
    expect(queued.code, queued.stdout + queued.stderr).toBe(0);
    expect(queued.stdout).toMatch(/^Queued decision #\d+ for return \d+/);
    expect(queued.stdout).toContain('not sent yet');
    const outbox = await cli(['outbox', 'list']);
    expect(outbox.stdout).toMatch(/queued/);
    // A listing reads the local store: it cannot know whether the Market answers, and does not say.
    expect(outbox.stdout).not.toMatch(/online|offline|answered|reached/);
    const drained = await cli(['outbox', 'drain', '--timeout', '30']);
    expect(drained.code, drained.stdout).toBe(0);
    expect(drained.stdout).toMatch(/Done: 1 decision\(s\) delivered to the Market\./);
    const received = (await admin.received()).filter((r) => r.returnId === target);
    expect(received.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const again = await cli(['outbox', 'drain', '--timeout', '5']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to send/);
    expect((await admin.received()).filter((r) => r.returnId === target && r.statusCode === 200)).toHaveLength(1);
    const unknown = await cli(['decide', '--return', '1', '--type', 'REFUND_MONEY']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('Return 1 is not in the local store');
  });

  it('says what is wrong with a bad base URL in the environment', async () => {
    const bad = await cli(['sync', '--once'], { RETURNDESK_BASE_URL: 'not a url' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('RETURNDESK_BASE_URL is invalid');
  });
});

describe('every bad argument: exit 2 and a line naming it', () => {
  let stderr: string;
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    process.env.RETURNDESK_DATA_DIR = dataDir;
    process.env.RETURNDESK_API_KEY = sandbox.apiKey;
    process.env.RETURNDESK_BASE_URL = sandbox.url;
    const code = await runCliInProcess(args, () => {});
    vi.restoreAllMocks();
    return { code, stderr };
  }

  it.each([
    [['sync', '--once', '--base-url', 'notaurl'], /^--base-url must be an http:\/\/ or https:\/\/ URL, got "notaurl"/],
    [['sync', '--once', '--base-url', 'file:///etc/passwd'], /^--base-url must be an http:\/\/ or https:\/\/ URL, got "file:\/\/\/etc\/passwd"/],
    [['outbox', 'drain', '--base-url', 'ftp://x'], /^--base-url must be an http/],
    [['outbox', 'list', '--return', 'abc'], /^--return must be a positive whole number, got "abc"/],
    [['outbox', 'list', '--return', '0'], /^--return must be a positive whole number, got "0"/],
    [['outbox', 'drain', '--timeout', 'abc'], /^--timeout must be a number of seconds from 1 to 86400, got "abc"/],
    [['outbox', 'drain', '--timeout', '0'], /^--timeout must be a number of seconds from 1 to 86400, got "0"/],
    [['outbox', 'drain', '--timeout', '1e9'], /^--timeout must be a number of seconds/],
    [['outbox', 'list', '--timeout', '5'], /^--timeout is for "outbox drain"/],
    [['outbox', 'drain', '--return', '5'], /^--return is for "outbox list"/],
    [['outbox', 'list', '--state', 'nope'], /^--state must be one of queued, sending/],
    [['outbox', 'frobnicate'], /^"frobnicate" is not an action of "outbox"/],
    [['outbox'], /^Say "outbox list" or "outbox drain"/],
    [['outbox', 'list', 'extra'], /^unexpected word "extra": "outbox list" takes options only/],
    [['sync', '--once', 'now', 'please'], /^unexpected words "now", "please": "sync" takes options only/],
    [['info', 'x'], /^unexpected word "x"/],
    [['sync'], /^Only "sync --once"/],
    [['list'], /^Say what to list/],
    [['decide'], /^--return is required/],
    [['decide', '--return', 'abc', '--type', 'REFUND_MONEY'], /^--return must be a positive whole number, got "abc"/],
    [
      ['decide', '--return', '5', '--item', '1', '--type', 'PARTIAL_MONEY_REFUND', '--compensation', 'lots'],
      /--compensation must be a number of roubles, got "lots"/,
    ],
    [['decide', '--return', '5', '--base-url', 'javascript:alert(1)'], /^--base-url must be an http/],
    [['outbox', 'list', '--return'], /'--return <value>' argument missing/],
  ])('%j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('a --base-url without an API key is refused by name, not sent to the sandbox', async () => {
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    process.env.RETURNDESK_DATA_DIR = dataDir;
    delete process.env.RETURNDESK_API_KEY;
    delete process.env.RETURNDESK_BASE_URL;
    const code = await runCliInProcess(['sync', '--once', '--base-url', sandbox.url], () => {});
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--base-url needs an API key: set RETURNDESK_API_KEY/);
  });
});
