// Web mode's start as the operator meets it (the process `npm run web` runs, a stand-in page): the first inbox page
// is answered before sync and the alerts start, and both still start after it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { openBridge } from '../../helpers/bridge-socket.ts';
import { runCli } from '../../helpers/cli-process.ts';
import { startWebProcess, type WebProcess } from '../../helpers/web-process.ts';

let sandbox: RunningSandbox;
const webs: WebProcess[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  for (const web of webs) await web.stop();
  await sandbox.close();
});

/** Requests the sandbox has answered for the app: the Market calls sync and the alerts make. */
async function marketCalls(): Promise<number> {
  const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as { total: number };
  return stats.total;
}

describe('web mode start', () => {
  it('answers the first inbox page before sync and the alerts start, then syncs and raises the alerts', async () => {
    const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url }, undefined, { standInRenderer: true });
    webs.push(web);
    // A browser opens the page: web mode then waits for its first inbox page (up to 30 s) before any background work.
    expect((await fetch(new URL('/', web.url))).status).toBe(200);
    const bridge = await openBridge(web.url);
    try {
      const before = await marketCalls();
      const page = await bridge.call<{ rows: unknown[] }>('returns.list', { filter: {}, offset: 0, limit: 50 });
      expect(page.ok).toBe(true);
      // Nothing asked the Market before the first page was answered (the stats call itself is not a Market call).
      expect(before).toBe(0);
      // Then sync starts and fills the inbox...
      await expect
        .poll(
          async () => {
            const again = await bridge.call<{ rows: unknown[] }>('returns.list', { filter: {}, offset: 0, limit: 50 });
            return again.ok ? again.value.rows.length : -1;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      // ...and the alert timers run: the demo world holds returns due within 24 hours, alerted while no screen said ready.
      await expect
        .poll(
          async () => {
            const pending = await bridge.call<unknown[]>('alerts.pending');
            return pending.ok ? pending.value.length : -1;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBeGreaterThan(0);
    } finally {
      bridge.close();
    }
    expect(await marketCalls()).toBeGreaterThan(0);
  }, 150_000);

  it('starts the alert timers after the first page even when the Market cannot be reached (no sync to start a check)', async () => {
    // Returns stored by an earlier sync (the command line's, which raises no alerts), then a start with the Market down.
    const dataDir = mkdtempSync(join(tmpdir(), 'returndesk-web-start-'));
    const synced = await runCli(['sync', '--once'], { RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url });
    expect(synced.code, synced.stderr).toBe(0);
    const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: 'http://127.0.0.1:9' }, dataDir, { standInRenderer: true });
    webs.push(web);
    expect((await fetch(new URL('/', web.url))).status).toBe(200);
    const bridge = await openBridge(web.url);
    try {
      const page = await bridge.call<{ rows: unknown[] }>('returns.list', { filter: {}, offset: 0, limit: 50 });
      expect(page.ok && page.value.rows.length).toBeGreaterThan(0);
      // The demo world holds returns due within 24 hours: the alert timers' first check raises them.
      await expect
        .poll(
          async () => {
            const pending = await bridge.call<unknown[]>('alerts.pending');
            return pending.ok ? pending.value.length : -1;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBeGreaterThan(0);
    } finally {
      bridge.close();
    }
  }, 150_000);
});
