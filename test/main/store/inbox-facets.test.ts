import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_STATUS } from '../../../preload/contract.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { FACET_WALK_ITEMS, openStore, type InboxCounts, type InboxFilter, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';
import type { FacetGroup } from '../../../main/store/inbox-facets.ts';
import { silentLogger } from '../../../main/log.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { T0, aReturn, anOrder, campaign } from '../market/fixtures.ts';
import { searchByScan } from './search-scan.ts';

const DAY = 86_400_000;

/** What each chip would show if clicked: the inbox query's own total with that chip added to the filter. */
function countsByTheInboxQuery(
  store: Store,
  f: InboxFilter,
  values: { campaigns: number[]; types: string[]; refund: string[]; shipment: string[] },
): InboxCounts {
  const total = (x: InboxFilter): number => store.inboxPage(x, { limit: 1 }).total;
  const nonZero = (keys: Array<string | number>, make: (k: string | number) => InboxFilter): Record<string, number> =>
    Object.fromEntries(keys.map((k) => [String(k), total(make(k))]).filter(([, n]) => n !== 0));
  return {
    total: total(f),
    awaitingDecision: total({ ...f, awaitingDecision: true }),
    inDispute: total({ ...f, inDispute: true }),
    fastReturn: total({ ...f, fastReturn: true }),
    withPhotos: total({ ...f, hasPhotos: true }),
    byCampaign: nonZero(values.campaigns, (c) => ({ ...f, campaignIds: [Number(c)] })),
    byType: nonZero(values.types, (t) => ({ ...f, returnType: String(t) })),
    byRefundStatus: nonZero(values.refund, (s) => ({ ...f, refundStatuses: [String(s)] })),
    byShipmentStatus: nonZero(values.shipment, (s) => ({ ...f, shipmentStatuses: [String(s)] })),
  };
}

describe('inbox filter-chip counts from one grouped pass', () => {
  let sandbox: RunningSandbox;
  let store: Store;
  let values: { campaigns: number[]; types: string[]; refund: string[]; shipment: string[] };
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 400, seed: 7 });
    store = openStore(':memory:');
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    const sync = new SyncEngine({ client, store, logger: silentLogger, options: { backfillDays: 3650 } });
    await sync.syncNow();
    await sync.stop();
    const distinct = (column: string): string[] =>
      store.db
        .prepare(`SELECT DISTINCT ${column} AS v FROM returns`)
        .all()
        .map((r) => String((r as { v: unknown }).v ?? NO_STATUS));
    values = {
      campaigns: distinct('campaign_id').map(Number),
      types: distinct('return_type'),
      refund: distinct('refund_status'),
      shipment: distinct('shipment_status'),
    };
  }, 120_000);
  afterAll(async () => {
    store.close();
    await sandbox.close();
  });

  it('the demo data has every facet in more than one value, so the comparison can fail', () => {
    const all = store.inboxCounts();
    expect(all.total).toBeGreaterThan(300);
    expect(Object.keys(all.byCampaign).length).toBeGreaterThan(1);
    expect(Object.keys(all.byRefundStatus).length).toBeGreaterThan(2);
    expect(all.awaitingDecision).toBeGreaterThan(0);
    expect(all.awaitingDecision).toBeLessThan(all.total);
  });

  it('each chip counts what the inbox shows when that chip is added to the other filters', () => {
    const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
    const filter = fc.record({
      awaitingDecision: opt(fc.boolean()),
      inDispute: opt(fc.boolean()),
      fastReturn: opt(fc.boolean()),
      hasPhotos: opt(fc.boolean()),
      campaignIds: opt(fc.subarray(values.campaigns, { minLength: 1 })),
      returnType: opt(fc.constantFrom(...values.types)),
      refundStatuses: opt(fc.subarray([...values.refund, NO_STATUS], { minLength: 1 })),
      shipmentStatuses: opt(fc.subarray([...values.shipment, NO_STATUS], { minLength: 1 })),
      createdFrom: opt(fc.constantFrom('2020-01-01', new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10))),
      search: opt(fc.constantFrom('SKU', 'sku-0', '1', 'смартфон')),
    });
    fc.assert(
      fc.property(filter, (f) => {
        expect(store.inboxCounts(f)).toEqual(countsByTheInboxQuery(store, f, values));
      }),
      { numRuns: 60 },
    );
  });

  it('groups along the returns_facets index without a temporary sort', () => {
    const plan = store.db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT r.campaign_id, r.return_type, r.refund_status, r.shipment_status, r.awaiting_decision, r.fast_return, r.photo_count, COUNT(*) FROM returns r GROUP BY 1, 2, 3, 4, 5, 6, 7',
      )
      .all()
      .map((r) => String((r as { detail: string }).detail));
    expect(plan.join('\n')).toMatch(/COVERING INDEX returns_facets/);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('a broad SKU prefix, walked along the inbox index, finds the same page and total as a lookup of every hit', () => {
    const prefix = 'td-00';
    const items = Number((store.db.prepare("SELECT COUNT(*) AS n FROM return_items WHERE lower(shop_sku) LIKE 'td-00%'").get() as { n: number }).n);
    expect(items).toBeGreaterThan(500); // above the lookup limit: the walk is what runs
    const expected = store.db
      .prepare(
        `SELECT r.id FROM returns r WHERE EXISTS (SELECT 1 FROM return_items i WHERE i.return_id = r.id AND lower(i.shop_sku) LIKE 'td-00%')
         ORDER BY coalesce(r.decision_deadline, 9007199254740991), r.updated_at DESC, r.id DESC`,
      )
      .all()
      .map((r) => Number((r as { id: number }).id));
    const page = store.inboxPage({ search: prefix }, { limit: 50, offset: 10 });
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.id)).toEqual(expected.slice(10, 60));
    expect(store.inboxCounts({ search: prefix }).total).toBe(expected.length);
  });
});

/** Each chip's count over the returns a scan finds for the search, read row by row: no grouping, no search index. */
type Ret = Omit<FacetGroup, 'n'> & { id: number; created_at: number };
const readReturns = (store: Store): Ret[] =>
  store.db
    .prepare('SELECT id, campaign_id, return_type, refund_status, shipment_status, awaiting_decision, fast_return, photo_count, created_at FROM returns')
    .all() as Ret[];

function countsOfScan(
  store: Store,
  f: InboxFilter,
  found = new Set(f.search?.trim() ? searchByScan(store, f.search) : []),
  all = readReturns(store),
): InboxCounts {
  const rows = all.filter((r) => !f.search?.trim() || found.has(r.id));
  const from = f.createdFrom ? Date.parse(`${f.createdFrom}T00:00:00+03:00`) : -Infinity;
  const status = (v: string | null, wanted: string[] | undefined): boolean => !wanted?.length || wanted.includes(v ?? NO_STATUS);
  const tests: Record<string, (r: Ret) => boolean> = {
    awaiting: (r) => f.awaitingDecision === undefined || (r.awaiting_decision === 1) === f.awaitingDecision,
    dispute: (r) => f.inDispute === undefined || (r.refund_status === 'PREMODERATION_DISPUTE') === f.inDispute,
    fast: (r) => f.fastReturn === undefined || (r.fast_return === 1) === f.fastReturn,
    photos: (r) => f.hasPhotos === undefined || r.photo_count > 0 === f.hasPhotos,
    campaign: (r) => !f.campaignIds?.length || f.campaignIds.includes(r.campaign_id),
    type: (r) => !f.returnType || r.return_type === f.returnType,
    refund: (r) => status(r.refund_status, f.refundStatuses),
    shipment: (r) => status(r.shipment_status, f.shipmentStatuses),
  };
  const but = (except: string | null): Ret[] => rows.filter((r) => r.created_at >= from && Object.entries(tests).every(([name, t]) => name === except || t(r)));
  const tally = (list: Ret[], key: (r: Ret) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of list) out[key(r)] = (out[key(r)] ?? 0) + 1;
    return out;
  };
  return {
    total: but(null).length,
    awaitingDecision: but('awaiting').filter((r) => r.awaiting_decision === 1).length,
    inDispute: but('dispute').filter((r) => r.refund_status === 'PREMODERATION_DISPUTE').length,
    fastReturn: but('fast').filter((r) => r.fast_return === 1).length,
    withPhotos: but('photos').filter((r) => r.photo_count > 0).length,
    byCampaign: tally(but('campaign'), (r) => String(r.campaign_id)),
    byType: tally(but('type'), (r) => r.return_type),
    byRefundStatus: tally(but('refund'), (r) => r.refund_status ?? NO_STATUS),
    byShipmentStatus: tally(but('shipment'), (r) => r.shipment_status ?? NO_STATUS),
  };
}

describe('chip counts during a search, broad and narrow, before and after the returns change', () => {
  const REFUND = ['PREMODERATION_DECISION_WAITING', 'PREMODERATION_DISPUTE', 'REFUNDED', 'REJECTED', undefined];
  const SHIPMENT = ['CREATED', 'RECEIVED', 'READY_FOR_PICKUP', undefined];
  /** Returns 1..n: SKUs under "TD-00" (a third with two matching items, some with the same SKU twice), others elsewhere; every facet varied. */
  const made = (n: number, round: number): Array<{ campaignId: number; dto: ReturnType<typeof aReturn> }> =>
    Array.from({ length: n }, (_, k) => {
      const id = k + 1;
      const v = id * 7 + round * 13;
      const skus = [`TD-00${String(id % 40).padStart(2, '0')}-X`];
      if (id % 3 === 0) skus.push(`TD-00${String((id + round) % 17).padStart(2, '0')}-Y`);
      if (id % 5 === 0) skus.push(skus[0]!);
      if (id % 4 === 1) skus.push(`KT-${id % 9}`);
      if (id % 11 === 0) skus.splice(0, skus.length, `KT-${id % 9}`);
      return {
        campaignId: v % 3 === 0 ? 12 : 11,
        dto: aReturn(id, {
          returnType: v % 4 === 0 ? 'UNREDEEMED' : 'RETURN',
          refundStatus: REFUND[v % REFUND.length],
          shipmentStatus: SHIPMENT[(v >> 1) % SHIPMENT.length],
          fastReturn: v % 6 === 1,
          creationDate: new Date(T0 - (v % 30) * DAY).toISOString(),
          items: skus.map((shopSku, i) => ({
            shopSku,
            count: 1,
            decisions: [{ returnItemId: id * 10 + i, count: 1, images: v % 5 < 2 ? [] : [`h-${id}-${i}`] }],
          })),
        }),
      };
    });
  const write = (store: Store, returns: ReturnType<typeof made>): void => {
    for (const campaignId of [11, 12]) {
      store.upsertReturns(
        campaignId,
        returns.filter((r) => r.campaignId === campaignId).map((r) => r.dto),
        T0,
      );
    }
  };
  const FILTERS: InboxFilter[] = [
    {},
    { awaitingDecision: true },
    { inDispute: false, fastReturn: true },
    { hasPhotos: true, campaignIds: [12] },
    { returnType: 'UNREDEEMED', refundStatuses: ['REFUNDED', NO_STATUS] },
    { shipmentStatuses: [NO_STATUS, 'READY_FOR_PICKUP'], hasPhotos: false },
    { createdFrom: new Date(T0 - 10 * DAY).toISOString().slice(0, 10) },
  ];
  const SEARCHES = ['td-00', 'TD', 'td-001', 'td-0007', 'TD-0012-X', 'kt', 'Чайник', '1042', 'nothing'];

  it('each chip counts what a scan finds for the search with the other filters applied', () => {
    const store = openStore(':memory:');
    try {
      store.upsertCampaigns([campaign(11, 'FBS'), campaign(12, 'DBS')], T0);
      store.upsertOrders([anOrder(1005, 11, { items: [{ id: 1, offerId: 'KT-5', offerName: 'Чайник стальной', count: 1 }] })], T0);
      const check = (round: number): void => {
        // "td-00" and "TD" match enough items for the counts to walk return_items_facets; "td-001" probes along returns_facets, "td-0007" looks its hits up.
        const items = (prefix: string): number =>
          Number(
            (store.db.prepare('SELECT COUNT(*) AS n FROM return_items WHERE sku_key >= ? AND sku_key < ?').get(prefix, `${prefix}\u{10FFFF}`) as { n: number })
              .n,
          );
        expect(items('td-00')).toBeGreaterThan(FACET_WALK_ITEMS);
        expect(items('td-001')).toBeGreaterThan(500);
        expect(items('td-001')).toBeLessThan(FACET_WALK_ITEMS);
        expect(items('td-0007')).toBeLessThan(500);
        const all = readReturns(store);
        for (const search of SEARCHES) {
          const found = new Set(searchByScan(store, search));
          for (const f of FILTERS) {
            const expected = countsOfScan(store, { ...f, search }, found, all);
            expect(store.inboxCounts({ ...f, search }), `round ${round}: ${search} ${JSON.stringify(f)}`).toEqual(expected);
          }
        }
        expect(countsOfScan(store, { search: 'td-00' }, undefined, all).total).toBeGreaterThan(5000);
        expect(Object.keys(countsOfScan(store, { search: 'td-00' }, undefined, all).byRefundStatus).length).toBeGreaterThan(3);
      };
      write(store, made(7000, 0));
      check(0);
      // Every return written again with other statuses, stores, photos and SKUs: the items' copies of the facets follow.
      write(store, made(7000, 1));
      check(1);
    } finally {
      store.close();
    }
  }, 120_000);
});
