// Analytics figures checked against values computed by hand on the seeded data set (see seed.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsQuery, OrderMoneyQuery } from '../../../preload/contract.ts';
import { computeAnalytics, median, percentile } from '../../../main/analytics/analytics.ts';
import { orderMoney } from '../../../main/analytics/order-money.ts';
import type { Store } from '../../../main/store/store.ts';
import { NOW, seededStore } from './seed.ts';

let store: Store;
beforeEach(() => {
  store = seededStore();
});
afterEach(() => store.close());

const PERIOD = { from: '2025-03-01', to: '2025-03-07' };

describe('analytics over the local store', () => {
  it('totals: returns, non-purchases, units, money, deadlines', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    // In the period: returns 1, 2, 4, 6, 7 and non-purchase 3; return 5 (9 March) is outside.
    expect(a.totals).toEqual({
      returns: 5,
      nonPurchases: 1,
      units: 1 + 2 + 2 + 1 + 1 + 1,
      refunded: 1000 + 500 + 700 + 300 + 2000 + 1200,
      compensation: 199,
      decisionDue: 5,
      deadlinesMissed: 3,
      foreignCurrencyAmounts: 0,
    });
  });

  it('timeline by Moscow day, days without returns as zero', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    expect(a.timeline).toEqual([
      { bucket: '2025-03-01', returns: 1, nonPurchases: 0, refunded: 1000 },
      { bucket: '2025-03-02', returns: 1, nonPurchases: 0, refunded: 500 },
      { bucket: '2025-03-03', returns: 0, nonPurchases: 1, refunded: 700 },
      { bucket: '2025-03-04', returns: 1, nonPurchases: 0, refunded: 1200 },
      { bucket: '2025-03-05', returns: 1, nonPurchases: 0, refunded: 300 },
      { bucket: '2025-03-06', returns: 0, nonPurchases: 0, refunded: 0 },
      { bucket: '2025-03-07', returns: 1, nonPurchases: 0, refunded: 2000 },
    ]);
  });

  it('timeline by ISO week (Monday)', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'week' }, NOW);
    expect(a.timeline).toEqual([
      { bucket: '2025-02-24', returns: 2, nonPurchases: 0, refunded: 1500 },
      { bucket: '2025-03-03', returns: 3, nonPurchases: 1, refunded: 4200 },
    ]);
  });

  it('reasons and subreasons of the item decisions', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    const byKey = Object.fromEntries(a.reasons.map((r) => [`${r.reason}/${r.subreason}`, r]));
    expect(byKey).toEqual({
      'BAD_QUALITY/BAD_PACKAGE': { reason: 'BAD_QUALITY', subreason: 'BAD_PACKAGE', items: 2, units: 2, refunded: 2200 },
      'BAD_QUALITY/NONE': { reason: 'BAD_QUALITY', subreason: 'NONE', items: 2, units: 2, refunded: 2300 },
      'WRONG_ITEM/NONE': { reason: 'WRONG_ITEM', subreason: 'NONE', items: 1, units: 2, refunded: 500 },
    });
  });

  it('top SKUs by units, money shared by units where an item has no amount of its own', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    // SKU-A: 1000 (return 1) + 700/2 (non-purchase 3, two units) + 1200 (return 7).
    expect(a.topSkus).toEqual([
      { shopSku: 'SKU-A', name: 'Чайник «Заря»', returns: 3, units: 3, refunded: 2550 },
      { shopSku: 'SKU-C', name: 'Ботинки', returns: 2, units: 2, refunded: 650 },
      { shopSku: 'SKU-B', name: 'Кружка, 2 шт.', returns: 1, units: 2, refunded: 500 },
      { shopSku: 'SKU-D', name: null, returns: 1, units: 1, refunded: 2000 },
    ]);
  });

  it('decision mix: active ReturnDesk decisions and the Market data', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    expect(a.decisionMix).toEqual([
      { decisionType: 'REFUND_MONEY', operatorItems: 3, marketItems: 2 },
      { decisionType: 'NONE', operatorItems: 0, marketItems: 2 },
      { decisionType: 'PARTIAL_MONEY_REFUND', operatorItems: 0, marketItems: 1 },
    ]);
  });

  it('time to decision and missed deadlines with their reasons', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    expect(a.timeToDecision).toEqual({
      decided: 2,
      medianHours: 27.5,
      averageHours: 27.5,
      p90Hours: 50,
      untimed: 1,
      histogram: [
        { range: '<1h', returns: 0 },
        { range: '1-6h', returns: 1 },
        { range: '6-24h', returns: 0 },
        { range: '24-48h', returns: 0 },
        { range: '>48h', returns: 1 },
      ],
    });
    expect(a.deadlines.map((d) => [d.returnId, d.why])).toEqual([
      [2, 'auto-confirmed'],
      [7, 'delivered-late'],
      [6, 'still-waiting'],
    ]);
    expect(a.deadlines[0]!.deadline).toBe('2025-03-04T06:00:00.000Z');
  });

  it('per store, and the store filter', () => {
    const a = computeAnalytics(store.analytics, { ...PERIOD, bucket: 'day' }, NOW);
    expect(a.stores).toEqual([
      {
        campaignId: 101,
        name: 'Техно Дом FBS',
        returns: 3,
        nonPurchases: 0,
        refunded: 3500,
        compensation: 0,
        decisionDue: 3,
        deadlinesMissed: 2,
        medianHoursToDecision: 5,
      },
      {
        campaignId: 202,
        name: 'Обувь DBS',
        returns: 2,
        nonPurchases: 1,
        refunded: 2200,
        compensation: 199,
        decisionDue: 2,
        deadlinesMissed: 1,
        medianHoursToDecision: 50,
      },
    ]);
    const only = computeAnalytics(store.analytics, { ...PERIOD, campaignIds: [202], bucket: 'day' }, NOW);
    expect(only.totals).toMatchObject({ returns: 2, nonPurchases: 1, refunded: 2200, deadlinesMissed: 1 });
    expect(only.stores.map((s) => s.campaignId)).toEqual([202]);
  });

  it('a deadline that has not passed yet is neither due nor missed', () => {
    // Two hours after return 6 was created its 48 hours still run.
    const early = computeAnalytics(store.analytics, { from: '2025-03-07', to: '2025-03-07', bucket: 'day' }, Date.parse('2025-03-07T12:00:00+03:00'));
    expect(early.totals).toMatchObject({ returns: 1, decisionDue: 0, deadlinesMissed: 0 });
  });

  it('an empty period gives zeros, not errors', () => {
    const a = computeAnalytics(store.analytics, { from: '2024-01-01', to: '2024-01-03', bucket: 'day' }, NOW);
    expect(a.totals.returns + a.totals.nonPurchases).toBe(0);
    expect(a.timeline).toHaveLength(3);
    expect(a.reasons).toEqual([]);
    expect(a.timeToDecision.medianHours).toBeNull();
  });

  it('median and nearest-rank percentile', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});

describe('money per order', () => {
  it('cost minus the refunds of every return of the order, with period totals', () => {
    const page = orderMoney(store, { ...PERIOD, sort: 'refunded', descending: true, offset: 0, limit: 100 });
    expect(page.rows).toEqual([
      { orderId: 1006, campaignId: 101, returns: 1, cost: null, refunded: 2000, net: null, pending: true },
      // Order 1001: returns 1 and 2 in the period, and return 5 after it: 3000 − (1000 + 500 + 250).
      { orderId: 1001, campaignId: 101, returns: 3, cost: 3000, refunded: 1750, net: 1250, pending: true },
      { orderId: 1007, campaignId: 202, returns: 1, cost: 1200, refunded: 1200, net: 0, pending: false },
      { orderId: 1003, campaignId: 202, returns: 1, cost: 700, refunded: 700, net: 0, pending: false },
      { orderId: 1004, campaignId: 202, returns: 1, cost: null, refunded: 300, net: null, pending: false },
    ]);
    expect(page.totals).toEqual({ orders: 5, ordersWithCost: 3, cost: 4900, refunded: 5950, net: 1250, refundedWithoutCost: 2300 });
  });

  it('sorts with unknown costs last and pages', () => {
    const byNet = orderMoney(store, { ...PERIOD, sort: 'net', descending: true, offset: 0, limit: 100 });
    expect(byNet.rows.map((r) => r.orderId)).toEqual([1001, 1007, 1003, 1006, 1004]);
    const second = orderMoney(store, { ...PERIOD, sort: 'orderId', descending: false, offset: 2, limit: 2 });
    expect(second.rows.map((r) => r.orderId)).toEqual([1004, 1006]);
    expect(second.total).toBe(5);
  });
});

describe('bad periods are refused with the field and the rule', () => {
  it('end before start, impossible dates, too long', () => {
    const reversed = AnalyticsQuery.safeParse({ from: '2025-03-07', to: '2025-03-01' });
    expect(reversed.success).toBe(false);
    expect(reversed.error?.issues[0]).toMatchObject({ path: ['to'], message: 'the end date is before the start date' });
    expect(AnalyticsQuery.safeParse({ from: '2025-02-30', to: '2025-03-01' }).success).toBe(false);
    expect(AnalyticsQuery.safeParse({ from: '2020-01-01', to: '2025-03-01' }).error?.issues[0]?.message).toMatch(/longer than/);
    expect(AnalyticsQuery.safeParse({ from: '', to: '2025-03-01' }).error?.issues[0]?.path).toEqual(['from']);
    expect(OrderMoneyQuery.safeParse({ from: '2025-03-02', to: '2025-03-01' }).success).toBe(false);
    expect(() => computeAnalytics(store.analytics, { from: '2025-03-07', to: '2025-03-01', bucket: 'day' }, NOW)).toThrow(/^to: /);
  });
});
