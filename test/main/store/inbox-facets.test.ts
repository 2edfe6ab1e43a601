import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_STATUS } from '../../../preload/contract.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { openStore, type InboxCounts, type InboxFilter, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';
import { silentLogger } from '../../../main/log.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

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
