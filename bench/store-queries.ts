// Store queries: the inbox query (awaiting decision, by deadline) and a search by order id over
// 50,000 returns. Run: ./node_modules/.bin/node bench/store-queries.ts [--returns 50000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import type { ReturnDTO } from '../main/market/schemas.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import { startSandbox } from '../sandbox/index.ts';
import { percentile, printFigures, round, type Figure } from './figures.ts';

/** Times `run` `times` times and returns the durations in ms. */
function timeRuns(times: number, run: (i: number) => void): number[] {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run(i);
    durations.push(performance.now() - start);
  }
  return durations;
}

export async function runStoreQueriesBench(options: { returns?: number } = {}): Promise<{ figures: Figure[] }> {
  const total = options.returns ?? 50_000;
  const sandbox = await startSandbox({ port: 0, seed: 42, returns: 300, quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-store-'));
  const store = openStore(storePath(dir));
  try {
    // Real DTO shapes from the sandbox, then cloned with fresh ids to reach `total` returns.
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    await new SyncEngine({ client, store }).syncNow();
    const campaigns = store.listCampaigns();
    const templates: Array<{ campaignId: number; dto: ReturnDTO }> = [];
    for (const c of campaigns) {
      for (const row of store.inboxPage({ campaignIds: [c.id] }, { limit: 500 }).rows) {
        const dto = store.getReturnDto(row.id);
        if (dto) templates.push({ campaignId: c.id, dto });
      }
    }
    const now = Date.now();
    const existing = store.countReturns();
    const byCampaign = new Map<number, ReturnDTO[]>();
    for (let i = 0; existing + i < total; i++) {
      const { campaignId, dto } = templates[i % templates.length]!;
      // Spread creation times over the last 60 days; every 20th awaits a decision within 48 hours.
      const created = new Date(now - (i % 20 === 0 ? (i % 47) * 3_600_000 : 3 * 86_400_000 + (i % 57) * 86_400_000)).toISOString();
      const clone: ReturnDTO = { ...dto, id: 900_000_000 + i, orderId: 800_000_000 + Math.floor(i / 2), creationDate: created, updateDate: created };
      if (i % 20 === 0) clone.refundStatus = c(campaigns, campaignId) === 'DBS' ? 'WAITING_FOR_DECISION' : 'PREMODERATION_DECISION_WAITING';
      const list = byCampaign.get(campaignId) ?? [];
      list.push(clone);
      byCampaign.set(campaignId, list);
    }
    const insertStart = performance.now();
    for (const [campaignId, dtos] of byCampaign) {
      for (let i = 0; i < dtos.length; i += 1000) store.upsertReturns(campaignId, dtos.slice(i, i + 1000), now);
    }
    const insertMs = performance.now() - insertStart;
    const stored = store.countReturns();
    const awaitingTotal = store.inboxPage({ awaitingDecision: true }, { limit: 1 }).total;

    const inbox = timeRuns(200, (i) => store.inboxPage({ awaitingDecision: true }, { limit: 200, offset: (i % 5) * 200 }));
    const inboxAll = timeRuns(100, (i) => store.inboxPage({}, { limit: 200, offset: (i % 50) * 200 }));
    const counts = timeRuns(50, () => store.inboxCounts({}));
    const search = timeRuns(200, (i) => store.inboxPage({ search: String(800_000_000 + ((i * 97) % (total / 2))) }, { limit: 50 }));
    const sku = templates[0]!.dto.items[0]!.shopSku;
    const skuSearch = timeRuns(50, () => store.inboxPage({ search: sku.slice(0, 6) }, { limit: 200 }));
    // A word of a product name, typed in another case: matched inside the catalogue's names, then by SKU.
    const named = store.db.prepare('SELECT name FROM product_names ORDER BY offer_id LIMIT 1').get() as { name: string } | undefined;
    const word = (named?.name ?? 'none').split(/\s+/)[0]!.toUpperCase();
    const nameSearch = timeRuns(50, () => store.inboxPage({ search: word }, { limit: 200 }));
    const nameHits = store.inboxPage({ search: word }, { limit: 1 }).total;
    const ms = (v: number): number => round(v, 3);
    return {
      figures: [
        { name: 'returns in the store', value: stored, unit: 'returns', goal: `>= ${total}`, met: stored >= total },
        { name: `of which awaiting a decision`, value: awaitingTotal, unit: 'returns', goal: 'reference', met: true },
        { name: 'bulk upsert rate', value: round((stored - existing) / (insertMs / 1000), 0), unit: 'returns/s', goal: 'reference', met: true },
        {
          name: 'inbox query (awaiting, by deadline, 200 rows) p50',
          value: ms(percentile(inbox, 50)),
          unit: 'ms',
          goal: '<= 16',
          met: percentile(inbox, 50) <= 16,
        },
        {
          name: 'inbox query (awaiting, by deadline, 200 rows) p95',
          value: ms(percentile(inbox, 95)),
          unit: 'ms',
          goal: '<= 50',
          met: percentile(inbox, 95) <= 50,
        },
        {
          name: 'inbox query (all, by deadline, 200 rows) p95',
          value: ms(percentile(inboxAll, 95)),
          unit: 'ms',
          goal: '<= 50',
          met: percentile(inboxAll, 95) <= 50,
        },
        { name: 'counts per filter p95', value: ms(percentile(counts, 95)), unit: 'ms', goal: '<= 100', met: percentile(counts, 95) <= 100 },
        { name: 'search by order id p50', value: ms(percentile(search, 50)), unit: 'ms', goal: '<= 5', met: percentile(search, 50) <= 5 },
        { name: 'search by order id p95', value: ms(percentile(search, 95)), unit: 'ms', goal: '<= 20', met: percentile(search, 95) <= 20 },
        { name: 'search by SKU prefix p95', value: ms(percentile(skuSearch, 95)), unit: 'ms', goal: '<= 50', met: percentile(skuSearch, 95) <= 50 },
        {
          name: `search by a product name word ("${word}", ${nameHits} returns) p95`,
          value: ms(percentile(nameSearch, 95)),
          unit: 'ms',
          goal: '<= 50',
          met: percentile(nameSearch, 95) <= 50,
        },
      ],
    };
  } finally {
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function c(campaigns: ReadonlyArray<{ id: number; placementType: string | null }>, id: number): string | null {
  return campaigns.find((x) => x.id === id)?.placementType ?? null;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { returns: { type: 'string' } } });
  printFigures('Store queries', (await runStoreQueriesBench({ returns: values.returns ? Number(values.returns) : undefined })).figures);
}
