/**
 * What any engine's repositories of the returns cache, alerts, watched chats, media index, analytics and
 * order money must do. Every call is awaited, so an engine answering with promises runs it unchanged;
 * one runner per engine (repository-sqlite.test.ts). The outbox's own suite is outbox-repository.suite.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusinessOrderDTO, CampaignDTO, ReturnDTO } from '../../../main/market/schemas.ts';
import type { Engine } from '../../../main/store/engine.ts';
import type {
  AlertHistoryRepository,
  AlertMarkRepository,
  AnalyticsRepository,
  CampaignRepository,
  ChatWatchRepository,
  DecisionOptionsRepository,
  MediaIndexRepository,
  OrderMoneyRepository,
  OrderRepository,
  ReturnRepository,
  SyncStateRepository,
  WatchedChat,
} from '../../../main/store/repositories.ts';

export interface Repositories {
  campaigns: CampaignRepository<Engine>;
  returns: ReturnRepository<Engine>;
  orders: OrderRepository<Engine>;
  decisionOptions: DecisionOptionsRepository<Engine>;
  syncState: SyncStateRepository<Engine>;
  alertMarks: AlertMarkRepository<Engine>;
  alertHistory: AlertHistoryRepository<Engine>;
  chatWatch: ChatWatchRepository<Engine>;
  media: MediaIndexRepository<Engine>;
  analytics: AnalyticsRepository<Engine>;
  orderMoney: OrderMoneyRepository<Engine>;
  close(): Promise<void> | void;
}

const HOUR = 3_600_000;
const T0 = Date.parse('2025-03-05T12:00:00+03:00');
const iso = (ms: number): string => new Date(ms).toISOString();
const rub = (value: number) => ({ value, currencyId: 'RUR' });
/** A call that may throw at once (in-process engine) or reject (network engine), as one promise. */
const attempt = (fn: () => unknown): Promise<unknown> => (async () => fn())();

const FBS: CampaignDTO = { id: 101, domain: 'Техно Дом FBS', business: { id: 1, name: 'Техно Дом' }, placementType: 'FBS' } as CampaignDTO;
const DBS: CampaignDTO = { id: 202, business: { id: 1, name: 'Техно Дом' }, placementType: 'DBS' } as CampaignDTO;

function aReturn(id: number, orderId: number, created: number, refundStatus: string, over: Partial<ReturnDTO> = {}): ReturnDTO {
  return {
    id,
    orderId,
    creationDate: iso(created),
    updateDate: iso(created + HOUR),
    refundStatus,
    returnType: 'RETURN',
    amount: rub(100 * id),
    items: [{ shopSku: `SKU-${id}`, count: 1 }],
    ...over,
  } as ReturnDTO;
}

function anOrder(orderId: number, campaignId: number, payment: number, offers: Array<[string, string]>): BusinessOrderDTO {
  return {
    orderId,
    campaignId,
    status: 'DELIVERED',
    creationDate: iso(T0 - 100 * HOUR),
    prices: { payment: rub(payment) },
    items: offers.map(([offerId, offerName], i) => ({ id: orderId * 10 + i, offerId, offerName, count: 1 })),
  } as BusinessOrderDTO;
}

const chat = (over: Partial<WatchedChat> = {}): WatchedChat => ({
  chatId: 1,
  businessId: 1,
  campaignId: 101,
  orderId: 1001,
  returnId: 1,
  type: 'ARBITRAGE',
  status: 'WAITING_FOR_ARBITER',
  updatedAt: T0,
  lastMessageId: 10,
  lastCustomerMessageId: null,
  lastCustomerMessageAt: null,
  finishedAt: null,
  seenOpen: true,
  checkedAt: T0,
  ...over,
});

export function repositorySuite(engine: string, open: () => Promise<Repositories> | Repositories): void {
  describe(`store repositories (${engine})`, () => {
    let r: Repositories;
    beforeEach(async () => {
      r = await open();
    });
    afterEach(async () => {
      await r.close();
    });

    /** Two stores; returns 1 (awaiting, soonest), 2 (awaiting, later), 3 (refunded) of orders 1001 and 1003. */
    const seed = async (): Promise<void> => {
      await r.campaigns.upsertCampaigns([FBS, DBS], T0);
      await r.returns.upsertReturns(
        101,
        [
          aReturn(1, 1001, T0 - 40 * HOUR, 'PREMODERATION_DECISION_WAITING'),
          aReturn(2, 1001, T0 - 10 * HOUR, 'PREMODERATION_DECISION_WAITING', { items: [{ shopSku: 'KETTLE-9', count: 2 }] } as Partial<ReturnDTO>),
        ],
        T0,
      );
      await r.returns.upsertReturns(202, [aReturn(3, 1003, T0 - 5 * HOUR, 'REFUNDED', { returnType: 'UNREDEEMED' })], T0);
    };

    describe('stores', () => {
      it('adds new stores watched and keeps the watch flag of known ones on refresh', async () => {
        expect(await r.campaigns.upsertCampaigns([FBS, DBS], T0)).toEqual({ added: [101, 202] });
        await r.campaigns.setWatched(202, false);
        expect(await r.campaigns.upsertCampaigns([{ ...DBS, domain: 'Обувь' } as CampaignDTO], T0 + 1)).toEqual({ added: [] });
        expect(await r.campaigns.getCampaign(202)).toMatchObject({ id: 202, domain: 'Обувь', watched: false });
        expect((await r.campaigns.watchedCampaigns()).map((c) => c.id)).toEqual([101]);
        expect((await r.campaigns.listCampaigns()).map((c) => c.id)).toEqual([101, 202]);
      });

      it('refuses to watch a store it does not know, naming it', async () => {
        await expect(attempt(() => r.campaigns.setWatched(999, true))).rejects.toThrow(/999/);
      });
    });

    describe('returns', () => {
      it('upserts idempotently: new, unchanged, then changed', async () => {
        await r.campaigns.upsertCampaigns([FBS], T0);
        const dto = aReturn(1, 1001, T0, 'PREMODERATION_DECISION_WAITING');
        expect(await r.returns.upsertReturns(101, [dto], T0)).toEqual({ inserted: [1], updated: [], unchanged: 0 });
        expect(await r.returns.upsertReturns(101, [dto], T0 + 1)).toEqual({ inserted: [], updated: [], unchanged: 1 });
        expect(await r.returns.upsertReturns(101, [{ ...dto, refundStatus: 'REFUNDED' } as ReturnDTO], T0 + 2)).toEqual({
          inserted: [],
          updated: [1],
          unchanged: 0,
        });
        expect(await r.returns.getReturnDto(1)).toEqual({ ...dto, refundStatus: 'REFUNDED' });
        expect(await r.returns.countReturns()).toBe(1);
      });

      it('refuses returns of a store it does not know', async () => {
        await expect(attempt(() => r.returns.upsertReturns(555, [aReturn(1, 1, T0, 'REFUNDED')], T0))).rejects.toThrow(/555/);
      });

      it('pages the inbox soonest deadline first, filters, searches and counts each facet without its own filter', async () => {
        await seed();
        const all = await r.returns.inboxPage({}, { limit: 10 });
        expect(all.total).toBe(3);
        expect(all.rows.slice(0, 2).map((x) => x.id)).toEqual([1, 2]);
        const one = await r.returns.getReturn(1);
        expect(one).toMatchObject({
          awaitingDecision: true,
          decisionDeadline: iso(T0 - 40 * HOUR + 48 * HOUR),
          campaignName: 'Техно Дом FBS',
          skus: ['SKU-1'],
        });
        expect((await r.returns.inboxPage({ awaitingDecision: true })).rows.map((x) => x.id)).toEqual([1, 2]);
        expect((await r.returns.inboxPage({ search: '1003' })).rows.map((x) => x.id)).toEqual([3]);
        expect((await r.returns.inboxPage({ search: 'kettle' })).rows.map((x) => x.id)).toEqual([2]);
        expect((await r.returns.inboxPage({}, { limit: 1, offset: 1 })).rows.map((x) => x.id)).toEqual([2]);
        const counts = await r.returns.inboxCounts({ campaignIds: [101] });
        expect(counts).toMatchObject({ total: 2, awaitingDecision: 2, byCampaign: { 101: 2, 202: 1 } });
        expect((await r.returns.awaitingDecision(T0, [101])).map((x) => [x.id, x.msLeft])).toEqual([
          [1, 8 * HOUR],
          [2, 38 * HOUR],
        ]);
        expect(await r.returns.awaitingReturnRefs(101)).toEqual(
          expect.arrayContaining([
            { id: 1, orderId: 1001 },
            { id: 2, orderId: 1001 },
          ]),
        );
      });

      it('gives a return with its items, its order, its siblings and the money of the order', async () => {
        await seed();
        await r.orders.upsertOrders([anOrder(1001, 101, 1500, [['SKU-1', 'Чайник «Заря»']])], T0);
        const detail = (await r.returns.returnDetail(1))!;
        expect(detail.items.map((i) => [i.shopSku, i.name])).toEqual([['SKU-1', 'Чайник «Заря»']]);
        expect(detail.order?.id).toBe(1001);
        expect(detail.siblings.map((s) => s.id)).toEqual([2]);
        expect(detail.money.takeBacks.map((t) => t.returnId)).toEqual([1, 2]);
        expect(await r.returns.returnDetail(404)).toBeUndefined();
      });
    });

    describe('orders', () => {
      it('stores orders with their lines and says which are missing', async () => {
        await seed();
        expect(await r.orders.upsertOrders([anOrder(1001, 101, 1500, [['SKU-1', 'Чайник']])], T0)).toEqual([1001]);
        expect(await r.orders.getOrder(1001)).toMatchObject({
          id: 1001,
          campaignId: 101,
          status: 'DELIVERED',
          items: [{ offerId: 'SKU-1', offerName: 'Чайник' }],
        });
        expect(await r.orders.missingOrderIds([1001, 1003, 1003])).toEqual([1003]);
        expect(await r.orders.ordersMissingForCampaign(202, 10)).toEqual([1003]);
        expect(await r.orders.ordersMissingForCampaign(101, 10)).toEqual([]);
      });
    });

    describe('available decisions kept for offline checks', () => {
      it('is current until the return changes, is wanted when stale, and is forgotten once the return no longer awaits', async () => {
        await seed();
        expect((await r.decisionOptions.returnsWantingDecisionOptions(101, 0)).map((x) => x.id)).toEqual([1, 2]);
        await r.decisionOptions.saveDecisionOptions(1, [], T0 + 1);
        expect(await r.decisionOptions.decisionOptions(1)).toEqual({ json: '[]', fetchedAt: T0 + 1, current: true });
        expect(await r.decisionOptions.decisionOptionsCoverage(101)).toEqual({ awaiting: 2, kept: 1 });
        expect((await r.decisionOptions.returnsWantingDecisionOptions(101, 0)).map((x) => x.id)).toEqual([2]);
        await r.returns.upsertReturns(101, [aReturn(1, 1001, T0 - 40 * HOUR, 'PREMODERATION_DECISION_WAITING', { amount: rub(1) })], T0 + 5);
        expect((await r.decisionOptions.decisionOptions(1))?.current).toBe(false);
        await r.returns.upsertReturns(101, [aReturn(1, 1001, T0 - 40 * HOUR, 'REFUNDED')], T0 + 6);
        expect(await r.decisionOptions.pruneDecisionOptions()).toBe(1);
        expect(await r.decisionOptions.decisionOptions(1)).toBeUndefined();
      });
    });

    describe('sync state', () => {
      it('merges cursor patches and counts repeated skips until they are cleared', async () => {
        await r.campaigns.upsertCampaigns([FBS], T0);
        expect(await r.syncState.getCursor(101)).toMatchObject({ campaignId: 101, backfillDone: false, watermark: null });
        await r.syncState.saveCursor(101, { watermark: 5, backfillDone: true });
        expect(await r.syncState.saveCursor(101, { lastError: 'boom' })).toMatchObject({ watermark: 5, backfillDone: true, lastError: 'boom' });
        expect(await r.syncState.getCursor(101)).toMatchObject({ watermark: 5, backfillDone: true, lastError: 'boom' });
        await r.syncState.recordSkips(101, 'return', [{ id: '7', reason: 'bad', raw: { id: 7 } }], T0);
        await r.syncState.recordSkips(101, 'return', [{ id: '7', reason: 'still bad', raw: { id: 7 } }], T0 + 1);
        expect(await r.syncState.listSkips(101)).toEqual([
          { campaignId: 101, entity: 'return', itemId: '7', reason: 'still bad', firstSeen: T0, lastSeen: T0 + 1, times: 2 },
        ]);
        expect(await r.syncState.countSkips('return')).toBe(1);
        await r.syncState.clearSkips(101, 'return', [7]);
        expect(await r.syncState.countSkips('return')).toBe(0);
      });
    });

    describe('alert marks', () => {
      it('keeps the first time of a mark and prunes old ones', async () => {
        await r.alertMarks.record([{ returnId: 1, kind: 'dispute', threshold: 0, alertedAt: 100, skipped: false }]);
        await r.alertMarks.record([
          { returnId: 1, kind: 'dispute', threshold: 0, alertedAt: 200, skipped: true },
          { returnId: 2, kind: 'expired', threshold: 0, alertedAt: 300, skipped: false },
        ]);
        expect(await r.alertMarks.all()).toEqual(
          expect.arrayContaining([
            { returnId: 1, kind: 'dispute', threshold: 0, alertedAt: 100, skipped: false },
            { returnId: 2, kind: 'expired', threshold: 0, alertedAt: 300, skipped: false },
          ]),
        );
        expect(await r.alertMarks.prune(250)).toBe(1);
        expect((await r.alertMarks.all()).map((m) => m.returnId)).toEqual([2]);
      });
    });

    describe('alert history', () => {
      const alert = (urgency: 'normal' | 'critical') => ({
        kind: 'deadline',
        title: 'Осталось 6 часов',
        body: 'Заказ 1001',
        urgency,
        target: { returnId: 1 },
        returnIds: [1],
      });

      it('keeps an alert until a screen acknowledges it, a critical one until it is dismissed', async () => {
        const normal = await r.alertHistory.record(alert('normal'), T0);
        const critical = await r.alertHistory.record(alert('critical'), T0 + 1);
        expect(normal).toMatchObject({ kind: 'deadline', urgency: 'normal', target: { returnId: 1 }, returnIds: [1], at: iso(T0), acknowledgedAt: null });
        expect((await r.alertHistory.pending()).map((a) => a.id)).toEqual([normal.id, critical.id]);
        expect(await r.alertHistory.acknowledge([normal.id, critical.id, normal.id], T0 + 2)).toBe(2);
        expect((await r.alertHistory.pending()).map((a) => a.id)).toEqual([critical.id]);
        expect(await r.alertHistory.dismiss([critical.id], T0 + 3)).toBe(1);
        expect(await r.alertHistory.pending()).toEqual([]);
        expect(await r.alertHistory.get(critical.id)).toMatchObject({ dismissedAt: iso(T0 + 3), acknowledgedAt: iso(T0 + 2) });
        expect(await r.alertHistory.acknowledge([-1, 0], T0)).toBe(0);
      });

      it('lists newest first in pages and prunes only what no longer waits', async () => {
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) ids.push((await r.alertHistory.record(alert('normal'), T0 + i)).id);
        const first = await r.alertHistory.list({ limit: 2 });
        expect(first).toMatchObject({ total: 5 });
        expect(first.alerts.map((a) => a.id)).toEqual([ids[4], ids[3]]);
        expect((await r.alertHistory.list({ limit: 2, beforeId: ids[3] })).alerts.map((a) => a.id)).toEqual([ids[2], ids[1]]);
        await r.alertHistory.acknowledge([ids[0]!, ids[1]!], T0 + 10);
        expect(await r.alertHistory.prune(T0 + 100)).toBe(2);
        expect((await r.alertHistory.list()).total).toBe(3);
      });
    });

    describe('watched chats', () => {
      it('knows whether a business was polled, and forgets long-finished chats at the end of a poll', async () => {
        expect(await r.chatWatch.hasPolled(1)).toBe(false);
        expect(await r.chatWatch.lastPoll(1)).toBeNull();
        await r.chatWatch.save(chat({ chatId: 1, status: 'FINISHED', checkedAt: T0 - 40 * 24 * HOUR }));
        await r.chatWatch.save(chat({ chatId: 2 }));
        await r.chatWatch.finishPoll(1, T0, T0 - 30 * 24 * HOUR);
        expect(await r.chatWatch.hasPolled(1)).toBe(true);
        expect(await r.chatWatch.lastPoll(1)).toBe(T0);
        expect(await r.chatWatch.get(1)).toBeNull();
        expect(await r.chatWatch.get(2)).toEqual(chat({ chatId: 2 }));
      });

      it('keeps "seen open" once true, lists open chats least recently checked first, and marks a gone one finished', async () => {
        await r.chatWatch.save(chat({ chatId: 1, checkedAt: T0 + 5 }));
        await r.chatWatch.save(chat({ chatId: 2, checkedAt: T0 + 1 }));
        await r.chatWatch.save(chat({ chatId: 3, status: 'FINISHED' }));
        expect(await r.chatWatch.openChatIds(1, 10)).toEqual([2, 1]);
        expect(await r.chatWatch.openChatIds(1, 1)).toEqual([2]);
        await r.chatWatch.save(chat({ chatId: 1, seenOpen: false, checkedAt: T0 + 6 }));
        expect((await r.chatWatch.get(1))?.seenOpen).toBe(true);
        await r.chatWatch.markGone(2, T0 + 7);
        expect(await r.chatWatch.get(2)).toMatchObject({ status: 'FINISHED', checkedAt: T0 + 7 });
        expect(await r.chatWatch.openChatIds(1, 10)).toEqual([1]);
      });

      it('tells the recent activity: buyer messages and finishes since a time, and every open arbitrage', async () => {
        await r.chatWatch.save(chat({ chatId: 1, returnId: 1 }));
        await r.chatWatch.save(
          chat({ chatId: 2, returnId: 2, type: 'CHAT', status: 'WAITING_FOR_PARTNER', lastCustomerMessageId: 7, lastCustomerMessageAt: T0 }),
        );
        await r.chatWatch.save(chat({ chatId: 3, returnId: 3, type: 'CHAT', lastCustomerMessageId: 8, lastCustomerMessageAt: T0 - 10 * HOUR }));
        await r.chatWatch.save(chat({ chatId: 4, returnId: null }));
        const activity = await r.chatWatch.activity(T0 - HOUR);
        expect(activity.map((a) => a.chatId).sort()).toEqual([1, 2]);
        expect(activity.find((a) => a.chatId === 2)).toMatchObject({ returnId: 2, lastCustomerMessageId: 7, lastCustomerMessageAt: T0 });
      });
    });

    describe('media index', () => {
      const sha = (c: string): string => c.repeat(64);
      it('indexes files once, moves their last access, and lists them least recently used first', async () => {
        await r.media.putFile({ sha256: sha('a'), mime: 'image/jpeg', size: 10, width: 4, height: 3 }, T0);
        await r.media.putFile({ sha256: sha('b'), mime: 'application/pdf', size: 5, width: null, height: null }, T0 + 1);
        await r.media.putFile({ sha256: sha('a'), mime: 'image/jpeg', size: 10, width: 4, height: 3 }, T0 + 2);
        expect(await r.media.file(sha('a'))).toEqual({ sha256: sha('a'), mime: 'image/jpeg', size: 10, width: 4, height: 3, lastAccess: T0 + 2 });
        expect(await r.media.totalBytes()).toBe(15);
        expect((await r.media.filesByAge()).map((f) => f.sha256)).toEqual([sha('b'), sha('a')]);
        await r.media.touch(sha('b'), T0 + 3);
        expect((await r.media.filesByAge()).map((f) => f.sha256)).toEqual([sha('a'), sha('b')]);
        expect(await r.media.file(sha('c'))).toBeNull();
      });

      it('keeps which source each file came from; forgetting a file drops its refs and the thumbnails pointing at it', async () => {
        await r.media.putFile({ sha256: sha('a'), mime: 'image/jpeg', size: 10, width: null, height: null }, T0);
        await r.media.putFile({ sha256: sha('d'), mime: 'image/webp', size: 1, width: null, height: null }, T0);
        const ref = {
          kind: 'photo' as const,
          source: 'photo:1:h',
          returnId: 1,
          itemId: 11,
          imageHash: 'h',
          sha256: sha('a'),
          thumbSha256: null,
          fetchedAt: T0,
        };
        await r.media.saveRef(ref);
        await r.media.saveRef({ ...ref, source: 'photo:1:k', imageHash: 'k', sha256: sha('d') });
        await r.media.setThumb('photo', 'photo:1:h', sha('d'));
        expect(await r.media.ref('photo', 'photo:1:h')).toEqual({ ...ref, thumbSha256: sha('d') });
        expect((await r.media.refsOfReturn(1)).map((x) => x.source).sort()).toEqual(['photo:1:h', 'photo:1:k']);
        await r.media.saveRef({ ...ref, sha256: sha('d'), fetchedAt: T0 + 1 });
        expect(await r.media.ref('photo', 'photo:1:h')).toMatchObject({ sha256: sha('d'), fetchedAt: T0 + 1 });
        await r.media.saveRef({ ...ref, sha256: sha('a'), thumbSha256: sha('d') });
        await r.media.forget([sha('d')]);
        expect(await r.media.file(sha('d'))).toBeNull();
        expect(await r.media.ref('photo', 'photo:1:k')).toBeNull();
        expect(await r.media.ref('photo', 'photo:1:h')).toMatchObject({ sha256: sha('a'), thumbSha256: null });
      });
    });

    describe('analytics and order money', () => {
      // Moscow days: return 1 was created on 3 March 20:00, return 2 on 5 March 02:00, return 3 on 5 March 07:00.
      it('reads the returns of a period of Moscow days, in the chosen stores', async () => {
        await seed();
        const facts = await r.analytics.returnFacts({ from: '2025-03-05', to: '2025-03-05' });
        expect(facts.map((f) => f.id)).toEqual([2, 3]);
        expect(facts[0]).toMatchObject({ orderId: 1001, campaignId: 101, returnType: 'RETURN', awaitingDecision: true, amount: rub(200), queuedAt: null });
        expect((await r.analytics.returnFacts({ from: '2025-03-01', to: '2025-03-05', campaignIds: [202] })).map((f) => f.id)).toEqual([3]);
        await expect(attempt(() => r.analytics.returnFacts({ from: '2025-03-05', to: '2025-03-01' }))).rejects.toThrow(/^to: /);
        expect((await r.analytics.returnedItems({ from: '2025-03-05', to: '2025-03-05' })).map((i) => [i.returnId, i.shopSku, i.count])).toEqual([
          [2, 'KETTLE-9', 2],
          [3, 'SKU-3', 1],
        ]);
        expect(await r.analytics.storeNames()).toEqual(
          new Map<number, string | null>([
            [101, 'Техно Дом FBS'],
            [202, 'Техно Дом'],
          ]),
        );
      });

      it('takes an order into a period by any of its returns and counts all of them', async () => {
        await seed();
        expect(await r.analytics.ordersOfPeriod({ from: '2025-03-05', to: '2025-03-05', campaignIds: [101] })).toEqual([
          { orderId: 1001, campaignId: 101, returns: 2 },
        ]);
      });

      it('gives the facts of each order balance, stored or not', async () => {
        await seed();
        await r.orders.upsertOrders([anOrder(1001, 101, 1500, [['SKU-1', 'Чайник']])], T0);
        const facts = await r.orderMoney.balanceFacts([1001, 4040]);
        expect(facts.get(4040)).toEqual({ order: null, returns: [] });
        const order = facts.get(1001)!;
        expect(order.order?.prices?.payment).toEqual(rub(1500));
        expect(order.order?.items.map((i) => i.offerId)).toEqual(['SKU-1']);
        expect(order.returns.map((x) => [x.returnId, x.amount?.value, x.awaitingDecision])).toEqual([
          [1, 100, true],
          [2, 200, true],
        ]);
      });
    });
  });
}
