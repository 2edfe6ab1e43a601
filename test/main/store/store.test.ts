import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECISION_WINDOW_MS, awaitsDecision, openStore, storePath, type Store } from '../../../main/store/store.ts';
import { MIGRATIONS } from '../../../main/store/schema.ts';
import { SqliteOutboxRepository } from '../../../main/store/outbox-repository.ts';
import { enqueueRefund } from '../../helpers/outbox-rows.ts';
import { HOUR, T0, aReturn, anOrder, campaign } from '../market/fixtures.ts';

describe('store', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(':memory:');
    store.upsertCampaigns([campaign(11, 'FBS'), campaign(22, 'DBS')], T0);
  });
  afterEach(() => store.close());

  it('migrates to the latest version and sets foreign keys on', () => {
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect((store.db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys).toBe(1);
    const indexes = store.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index'")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'returns_facets',
        'returns_awaiting_sort',
        'returns_inbox_sort',
        'returns_refund_status',
        'returns_order',
        'return_items_search',
      ]),
    );
    // Covered by those above, and paid for by every write of a return.
    expect(indexes.filter((name) => ['returns_campaign', 'returns_awaiting_deadline', 'returns_inbox_order', 'photos_hash'].includes(name))).toEqual([]);
  });

  it('lists the returns an alert may concern with their newest decision state, in one read', () => {
    store.upsertReturns(
      11,
      [
        aReturn(1),
        aReturn(2, { refundStatus: 'REFUNDED' }),
        aReturn(3, { refundStatus: 'PREMODERATION_DISPUTE' }),
        aReturn(4, { refundStatus: 'REFUNDED', shipmentStatus: 'READY_FOR_PICKUP' }),
        aReturn(5),
      ],
      T0,
    );
    const outbox = new SqliteOutboxRepository(store);
    enqueueRefund(outbox, 1, T0);
    outbox.quarantine(enqueueRefund(outbox, 5, T0), 'unreadable', T0);
    const byId = new Map(store.alertCandidates().map((row) => [row.id, row]));
    expect([...byId.keys()].sort()).toEqual([1, 3, 4, 5]);
    expect(byId.get(1)).toMatchObject({ orderId: 1001, campaignId: 11, placementType: 'FBS', outboxState: 'queued', createdAt: expect.any(String) });
    expect(byId.get(3)?.outboxState).toBeNull();
    // A quarantined row is not the queue's: the return counts as undecided.
    expect(byId.get(5)?.outboxState).toBeNull();
    expect(byId.get(4)?.shipmentStatus).toBe('READY_FOR_PICKUP');
  });

  it('uses WAL on a file and keeps data across reopen; later migrations apply on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-store-'));
    try {
      const path = storePath(dir);
      const a = openStore(path);
      expect((a.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
      a.upsertCampaigns([campaign(1, 'FBY')], T0);
      a.upsertReturns(1, [aReturn(5)], T0);
      a.close();
      const extra = { version: MIGRATIONS.length + 1, name: 'test', up: (db: Store['db']) => db.exec('CREATE TABLE outbox_test (id INTEGER)') };
      const b = openStore(path, { migrations: [extra] });
      expect(b.schemaVersion).toBe(MIGRATIONS.length + 1);
      expect(b.getReturn(5)?.orderId).toBe(1005);
      b.close();
      expect(() => openStore(path)).toThrow(/newer than this app knows/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('computes the 48-hour deadline only while a decision is awaited, per placement type', () => {
    expect(awaitsDecision('FBS', 'PREMODERATION_DECISION_WAITING')).toBe(true);
    expect(awaitsDecision('FBY', 'PREMODERATION_DECISION_WAITING')).toBe(true);
    expect(awaitsDecision('DBS', 'WAITING_FOR_DECISION')).toBe(true);
    expect(awaitsDecision('DBS', 'PREMODERATION_DECISION_WAITING')).toBe(false);
    expect(awaitsDecision('FBS', 'WAITING_FOR_DECISION')).toBe(false);
    expect(awaitsDecision(null, 'WAITING_FOR_DECISION')).toBe(true);
    expect(awaitsDecision('FBS', 'REFUNDED')).toBe(false);

    store.upsertReturns(11, [aReturn(1), aReturn(2, { refundStatus: 'REFUNDED' })], T0);
    store.upsertReturns(22, [aReturn(3, { refundStatus: 'WAITING_FOR_DECISION' })], T0);
    expect(store.getReturn(1)?.decisionDeadline).toBe(new Date(T0 + DECISION_WINDOW_MS).toISOString());
    expect(store.getReturn(2)?.decisionDeadline).toBeNull();
    expect(store.getReturn(3)?.awaitingDecision).toBe(true);
    // A decision made: the deadline goes away.
    store.upsertReturns(11, [aReturn(1, { refundStatus: 'PREMODERATION_DECISION_MADE' })], T0);
    expect(store.getReturn(1)?.decisionDeadline).toBeNull();
  });

  it('upserts idempotently and reports inserted / updated / unchanged', () => {
    const first = store.upsertReturns(11, [aReturn(1), aReturn(2)], T0);
    expect(first).toEqual({ inserted: [1, 2], updated: [], unchanged: 0 });
    const again = store.upsertReturns(11, [aReturn(1), aReturn(2)], T0);
    expect(again).toEqual({ inserted: [], updated: [], unchanged: 2 });
    const changed = store.upsertReturns(11, [aReturn(1, { shipmentStatus: 'IN_TRANSIT' })], T0);
    expect(changed.updated).toEqual([1]);
    expect(store.countReturns()).toBe(2);
    const detail = store.returnDetail(1)!;
    expect(detail.items).toHaveLength(1);
    expect(detail.items[0]!.photos.map((p) => p.imageHash)).toEqual(['hash-1-a', 'hash-1-b']);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM photos WHERE return_id = 1').get()).toEqual({ n: 2 });
  });

  it('keeps unknown enum values and stores photo count, marked goods and amount', () => {
    store.upsertReturns(11, [aReturn(7, { refundStatus: 'SOMETHING_NEW', returnType: 'EXCHANGE' })], T0);
    const row = store.getReturn(7)!;
    expect(row.refundStatus).toBe('SOMETHING_NEW');
    expect(row.returnType).toBe('EXCHANGE');
    expect(row.awaitingDecision).toBe(false);
    expect(row.photoCount).toBe(2);
    expect(row.hasMarkedGoods).toBe(true);
    expect(row.amount).toEqual({ value: 1990, currencyId: 'RUR' });
    expect(row.skus).toEqual(['SKU-7']);
  });

  it('refuses returns of an unknown store', () => {
    expect(() => store.upsertReturns(99, [aReturn(1)], T0)).toThrow(/campaignId 99 is not a known store/);
  });

  it('serves the inbox: filters, search, sort by deadline then update date, paging and counts', () => {
    store.upsertReturns(
      11,
      [
        aReturn(1, { creationDate: new Date(T0 + 2 * HOUR).toISOString() }),
        aReturn(2, { creationDate: new Date(T0).toISOString() }),
        aReturn(3, { refundStatus: 'REFUNDED', updateDate: new Date(T0 + 10 * HOUR).toISOString(), fastReturn: true }),
        aReturn(4, { refundStatus: 'REFUNDED', updateDate: new Date(T0 + 20 * HOUR).toISOString(), returnType: 'UNREDEEMED' }),
        aReturn(5, { refundStatus: 'REFUNDED', items: [{ shopSku: 'kettle-blue_1', count: 2 }] }),
      ],
      T0,
    );
    store.upsertReturns(22, [aReturn(6, { refundStatus: 'WAITING_FOR_DECISION', creationDate: new Date(T0 + HOUR).toISOString() })], T0);

    const all = store.inboxPage();
    expect(all.total).toBe(6);
    expect(all.rows.map((r) => r.id)).toEqual([2, 6, 1, 4, 3, 5]);

    expect(store.inboxPage({ awaitingDecision: true }).rows.map((r) => r.id)).toEqual([2, 6, 1]);
    expect(store.inboxPage({ campaignIds: [22] }).rows.map((r) => r.id)).toEqual([6]);
    expect(store.inboxPage({ returnType: 'UNREDEEMED' }).rows.map((r) => r.id)).toEqual([4]);
    expect(store.inboxPage({ refundStatuses: ['REFUNDED'] }).total).toBe(3);
    expect(store.inboxPage({ fastReturn: true }).rows.map((r) => r.id)).toEqual([3]);
    expect(store.inboxPage({ hasPhotos: false }).rows.map((r) => r.id)).toEqual([5]);
    expect(store.inboxPage({ search: '1004' }).rows.map((r) => r.id)).toEqual([4]); // order id
    expect(store.inboxPage({ search: '3' }).rows.map((r) => r.id)).toEqual([3]); // return id
    expect(store.inboxPage({ search: 'KETTLE-blue' }).rows.map((r) => r.id)).toEqual([5]); // SKU prefix, any case
    expect(store.inboxPage({ search: 'kettle%' }).total).toBe(0); // wildcards are literal
    expect(store.inboxPage({ search: 'sku-' }).total).toBe(5);

    // Product names, from the orders (getBusinessOrders items[].offerName): any case, any script, ё as е.
    store.upsertOrders([anOrder(1001, 11, { items: [{ id: 1, offerId: 'SKU-1', offerName: 'Чайник Электрический Ёлка', count: 1 }] })], T0);
    store.upsertOrders([anOrder(1005, 11, { items: [{ id: 1, offerId: 'kettle-blue_1', offerName: 'Kettle Blue', count: 2 }] })], T0);
    expect(store.inboxPage({ search: 'чайник' }).rows.map((r) => r.id)).toEqual([1]);
    expect(store.inboxPage({ search: 'ЭЛЕКТРИЧЕСКИЙ ел' }).rows.map((r) => r.id)).toEqual([1]);
    expect(store.inboxPage({ search: 'blue' }).rows.map((r) => r.id)).toEqual([5]); // name contains; the SKU only starts with kettle
    expect(store.inboxPage({ search: 'ч' }).total).toBe(0); // one letter is not matched inside names
    expect(store.inboxPage({ search: '😀' }).total).toBe(0);
    expect(store.inboxPage({ search: 'x'.repeat(200) }).total).toBe(0);
    expect(store.inboxPage({ search: '1 004' }).rows.map((r) => r.id)).toEqual([4]); // an id typed with a space

    const page2 = store.inboxPage({}, { limit: 2, offset: 2 });
    expect(page2.rows.map((r) => r.id)).toEqual([1, 4]);
    expect(page2.total).toBe(6);

    const counts = store.inboxCounts({ campaignIds: [11] });
    expect(counts.total).toBe(5);
    expect(counts.awaitingDecision).toBe(2);
    expect(counts.fastReturn).toBe(1);
    expect(counts.withPhotos).toBe(4);
    expect(counts.byCampaign).toEqual({ '11': 5, '22': 1 });
    expect(counts.byType).toEqual({ RETURN: 4, UNREDEEMED: 1 });
    expect(counts.byRefundStatus).toEqual({ PREMODERATION_DECISION_WAITING: 2, REFUNDED: 3 });
  });

  it('filters disputes and Moscow-time creation days; counts shipment statuses', () => {
    store.upsertReturns(
      11,
      [
        aReturn(1, { creationDate: '2025-03-09T21:30:00Z' }), // 2025-03-10 00:30 MSK
        aReturn(2, { creationDate: '2025-03-09T20:30:00Z', refundStatus: 'PREMODERATION_DISPUTE' }), // 23:30 MSK on the 9th
        aReturn(3, { creationDate: '2025-03-11T20:59:00Z', shipmentStatus: 'IN_TRANSIT' }), // 23:59 MSK on the 11th
      ],
      T0,
    );
    expect(store.inboxPage({ inDispute: true }).rows.map((r) => r.id)).toEqual([2]);
    expect(store.inboxPage({ inDispute: false }).total).toBe(2);
    expect(
      store
        .inboxPage({ createdFrom: '2025-03-10' })
        .rows.map((r) => r.id)
        .sort(),
    ).toEqual([1, 3]);
    expect(store.inboxPage({ createdFrom: '2025-03-10', createdTo: '2025-03-10' }).rows.map((r) => r.id)).toEqual([1]);
    expect(store.inboxPage({ createdTo: '2025-03-09' }).rows.map((r) => r.id)).toEqual([2]);
    expect(() => store.inboxPage({ createdFrom: '10.03.2025' })).toThrow(/createdFrom must be a date as YYYY-MM-DD/);
    const counts = store.inboxCounts();
    expect(counts.inDispute).toBe(1);
    expect(counts.byShipmentStatus).toEqual({ CREATED: 2, IN_TRANSIT: 1 });
  });

  it('lists awaiting returns with the time left', () => {
    store.upsertReturns(11, [aReturn(1), aReturn(2, { refundStatus: 'REFUNDED' })], T0);
    const rows = store.awaitingDecision(T0 + 10 * HOUR);
    expect(rows.map((r) => r.id)).toEqual([1]);
    expect(rows[0]!.msLeft).toBe(38 * HOUR);
    expect(store.awaitingReturnRefs(11)).toEqual([{ id: 1, orderId: 1001 }]);
  });

  it('joins the order and sibling returns into the detail; order items mark goods', () => {
    store.upsertReturns(11, [aReturn(1, { items: [{ shopSku: 'SKU-1', count: 1, tracks: [{ trackCode: 'RA1' }, {}] }] }), aReturn(2, { orderId: 1001 })], T0);
    store.upsertReturns(
      11,
      [aReturn(3, { logisticPickupPoint: { name: 'ПВЗ', address: { city: 'Москва', street: 'Тверская', house: '1' }, instruction: 'Вход со двора' } })],
      T0,
    );
    expect(store.returnDetail(3)!.pickupPoint).toEqual({ name: 'ПВЗ', address: 'Москва, Тверская, 1', instruction: 'Вход со двора' });
    expect(store.returnDetail(1)!.items[0]!.tracks).toEqual(['RA1']);
    expect(store.getReturn(1)?.hasMarkedGoods).toBe(false);
    expect(store.missingOrderIds([1001, 1001])).toEqual([1001]);
    store.upsertOrders(
      [
        anOrder(1001, 11, {
          prices: { payment: { value: 3980, currencyId: 'RUR' } },
          items: [
            {
              id: 1,
              offerId: 'SKU-1',
              offerName: 'Kettle',
              count: 1,
              requiredInstanceTypes: ['CIS'],
              prices: { payment: { value: 1990, currencyId: 'RUR' } },
              itemStatuses: [
                { status: 'DELIVERED_TO_BUYER', count: 1 },
                { status: 'CANCELLED', count: 1 },
              ],
            },
          ],
        }),
      ],
      T0,
    );
    expect(store.missingOrderIds([1001])).toEqual([]);
    const detail = store.returnDetail(1)!;
    expect(detail.items[0]!.name).toBe('Kettle');
    expect(detail.order?.items[0]).toMatchObject({
      money: { payment: { value: 1990, currencyId: 'RUR' }, total: { value: 1990, currencyId: 'RUR' } },
      initialCount: 2,
    });
    expect(detail.money.cost).toEqual({ payment: 3980, cashback: 0, subsidy: 0, total: 3980 });
    expect(detail.pickupPoint).toBeNull();
    expect(detail.order?.status).toBe('DELIVERED');
    expect(detail.order?.items[0]).toMatchObject({ offerId: 'SKU-1', marked: true });
    expect(detail.siblings.map((s) => s.id)).toEqual([2]);
    expect(detail.raw.id).toBe(1);
    expect(store.getReturn(1)?.hasMarkedGoods).toBe(true);
    // Upserting the same order again is harmless.
    store.upsertOrders([anOrder(1001, 11, { status: 'PARTIALLY_RETURNED' })], T0);
    expect(store.getOrder(1001)?.status).toBe('PARTIALLY_RETURNED');
    expect(store.returnDetail(12345)).toBeUndefined();
  });

  it('keeps the watch flag across rediscovery and rejects unknown stores', () => {
    store.setWatched(11, false);
    store.upsertCampaigns([campaign(11, 'FBS'), campaign(33, 'FBY')], T0 + 1);
    expect(store.watchedCampaigns().map((c) => c.id)).toEqual([22, 33]);
    expect(() => store.setWatched(404, true)).toThrow(/not a known store/);
  });

  it('persists cursors and skips', () => {
    expect(store.getCursor(11).backfillDone).toBe(false);
    store.saveCursor(11, { backfillFrom: '2025-01-01', backfillPageToken: 'tok' });
    store.saveCursor(11, { watermark: T0 });
    expect(store.getCursor(11)).toMatchObject({ backfillFrom: '2025-01-01', backfillPageToken: 'tok', watermark: T0, backfillDone: false });
    store.recordSkips(
      11,
      'return',
      [
        { id: '77', reason: 'items: required', raw: { id: 77 } },
        { id: null, reason: 'id: required', raw: {} },
      ],
      T0,
    );
    store.recordSkips(11, 'return', [{ id: '77', reason: 'items: required', raw: { id: 77 } }], T0 + 5);
    const skips = store.listSkips(11);
    expect(skips).toHaveLength(2);
    expect(store.countSkips()).toBe(2);
    expect(skips.find((s) => s.itemId === '77')).toMatchObject({ times: 2, lastSeen: T0 + 5 });
    store.clearSkips(11, 'return', [77]);
    expect(store.listSkips(11).map((s) => s.itemId)).toEqual([null]);
  });

  it('rolls a failed transaction back, nested ones included', () => {
    expect(() =>
      store.transaction(() => {
        store.upsertReturns(11, [aReturn(1)], T0);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.countReturns()).toBe(0);
    store.transaction(() => {
      store.upsertReturns(11, [aReturn(1)], T0);
      expect(() =>
        store.transaction(() => {
          store.upsertReturns(11, [aReturn(2)], T0);
          throw new Error('inner');
        }),
      ).toThrow('inner');
    });
    expect(store.countReturns()).toBe(1);
  });
});

describe('store transactions after a failed COMMIT', () => {
  // A deferred foreign key is checked at COMMIT: the one in-process way to make COMMIT itself fail
  // (the full-disk case, where SQLite also rolls back by itself, runs in test/security/disk-full.test.ts).
  const deferred = {
    version: MIGRATIONS.length + 1,
    name: 'deferred-fk',
    up: (db: Store['db']) =>
      db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)'),
  };

  it('rolls back, keeps the connection usable and names savepoints as before', () => {
    const store = openStore(':memory:', { migrations: [deferred] });
    try {
      expect(() => store.transaction(() => store.db.exec('INSERT INTO child VALUES (42)'))).toThrow(/FOREIGN KEY/);
      expect(store.db.isTransaction).toBe(false);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM child').get()).toEqual({ n: 0 });
      // Nested writes after the failure: with the depth counted down twice these were "SAVEPOINT sp-1".
      store.transaction(() => {
        store.db.exec('INSERT INTO parent VALUES (1)');
        store.transaction(() => store.db.exec('INSERT INTO child VALUES (1)'));
      });
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM child').get()).toEqual({ n: 1 });
      store.upsertCampaigns([campaign(7, 'FBS')], T0);
      expect(store.getCampaign(7)?.placementType).toBe('FBS');
    } finally {
      store.close();
    }
  });

  it('an inner failure rolls back only its savepoint', () => {
    const store = openStore(':memory:', { migrations: [deferred] });
    try {
      store.transaction(() => {
        store.db.exec('INSERT INTO parent VALUES (1)');
        expect(() =>
          store.transaction(() => {
            store.db.exec('INSERT INTO parent VALUES (2)');
            throw new Error('inner');
          }),
        ).toThrow('inner');
      });
      expect(store.db.prepare('SELECT id FROM parent').all()).toEqual([{ id: 1 }]);
      expect(store.diskFull).toBeNull();
    } finally {
      store.close();
    }
  });
});
