/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
// The sandbox's money, each amount checked against the spec's own words for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../helpers/spec-quotes.ts';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let biz: number;

beforeAll(async () => {
  h = await harness({ returns: 400, seed: 21 });
  fbs = h.info.campaigns.find((c) => c.program === 'FBS')!.id;
  biz = h.info.campaigns.find((c) => c.id === fbs)!.businessId;
});
afterAll(() => h.sb.close());

const kopecks = (m: { value: number } | undefined): number => Math.round((m?.value ?? 0) * 100);

async function allOrders(): Promise<any[]> {
  const out: any[] = [];
  let token: string | undefined;
  do {
    const { status, body } = await h.json(`/v1/businesses/${biz}/orders?limit=50${token ? `&page_token=${token}` : ''}`, { method: 'POST', body: '{}' });
    expect(status).toBe(200);
    out.push(...body.orders);
    token = body.paging?.nextPageToken;
  } while (token);
  return out;
}

async function orderOf(orderId: number): Promise<any> {
  const { body } = await h.json(`/v1/businesses/${biz}/orders`, { method: 'POST', body: JSON.stringify({ orderIds: [orderId] }) });
  return body.orders[0];
}

describe('ItemPriceDTO: every amount of a line is the total for all its units', () => {
  it('in every order the lines’ payment, cashback and subsidy add up to the order’s', async () => {
    const orders = await allOrders();
    expect(orders.length).toBeGreaterThan(100);
    for (const o of orders) {
      const sum = (k: 'payment' | 'cashback' | 'subsidy'): number => o.items.reduce((s: number, i: any) => s + kopecks(i.prices?.[k]), 0);
      expect(sum('payment') + sum('cashback'), `order ${o.orderId}: ${quote('orderCostParts')} = Σ ${quote('itemCostParts')}`).toBe(
        kopecks(o.prices.payment) + kopecks(o.prices.cashback),
      );
      expect(sum('payment'), `order ${o.orderId}`).toBe(kopecks(o.prices.payment));
      expect(sum('cashback'), `order ${o.orderId}`).toBe(kopecks(o.prices.cashback));
      expect(sum('subsidy'), `order ${o.orderId}: ${quote('itemSubsidy')}`).toBe(kopecks(o.prices.subsidy));
    }
    // The demo data exercises what a unit-price reading gets wrong: several units, Plus points, subsidies.
    const lines = orders.flatMap((o) => o.items);
    expect(lines.filter((i) => i.count >= 2 && i.prices.payment.value > 0).length).toBeGreaterThan(10);
    expect(lines.filter((i) => (i.prices.cashback?.value ?? 0) > 0).length).toBeGreaterThan(10);
    expect(lines.filter((i) => i.prices.subsidy.value > 0).length).toBeGreaterThan(10);
  });

  it('a line of 2 × 2,090 ₽ says 4,180 ₽; the deprecated getOrder says 2,090 ₽ per unit', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs, items: [{ count: 2, price: 2090 }] });
    const line = (await orderOf(r.orderId)).items[0];
    expect(line.count).toBe(2);
    expect(line.prices.payment, `${quote('itemPriceTotal')} ${quote('itemPaymentAllUnits')}`).toEqual({ value: 4180, currencyId: 'RUR' });
    const old = (await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}`)).body.order.items[0];
    expect(old.price).toBe(2090);
  });

  it('a return takes back its positions at what the seller is owed per unit: payment + Plus points + subsidy', async () => {
    // One unit: 1,000 ₽ = 850 ₽ of money + 100 ₽ of Plus points + the Market's 50 ₽ subsidy.
    const r = await h.admin.createReturn({ campaignId: fbs, items: [{ count: 3, returnCount: 2, price: 1000, subsidy: 50, cashback: 100 }] });
    const order = await orderOf(r.orderId);
    expect(order.items[0].prices).toMatchObject({ payment: { value: 2550 }, cashback: { value: 300 }, subsidy: { value: 150 } });
    expect(order.prices).toMatchObject({ payment: { value: 2550 }, cashback: { value: 300 }, subsidy: { value: 150 } });
    const ret = (await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}`)).body.result;
    expect(ret.items[0].count).toBe(2);
    expect(ret.amount, quote('returnAmount')).toEqual({ value: 2000, currencyId: 'RUR' });
    expect(ret.items[0].decisions[0].amount).toEqual({ value: 2000, currencyId: 'RUR' });
    expect(ret.refundAmount, quote('refundAmountKopecks')).toBe(200_000);
  });
});

describe('decision options', () => {
  it('maxPercent is a share of each position; maxAmount is the largest position’s share', async () => {
    const r = await h.admin.createReturn({
      campaignId: fbs,
      items: [
        { count: 2, price: 3000 },
        { count: 1, price: 401 },
      ],
    });
    const [big, small] = r.items.map((i) => i.decisions![0]!.returnItemId) as [number, number];
    const { body } = await h.json(`/v1/businesses/${biz}/returns/decisions`, { method: 'POST', body: JSON.stringify({ campaignId: fbs, returnId: r.id }) });
    const bounds = body.result.availableDecisions.find((d: any) => d.decisionType === 'PARTIAL_MONEY_REFUND').partialCompensationBounds;
    expect(bounds.maxPercent).toBe(50);
    expect(bounds.minAmount.value, 'BasePriceDTO: value > 0').toBeGreaterThan(0);
    // 50 % of the 2-unit position (6,000 ₽), not of one unit.
    expect(bounds.maxAmount, quote('maxPercentOfPosition')).toEqual({ value: 3000, currencyId: 'RUR' });
    const submit = (compensation: number) =>
      h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
        method: 'POST',
        body: JSON.stringify({
          returnItemDecisions: [
            { returnItemId: big, decisionType: 'REFUND_MONEY' },
            { returnItemId: small, decisionType: 'PARTIAL_MONEY_REFUND', compensation: { value: compensation, currencyId: 'RUR' } },
          ],
        }),
      });
    // The small position (401 ₽): 50 % is 200 ₽, though maxAmount allows 3,000 ₽.
    const over = await submit(201);
    expect(over.status, quote('compensationPerPosition')).toBe(400);
    expect(over.body.errors[0].message).toContain('from 1 to 200 RUR');
    expect((await submit(200)).status).toBe(200);
  });
});
