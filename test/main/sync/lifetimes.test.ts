import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler, systemClock } from '../../../main/market/scheduler.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('timer lifetimes', () => {
  it('a timer someone awaits holds the process; a background timer does not', () => {
    const awaited = systemClock.setTimeout(() => {}, 60_000, { keepAlive: true }) as NodeJS.Timeout;
    const background = systemClock.setTimeout(() => {}, 60_000) as NodeJS.Timeout;
    try {
      expect(awaited.hasRef()).toBe(true);
      expect(background.hasRef()).toBe(false);
    } finally {
      systemClock.clearTimeout(awaited);
      systemClock.clearTimeout(background);
    }
  });

  it('a one-shot script waiting for a queued request lives until it runs, and one whose queue is cancelled ends at once', () => {
    const script = (cancel: boolean) => `
      import { KeyScheduler } from ${JSON.stringify(join(root, 'main/market/scheduler.ts'))};
      const s = new KeyScheduler({ limits: { m: { amount: 1, periodMs: 1500 } }, reserve: { poll: 0 } });
      const started = Date.now();
      await s.run('m', 'poll', async () => 1);
      const second = s.run('m', 'poll', async () => 2).then((v) => console.log('ran', v, Date.now() - started >= 1000), (e) => console.log('cancelled', e.name));
      ${cancel ? "s.cancelQueued('stop');" : ''}
      await second;
    `;
    const waited = spawnSync(process.execPath, ['--input-type=module', '-e', script(false)], { encoding: 'utf8', timeout: 30_000 });
    expect(waited.stdout.trim()).toBe('ran 2 true');
    const started = Date.now();
    const cancelled = spawnSync(process.execPath, ['--input-type=module', '-e', script(true)], { encoding: 'utf8', timeout: 30_000 });
    expect(cancelled.stdout.trim()).toBe('cancelled SchedulerStoppedError');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('stopping the sync engine while the Market is unreachable', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let store: Store;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 40 });
    admin = sandboxAdmin(sandbox.url);
    store = openStore(':memory:');
  });
  afterEach(async () => {
    store.close();
    await sandbox.close();
  });

  it('cancels the retry it waits in: stop() returns at once and no request follows it', async () => {
    await new SyncEngine({ client: new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() }), store }).syncNow();
    await admin.setFaults({ type: 'drop' });
    // Retries a minute apart: without cancelling, stop() would wait for them.
    const client = new MarketClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      scheduler: new KeyScheduler(),
      retry: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const engine = new SyncEngine({ client, store });
    const errors: string[] = [];
    engine.on('error', (e) => errors.push(e.error.kind));
    const before = client.requestsMade;
    engine.start();
    for (let i = 0; i < 500 && client.requestsMade === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(client.requestsMade).toBeGreaterThan(before);
    const stopping = Date.now();
    await engine.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    const after = client.requestsMade;
    await new Promise((r) => setTimeout(r, 300));
    expect(client.requestsMade).toBe(after);
    // A stop is not a failure of the Market: nothing is reported for it.
    expect(errors).toEqual([]);
    expect(store.listCampaigns().every((c) => store.getCursor(c.id).lastError === null)).toBe(true);
  });
});
