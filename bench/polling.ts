// Steady polling: how many requests one poll cycle costs per store when nothing changed, and when one
// return changed. Run: ./node_modules/.bin/node bench/polling.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import { sandboxAdmin } from '../sandbox/admin-client.ts';
import { startSandbox } from '../sandbox/index.ts';
import { limit, printFigures, reference, round, type Figure } from './figures.ts';

export async function runPollingBench(): Promise<{ figures: Figure[] }> {
  const sandbox = await startSandbox({ port: 0, seed: 42, returns: 1000, quiet: true });
  const admin = sandboxAdmin(sandbox.url);
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-poll-'));
  const store = openStore(storePath(dir));
  try {
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    const sync = new SyncEngine({ client, store });
    await sync.syncNow();
    const campaigns = store.watchedCampaigns();
    const cycle = async (lane: 'fast' | 'slow'): Promise<number> => {
      const before = client.requestsMade;
      for (const c of campaigns) await sync.syncCampaign(c.id, lane);
      return (client.requestsMade - before) / campaigns.length;
    };
    const fastIdle = await cycle('fast');
    const slowIdle = await cycle('slow');
    // One return changes on the Market: a dispute opens on a return that awaits a decision.
    const awaiting = store.awaitingDecision(Date.now())[0];
    if (!awaiting) throw new Error('no return awaits a decision in the demo data');
    await admin.setReturnStatus(awaiting.id, 'PREMODERATION_DISPUTE', { force: true });
    const fastChanged = await cycle('fast');
    const slowChanged = await cycle('slow');
    return {
      figures: [
        limit('fast lane requests per store per cycle, nothing changed', round(fastIdle), 'requests', 1, 'README: an idle poll costs one request per store'),
        limit('slow lane requests per store per cycle, nothing changed', round(slowIdle), 'requests', 1, 'README: an idle poll costs one request per store'),
        reference('fast lane requests per store per cycle, one return changed', round(fastChanged), 'requests'),
        reference('slow lane requests per store per cycle, one return changed', round(slowChanged), 'requests'),
      ],
    };
  } finally {
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) printFigures('Steady polling', (await runPollingBench()).figures);
