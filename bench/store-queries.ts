// Store queries over 50,000 returns: inbox pages, filter-chip counts, searches, and the event-loop
// delay while they are served. Run: ./node_modules/.bin/node bench/store-queries.ts [--returns 50000] [--keep file.sqlite]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import type { ReturnDTO } from '../main/market/schemas.ts';
import { openStore, storePath, type Store } from '../main/store/store.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import { startSandbox } from '../sandbox/index.ts';
import { atLeast, limit, percentile, printFigures, reference, round, timeRuns, type Figure } from './figures.ts';

/**
 * The operator's session as main serves it: each request (a page, the chip counts, a search) in its own
 * turn of the event loop, 40 per second for 5 s, while monitorEventLoopDelay samples how late the loop runs.
 */
async function eventLoopDelayDuringQueries(store: Store, searches: readonly string[], total: number): Promise<{ p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const requests: Array<() => unknown> = [
    () => store.inboxPage({}, { limit: 200 }),
    () => store.inboxCounts({}),
    () => store.inboxPage({ awaitingDecision: true }, { limit: 200 }),
    ...searches.map((search) => () => store.inboxPage({ search }, { limit: 200 })),
    () => store.inboxPage({}, { limit: 200, offset: Math.floor(total / 2) }),
  ];
  for (let i = 0; i < 200; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 25));
    requests[i % requests.length]!();
  }
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

export async function runStoreQueriesBench(options: { returns?: number; keep?: string } = {}): Promise<{ figures: Figure[] }> {
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

    const cpu = (run: () => unknown): number => {
      const c0 = process.cpuUsage();
      run();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    const inbox = timeRuns(200, (i) => store.inboxPage({ awaitingDecision: true }, { limit: 200, offset: (i % 5) * 200 }));
    const inboxAll = timeRuns(100, (i) => store.inboxPage({}, { limit: 200, offset: (i % 50) * 200 }));
    const countsCpu = cpu(() => timeRuns(20, () => store.inboxCounts({}))) / 20;
    const counts = timeRuns(50, (i) => store.inboxCounts(i % 2 ? {} : { awaitingDecision: true }));
    const search = timeRuns(200, (i) => store.inboxPage({ search: String(800_000_000 + ((i * 97) % (total / 2))) }, { limit: 50 }));
    // A product's SKU (what an operator pastes) and the first six characters every demo SKU shares (a third of all returns).
    const sku = templates[0]!.dto.items[0]!.shopSku;
    const skuHits = store.inboxPage({ search: sku }, { limit: 1 }).total;
    const skuSearch = timeRuns(50, () => store.inboxPage({ search: sku }, { limit: 200 }));
    const broad = sku.slice(0, 6);
    const broadHits = store.inboxPage({ search: broad }, { limit: 1 }).total;
    const broadSearch = timeRuns(50, () => store.inboxPage({ search: broad }, { limit: 200 }));
    const broadCpu = cpu(() => timeRuns(20, () => store.inboxPage({ search: broad }, { limit: 200 }))) / 20;
    // A word of a product name, typed in another case: matched inside the catalogue's names, then by SKU.
    const named = store.db.prepare('SELECT name FROM product_names ORDER BY offer_id LIMIT 1').get() as { name: string } | undefined;
    const word = (named?.name ?? 'none').split(/\s+/)[0]!.toUpperCase();
    const nameSearch = timeRuns(50, () => store.inboxPage({ search: word }, { limit: 200 }));
    const nameHits = store.inboxPage({ search: word }, { limit: 1 }).total;
    const skuCpu = cpu(() => timeRuns(20, () => store.inboxPage({ search: sku }, { limit: 200 }))) / 20;
    const nameCpu = cpu(() => timeRuns(20, () => store.inboxPage({ search: word }, { limit: 200 }))) / 20;
    // The chips beside a search say where it found its returns: they are asked with every typed key, as the page is.
    const searchCounts = timeRuns(30, (i) => store.inboxCounts({ search: [sku, broad, word][i % 3]! }));
    const broadCountsCpu = cpu(() => timeRuns(10, () => store.inboxCounts({ search: broad }))) / 10;
    const loopDelay = await eventLoopDelayDuringQueries(store, [sku, broad, word], total);
    // The measured database kept for bench/search-candidates.ts, which tries other search structures on it.
    if (options.keep) store.db.exec(`VACUUM INTO '${options.keep.replace(/'/g, "''")}'`);
    const ms = (v: number): number => round(v, 2);
    return {
      figures: [
        atLeast('returns in the store', stored, 'returns', total, 'every generated return stored'),
        reference('of which awaiting a decision', awaitingTotal, 'returns'),
        reference('bulk upsert rate (1,000 per transaction)', round((stored - existing) / (insertMs / 1000), 0), 'returns/s'),
        reference('inbox query (awaiting, by deadline, 200 rows) p50', ms(percentile(inbox, 50)), 'ms'),
        limit('inbox query (awaiting, by deadline, 200 rows) p95', ms(percentile(inbox, 95)), 'ms', 50, 'README: a page of the inbox ≤ 50 ms'),
        limit('inbox query (all, by deadline, 200 rows) p95', ms(percentile(inboxAll, 95)), 'ms', 50, 'README: a page of the inbox ≤ 50 ms'),
        limit('facet counts (all chips, one pass) p95', ms(percentile(counts, 95)), 'ms', 20, 'README: filter-chip counts ≤ 20 ms'),
        reference('facet counts CPU per call (mean)', ms(countsCpu), 'ms'),
        limit('search by order id p95', ms(percentile(search, 95)), 'ms', 10, 'README: a search ≤ 10 ms'),
        limit(`search by a product's SKU ("${sku}", ${skuHits} returns) p95`, ms(percentile(skuSearch, 95)), 'ms', 10, 'README: a search ≤ 10 ms'),
        reference("search by a product's SKU CPU per call (mean)", ms(skuCpu), 'ms'),
        limit(`search by a broad SKU prefix ("${broad}", ${broadHits} returns) p95`, ms(percentile(broadSearch, 95)), 'ms', 10, 'README: a search ≤ 10 ms'),
        reference('broad SKU prefix search CPU per call (mean)', ms(broadCpu), 'ms'),
        limit(`search by a product name word ("${word}", ${nameHits} returns) p95`, ms(percentile(nameSearch, 95)), 'ms', 10, 'README: a search ≤ 10 ms'),
        reference('product name word search CPU per call (mean)', ms(nameCpu), 'ms'),
        limit('facet counts during a search (the three above) p95', ms(percentile(searchCounts, 95)), 'ms', 20, 'README: filter-chip counts ≤ 20 ms'),
        reference('facet counts during the broad SKU prefix search CPU per call (mean)', ms(broadCountsCpu), 'ms'),
        limit(
          'event-loop delay p99 during inbox queries (pages, counts, searches)',
          ms(loopDelay.p99),
          'ms',
          50,
          'README: the UI process never stalls > 50 ms',
        ),
        reference('event-loop delay max during inbox queries', ms(loopDelay.max), 'ms'),
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
  const { values } = parseArgs({ options: { returns: { type: 'string' }, keep: { type: 'string' } } });
  printFigures('Store queries', (await runStoreQueriesBench({ returns: values.returns ? Number(values.returns) : undefined, keep: values.keep })).figures);
}
