/**
 * What the operator is told by each command when the Market answers nothing, a 5xx, garbage, 420 or
 * 401 — spawned CLI processes against a real sandbox on a free port.
 */
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { openStore, storePath } from '../../main/store/store.ts';
import { runCli, startCli } from '../helpers/cli-process.ts';
import { returnsAtTheMarket } from '../helpers/market-returns.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let dataDir: string;
let closedPort: number;

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  RETURNDESK_DATA_DIR: dataDir,
  RETURNDESK_API_KEY: sandbox.apiKey,
  RETURNDESK_BASE_URL: sandbox.url,
  ...extra,
});
const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, env(extra));

/** A port nothing listens on: a Market that cannot be reached at all. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const returnsAtTheMarketNow = async (): Promise<number> => (await returnsAtTheMarket(sandbox, admin)).size;

/** Awaiting single-item returns in the local store, longest time left first (they survive a clock jump). */
function singleItemAwaiting(): Array<{ id: number; itemId: number }> {
  const store = openStore(storePath(dataDir));
  try {
    return store
      .awaitingDecision(Date.now())
      .reverse()
      .map((r) => ({ id: r.id, items: store.returnDetail(r.id)!.items }))
      .filter((r) => r.items.length === 1 && r.items[0]!.returnItemId !== null)
      .map((r) => ({ id: r.id, itemId: r.items[0]!.returnItemId! }));
  } finally {
    store.close();
  }
}

const accepted = async (returnId: number): Promise<number> => (await admin.received()).filter((r) => r.returnId === returnId && r.statusCode === 200).length;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, returns: 120 });
  admin = sandboxAdmin(sandbox.url);
  closedPort = await freePort();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'returndesk-cli-faults-'));
  await admin.clearFaults();
  await admin.setLimits(1);
});

describe('sync --once tells the truth', () => {
  it('an unreachable Market: says so, stores nothing, exits 1', async () => {
    const run = await cli(['sync', '--once'], { RETURNDESK_BASE_URL: `http://127.0.0.1:${closedPort}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Sync failed after [\d.]+ s: network: The Market could not be reached\. \(getCampaigns\) \[ECONNREFUSED\]\. Nothing was fetched\.\nNothing is stored yet\./,
    );
    expect(run.stdout).toBe('');
  });

  it('a Market that drops every connection: the same, and what the store still holds is named', async () => {
    expect((await cli(['sync', '--once'])).code).toBe(0);
    await admin.setFaults({ type: 'drop' });
    const run = await cli(['sync', '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Sync failed after .*network: .*\[ECONNRESET\]\. Nothing was fetched\.\nThe local store still holds \d+ returns from the sync at /,
    );
  });

  it('one 5xx is retried: every return is stored and the exit code is 0', async () => {
    await admin.setFaults({ type: 'error5xx', count: 1 });
    const run = await cli(['sync', '--once']);
    expect(run.code, run.stderr).toBe(0);
    const faults = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as { faults: Array<{ hits: number }> };
    expect(faults.faults[0]!.hits).toBe(1);
    const expected = await returnsAtTheMarketNow();
    expect(run.stdout).toMatch(new RegExp(`^Synced 4 store\\(s\\) in [\\d.]+ s: ${expected} returns stored, \\d+ await a decision\\.`));
  });

  it('garbage on every answer: names it and exits 1', async () => {
    await admin.setFaults({ type: 'malformed' });
    const run = await cli(['sync', '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Sync (failed|incomplete) .*malformed: The Market answered with data this app cannot read/);
  });

  it('a refused key (401 storm): says the key was rejected and exits 1', async () => {
    await admin.setFaults({ type: 'unauthorized' });
    const run = await cli(['sync', '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Sync failed .*auth: The Market rejected the API key \(401\)/m);
  });

  it('a spent hourly budget (420): says until when and exits 1 at once', async () => {
    const now = Date.parse((await admin.clock()).now);
    await admin.setClock(new Date(Math.ceil(now / 3_600_000) * 3_600_000 + 60_000)); // the window now ends in 59 minutes
    await admin.setLimits(0.0001); // one request an hour per method
    const run = await cli(['sync', '--once']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rate-limited: .*\[until \d{4}-\d\d-\d\dT/);
    expect(run.ms).toBeLessThan(60_000);
  });
});

describe('offline means offline: decide and outbox drain', () => {
  it('sync, cut the Market, decide a return never opened: queued and said so; restore: delivered exactly once', { timeout: 180_000 }, async () => {
    expect((await cli(['sync', '--once'])).code).toBe(0);
    const [target, unknownOptions] = singleItemAwaiting();
    expect(target && unknownOptions).toBeTruthy();
    // One return whose available decisions were never kept: it cannot be checked offline.
    const store = openStore(storePath(dataDir));
    store.db.prepare('DELETE FROM available_decisions_cache WHERE return_id = ?').run(unknownOptions!.id);
    store.close();

    await admin.setFaults({ type: 'drop' });
    const decided = await cli(['decide', '--return', String(target!.id), '--type', 'REFUND_MONEY', '--operator', 'night shift']);
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toMatch(
      new RegExp(`^Queued decision #(\\d+) for return ${target!.id} \\(order \\d+, store \\d+\\): ${target!.itemId}:REFUND_MONEY\\.`),
    );
    expect(decided.stdout).toContain('kept by sync; the Market was not asked now');
    expect(decided.stdout).toContain('not sent yet');

    const unchecked = await cli(['decide', '--return', String(unknownOptions!.id), '--type', 'REFUND_MONEY']);
    expect(unchecked.code).toBe(1);
    expect(unchecked.stderr).toMatch(/^Not queued: the decision cannot be checked now:\n.*return\.availableUnknown/);

    const listed = await cli(['outbox', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`queued +return ${target!.id} .* by night shift`));
    expect(listed.stdout).not.toMatch(/online/);

    const cut = await cli(['outbox', 'drain', '--timeout', '3']);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain('The Market cannot be reached; waiting for it.');
    expect(cut.stdout).toMatch(/Timed out after 3 s with 1 decision\(s\) still waiting: the Market cannot be reached\./);
    expect(await accepted(target!.id)).toBe(0);

    await admin.clearFaults();
    const restored = await cli(['outbox', 'drain', '--timeout', '60']);
    expect(restored.code, restored.stdout).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`#\\d+ return ${target!.id}: delivered`));
    expect(restored.stdout).toContain('Done: 1 decision(s) delivered to the Market.');
    expect(await accepted(target!.id)).toBe(1);
    expect((await cli(['outbox', 'drain', '--timeout', '5'])).code).toBe(0);
    expect(await accepted(target!.id)).toBe(1);
  });

  it('a 5xx and garbage while decisions wait: each delivered exactly once; a 420 and a 401: said, exit 1, sent later once', { timeout: 240_000 }, async () => {
    expect((await cli(['sync', '--once'])).code).toBe(0);
    const [a, b, c, d, other] = singleItemAwaiting();
    const decide = async (id: number): Promise<void> => {
      const run = await cli(['decide', '--return', String(id), '--type', 'REFUND_MONEY']);
      expect(run.code, run.stderr).toBe(0);
    };

    // A 5xx for the submit: the outcome is unknown, the return is re-read, then sent once.
    await decide(a!.id);
    await admin.setFaults({ type: 'error5xx', count: 1, path: 'decision/submit' });
    const fiveXx = await cli(['outbox', 'drain', '--timeout', '60']);
    expect(fiveXx.code, fiveXx.stdout).toBe(0);
    expect(fiveXx.stdout).toContain('Sent, but the answer was lost');
    expect(fiveXx.stdout).toContain('Done: 1 decision(s) delivered');
    expect(await accepted(a!.id)).toBe(1);

    // Garbage for the submit (applied at the Market, answer unreadable): found on the re-read, not sent twice.
    await decide(b!.id);
    await admin.setFaults({ type: 'malformed', count: 1, path: 'decision/submit' });
    const garbage = await cli(['outbox', 'drain', '--timeout', '60']);
    expect(garbage.code, garbage.stdout).toBe(0);
    expect(garbage.stdout).toContain('nothing was sent twice');
    expect(await accepted(b!.id)).toBe(1);

    // A refused key: stops at once instead of waiting out the timeout; delivered once the key is accepted again.
    await decide(d!.id);
    await admin.setFaults({ type: 'unauthorized' });
    const refused = await cli(['outbox', 'drain', '--timeout', '60']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/Stopped: the Market refused the API key .*1 decision\(s\) stay in the outbox until the key is fixed/);
    expect(refused.ms).toBeLessThan(30_000);
    await admin.clearFaults();
    const keyBack = await cli(['outbox', 'drain', '--timeout', '60']);
    expect(keyBack.code, keyBack.stdout).toBe(0);
    expect(keyBack.stdout).toContain('Done: 1 decision(s) delivered');

    // A spent submit budget (420 until the end of the hour): the drain says so and exits 1; nothing is lost, and
    // nothing of that method is sent again before the window's end, by this process or the next.
    await decide(c!.id);
    const now = Date.parse((await admin.clock()).now);
    await admin.setClock(new Date(Math.ceil(now / 3_600_000) * 3_600_000 + 60_000)); // the window now ends in 59 minutes
    await admin.setLimits(0.0001);
    // Someone else on the same key spends the one submit of this hour.
    const spent = (await admin.getReturn(other!.id)) as { campaignId: number; orderId: number };
    const spend = await fetch(`${sandbox.url}/v2/campaigns/${spent.campaignId}/orders/${spent.orderId}/returns/${other!.id}/decision/submit`, {
      method: 'POST',
      headers: { 'Api-Key': sandbox.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ returnItemDecisions: [{ returnItemId: other!.itemId, decisionType: 'REFUND_MONEY' }] }),
    });
    expect(spend.status).toBe(200);
    const limited = await cli(['outbox', 'drain', '--timeout', '4']);
    expect(limited.code, limited.stdout).toBe(1);
    expect(limited.stdout).toContain('The Market asked to slow down');
    expect(limited.stdout).toMatch(/Timed out after 4 s with 1 decision\(s\) still waiting: the Market answers, but asked to wait/);
    // The budget is back at the Market, but the window the 420 named has not ended: the next process waits too.
    await admin.setLimits(1);
    const again = await cli(['outbox', 'drain', '--timeout', '3']);
    expect(again.code, again.stdout).toBe(1);
    expect(await accepted(c!.id)).toBe(0);
    const kept = await cli(['outbox', 'list']);
    expect(kept.stdout).toMatch(new RegExp(`queued .*return ${c!.id}`));
    expect([await accepted(a!.id), await accepted(b!.id), await accepted(d!.id)]).toEqual([1, 1, 1]);
  });
});

describe('watch runs until it is stopped', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'keeps running, and %s stops it cleanly with 0 — also while the Market is unreachable',
    { timeout: 120_000 },
    async (signal) => {
      expect((await cli(['sync', '--once'])).code).toBe(0);
      await admin.setFaults({ type: 'drop' });
      const watch = startCli(['watch'], env());
      await watch.waitFor(/Ctrl\+C to stop/);
      await watch.waitFor(/sync .*could not be reached.*retrying at the next poll/);
      // It used to end by itself a second after starting.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(watch.child.exitCode).toBeNull();
      watch.child.kill(signal);
      const ended = await watch.done;
      expect(ended.code).toBe(0);
      expect(ended.stdout).toContain(`${signal}: stopping…\nStopped.`);
    },
  );
});
