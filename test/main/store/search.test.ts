/**
 * Search finds what a reading of every return finds: by return or order id (exact), by SKU (starts with,
 * any case and script) and by product name (contains, any case, ё as е), in the inbox's order, with its
 * count, and the chips count the same returns. The store reads all this from its search index; the
 * reference below reads the rows one by one.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import type { ReturnDTO } from '../../../main/market/schemas.ts';
import { silentLogger } from '../../../main/log.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { HOUR, T0, aReturn, anOrder, campaign } from '../market/fixtures.ts';
import { expectSearchAsScan, searchByScan } from './search-scan.ts';

/** What an operator may type or paste that is not a plain word: none of it is an error. */
const BAD_INPUT = [
  'н',
  'T',
  '😀',
  'я'.repeat(500),
  'x'.repeat(500),
  '"',
  "'",
  '*',
  '(',
  ')',
  ':',
  '-',
  '^',
  'NEAR',
  'OR',
  'a OR b',
  'NEAR(a b)',
  'sku:td',
  '"td-00"*',
  'td-00*',
  '%',
  '_',
  'td%',
  't_-0',
  '\\',
  'ё',
  'Ё',
  '\u0000',
  '\uD83D',
  '   ',
];

describe('search over the returns of a synced store', () => {
  let sandbox: RunningSandbox;
  let store: Store;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 400, seed: 7 });
    store = openStore(':memory:');
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    const sync = new SyncEngine({ client, store, logger: silentLogger, options: { backfillDays: 3650 } });
    await sync.syncNow();
    await sync.stop();
  }, 120_000);
  afterAll(async () => {
    store.close();
    await sandbox.close();
  });

  it('finds by SKU, SKU prefix, product name, order and return id what a scan finds, in inbox order, page after page', () => {
    const skus = (store.db.prepare('SELECT DISTINCT shop_sku AS s FROM return_items ORDER BY 1').all() as Array<{ s: string }>).map((r) => r.s);
    const names = (store.db.prepare('SELECT name FROM product_names ORDER BY offer_id').all() as Array<{ name: string }>).map((r) => r.name);
    const someReturn = store.db.prepare('SELECT id, order_id FROM returns ORDER BY id LIMIT 1 OFFSET 7').get() as { id: number; order_id: number };
    expect(skus.length).toBeGreaterThan(5);
    expect(names.length).toBeGreaterThan(5);
    const texts = [
      ...skus.slice(0, 6),
      skus[0]!.toLowerCase(),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => skus[1]!.slice(0, n)),
      ...names.slice(0, 6).map((n) => n.split(/\s+/)[0]!.toUpperCase()),
      names[0]!.slice(3, 9),
      names[2]!.toLowerCase(),
      String(someReturn.id),
      String(someReturn.order_id),
      ` ${String(someReturn.order_id).slice(0, 3)} ${String(someReturn.order_id).slice(3)} `,
    ];
    const found = texts.map(
      (text) =>
        expectSearchAsScan(store, text, [
          { limit: 50, offset: 0 },
          { limit: 7, offset: 3 },
          { limit: 200, offset: 40 },
        ]).length,
    );
    // The reference must have something to disagree with: most of these find returns, the broadest many.
    expect(found.filter((n) => n > 0).length).toBeGreaterThan(texts.length - 3);
    expect(Math.max(...found)).toBeGreaterThan(60);
  });

  it('survives what an operator may type: one letter, 500 characters, emoji, query syntax, quotes, LIKE wildcards, ё', () => {
    for (const text of BAD_INPUT) expectSearchAsScan(store, text);
    expect(store.inboxPage({ search: '😀' }).total).toBe(0);
    expect(store.inboxPage({ search: 'я'.repeat(500) }).total).toBe(0);
    expect(store.inboxPage({ search: '%' }).total).toBe(0); // a wildcard is a character, not "anything"
    expect(store.inboxPage({ search: 'td%' }).total).toBe(0);
    expect(store.inboxPage({ search: '"td-00"*' }).total).toBe(0);
    expect(store.inboxPage({ search: 'T' }).total).toBeGreaterThan(0);
  });

  it('keeps a search with other filters to the returns both select, and counts each chip as the list would show it', () => {
    const sku = (store.db.prepare('SELECT shop_sku AS s FROM return_items LIMIT 1').get() as { s: string }).s.slice(0, 5);
    const all = searchByScan(store, sku);
    const awaiting = store.inboxPage({ search: sku, awaitingDecision: true }, { limit: 500 });
    const awaitingIds = new Set(store.inboxPage({ awaitingDecision: true }, { limit: 500 }).rows.map((r) => r.id));
    expect(awaiting.rows.map((r) => r.id)).toEqual(all.filter((id) => awaitingIds.has(id)));
    expect(store.inboxCounts({ search: sku }).awaitingDecision).toBe(awaiting.total);
  });
});

describe('search semantics on returns made for it', () => {
  const returnWith = (id: number, skus: string[], overrides: Partial<ReturnDTO> = {}): ReturnDTO =>
    aReturn(id, { items: skus.map((shopSku) => ({ shopSku, count: 1 })), ...overrides });

  it('SKUs in any script and case, wildcards and quotes as plain characters, names with ё', () => {
    const store = openStore(':memory:');
    try {
      store.upsertCampaigns([campaign(11, 'FBS')], T0);
      store.upsertReturns(
        11,
        [
          returnWith(1, ['КЕДЫ-42']),
          returnWith(2, ['kettle_100%']),
          returnWith(3, ['kettle-1', 'KETTLE-2']),
          returnWith(4, ['Case "Ёж" 😀']),
          returnWith(5, ['ёлка-1']),
        ],
        T0,
      );
      store.upsertOrders([anOrder(1004, 11, { items: [{ id: 1, offerId: 'Case "Ёж" 😀', offerName: 'Чехол «Ёжик» для телефона', count: 1 }] })], T0);
      const ids = (text: string): number[] => store.inboxPage({ search: text }).rows.map((r) => r.id);
      expect(ids('кеды')).toEqual([1]); // a Cyrillic SKU in another case
      expect(ids('КЕДЫ-4')).toEqual([1]);
      expect(ids('kettle_1')).toEqual([2]);
      expect(ids('kettle_100%')).toEqual([2]);
      expect(ids('kettle%')).toEqual([]);
      expect(ids('kettle')).toEqual([2, 3].sort((a, b) => b - a)); // same deadline and update time: newest id first
      expect(store.inboxPage({ search: 'kettle-' }).total).toBe(1); // two items of one return count once
      expect(ids('case "ёж')).toEqual([4]);
      expect(ids('case "еж" 😀')).toEqual([4]);
      expect(ids('ЕЖИК')).toEqual([4]); // the product name, ё typed as е
      expect(ids('Ёжик')).toEqual([4]);
      expect(ids('елка')).toEqual([5]); // a SKU with ё typed with е
      expect(ids('"')).toEqual([]);
      for (const text of BAD_INPUT) expectSearchAsScan(store, text);
    } finally {
      store.close();
    }
  });

  it('pages and counts any mix of SKUs, names, ids and later changes to the returns as a scan does', () => {
    const letters = ['a', 'A', 'б', 'Б', 'е', 'ё', 'Ё', '-', '_', '%', ' ', '😀', '\uFFFD', '1'];
    const sku = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    const aReturnOf = fc.record({
      id: fc.integer({ min: 1, max: 40 }),
      skus: fc.array(sku, { minLength: 1, maxLength: 4 }),
      awaiting: fc.boolean(),
      hour: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(aReturnOf, { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(sku, fc.string({ minLength: 2, maxLength: 6 })), { maxLength: 5 }),
        fc.array(fc.oneof(sku, fc.constantFrom(...letters), fc.integer({ min: 1, max: 1045 }).map(String)), { minLength: 1, maxLength: 6 }),
        (returns, products, searches) => {
          const store = openStore(':memory:');
          try {
            store.upsertCampaigns([campaign(11, 'FBS')], T0);
            // In order: a return written again later changes its items, status and update time.
            for (const r of returns) {
              store.upsertReturns(
                11,
                [
                  returnWith(r.id, r.skus, {
                    refundStatus: r.awaiting ? 'PREMODERATION_DECISION_WAITING' : 'REFUNDED',
                    creationDate: new Date(T0 + r.hour * HOUR).toISOString(),
                    updateDate: new Date(T0 + (r.hour % 3) * HOUR).toISOString(),
                  }),
                ],
                T0,
              );
            }
            products.forEach(([offerId, name], i) =>
              store.upsertOrders([anOrder(2000 + i, 11, { items: [{ id: 1, offerId, offerName: name, count: 1 }] })], T0),
            );
            for (const text of searches)
              expectSearchAsScan(store, text, [
                { limit: 3, offset: 0 },
                { limit: 2, offset: 2 },
                { limit: 50, offset: 0 },
              ]);
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
