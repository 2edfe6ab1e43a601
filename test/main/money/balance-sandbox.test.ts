// From the sandbox over HTTP to the return pane's money, the decision form's ceiling and the analytics:
// one order with a 2-unit line, a subsidy, Plus points and a sibling non-purchase, counted the same everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReturnDetail } from '../../../preload/contract.ts';
import { compensationMax } from '../../../preload/decision-rules.ts';
import { orderMoney } from '../../../main/analytics/order-money.ts';
import { mskDay } from '../../../main/analytics/period.ts';
import { toReturnDetail } from '../../../main/returns/views.ts';
import type { AdminReturn } from '../../../sandbox/admin-client.ts';
import { quote } from '../../helpers/spec-quotes.ts';
import { campaignOf, startHarness, syncReturn, type Harness } from '../outbox/helpers.ts';

let h: Harness;
let nonPurchase: AdminReturn;
let kettles: AdminReturn;

beforeAll(async () => {
  h = await startHarness();
  const fbs = campaignOf(h, 'FBS');
  // The buyer left the shoes at the pickup point and took two kettles (2,090 ₽ each: 1,795 ₽ of money,
  // 190 ₽ of Plus points, 105 ₽ of the Market's subsidy), then returned both kettles.
  nonPurchase = await h.admin.createReturn({
    campaignId: fbs,
    type: 'UNREDEEMED',
    items: [
      { count: 1, price: 11_940 },
      { count: 2, returnCount: 0, price: 2090, subsidy: 105, cashback: 190 },
    ],
  });
  const order = (await h.client.getBusinessOrders(h.store.getCampaign(fbs)!.businessId!, { orderIds: [nonPurchase.orderId] })).orders[0]!;
  kettles = await h.admin.createReturn({ orderId: nonPurchase.orderId, type: 'RETURN', items: [{ offerId: order.items[1]!.offerId, count: 2 }] });
  await syncReturn(h, fbs, nonPurchase.orderId, nonPurchase.id);
  await syncReturn(h, fbs, kettles.orderId, kettles.id);
});
afterAll(() => h.close());

describe('one order, counted the same in the pane, the form and the analytics', () => {
  it('the pane: the cost with Plus points and subsidy, minus the non-purchase and this return, leaves 0', () => {
    const detail = h.store.returnDetail(kettles.id)!;
    const view = ReturnDetail.parse(toReturnDetail(detail, () => null));
    expect(
      view.order!.items.map((i) => [i.count, i.money.payment?.value, i.money.cashback?.value ?? 0, i.money.subsidy?.value, i.money.total?.value]),
      quote('itemPriceTotal'),
    ).toEqual([
      [1, 11_940, 0, 0, 11_940],
      [2, 3590, 380, 210, 4180],
    ]);
    expect(view.money.cost, `${quote('orderCostParts')} ${quote('itemSubsidy')}`).toEqual({ payment: 15_530, cashback: 380, subsidy: 210, total: 16_120 });
    expect(view.money.takeBacks.map((t) => [t.returnId, t.returnType, t.basis, t.amount?.value])).toEqual([
      [nonPurchase.id, 'UNREDEEMED', 'refund', 11_940],
      [kettles.id, 'RETURN', 'refund', 4180],
    ]);
    expect(view.money.remains, quote('subtractRefunds')).toBe(0);
    expect(view.items[0]!.position).toEqual({
      payment: { value: 3590, currencyId: 'RUR' },
      cashback: { value: 380, currencyId: 'RUR' },
      subsidy: { value: 210, currencyId: 'RUR' },
      total: { value: 4180, currencyId: 'RUR' },
    });
    // The non-purchase's pane shows the same balance.
    expect(h.store.returnDetail(nonPurchase.id)!.money).toEqual(detail.money);
  });

  it('the decision form: the position is both kettles, and the ceiling is 50 % of it', async () => {
    const available = await h.outbox.available(kettles.id);
    const item = available.items[0]!;
    expect(item.count).toBe(2);
    expect(item.position).toEqual(h.store.returnDetail(kettles.id)!.items[0]!.position);
    expect(compensationMax(available, item.returnItemId), quote('maxPercentOfPosition')).toBe(2090);
  });

  it('the analytics: the same cost, take-backs and remainder for the order', () => {
    const today = mskDay(Date.now());
    const page = orderMoney(h.store, { from: '2020-01-01', to: today, sort: 'orderId', descending: false, offset: 0, limit: 500 });
    const row = page.rows.find((r) => r.orderId === kettles.orderId)!;
    const money = h.store.returnDetail(kettles.id)!.money;
    expect(row).toMatchObject({ returns: 2, cost: money.cost!.total, refunded: money.takenBack, net: money.remains, pending: true });
  });
});
