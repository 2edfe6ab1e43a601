/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let fby: number;
let dbs: number;
let biz1: number;
let otherCampaign: number;
let otherBiz: number;

beforeAll(async () => {
  h = await harness({ returns: 400, seed: 7 });
  const c = h.info.campaigns;
  fbs = c.find((x) => x.program === 'FBS')!.id;
  fby = c.find((x) => x.program === 'FBY')!.id;
  dbs = c.find((x) => x.program === 'DBS')!.id;
  biz1 = c.find((x) => x.id === fbs)!.businessId;
  otherCampaign = c[c.length - 1]!.id;
  otherBiz = c[c.length - 1]!.businessId;
});
afterAll(() => h.sb.close());

async function allReturns(campaignId: number, query = '', limit = 37): Promise<any[]> {
  const out: any[] = [];
  let token: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const q = new URLSearchParams(query);
    q.set('limit', String(limit));
    if (token) q.set('page_token', token);
    const { status, body } = await h.json(`/v2/campaigns/${campaignId}/returns?${q}`);
    expect(status).toBe(200);
    out.push(...body.result.returns);
    token = body.result.paging?.nextPageToken;
    if (!token) return out;
  }
  throw new Error('paging never ended');
}

describe('campaigns', () => {
  it('lists the stores of the key with placementType and business, not those of another seller', async () => {
    const { status, body } = await h.json('/v2/campaigns');
    expect(status).toBe(200);
    expect(body.campaigns.map((c: any) => c.id)).not.toContain(otherCampaign);
    expect(new Set(body.campaigns.map((c: any) => c.placementType))).toEqual(new Set(['FBS', 'FBY', 'DBS']));
    expect(body.campaigns[0].business.id).toBe(biz1);
    const other = await h.json('/v2/campaigns', { key: h.sb.otherApiKey });
    expect(other.body.campaigns.map((c: any) => c.id)).toEqual([otherCampaign]);
  });
  it('gets one campaign; 403 for another seller, 404 for unknown, 400 for a non-numeric id', async () => {
    expect((await h.json(`/v2/campaigns/${fbs}`)).body.campaign.id).toBe(fbs);
    expect((await h.json(`/v2/campaigns/${otherCampaign}`)).status).toBe(403);
    const nf = await h.json('/v2/campaigns/999');
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({ status: 'ERROR', errors: [{ code: 'NOT_FOUND' }] });
    expect((await h.json('/v2/campaigns/abc')).status).toBe(400);
  });
});

describe('auth', () => {
  it('401 without a key and with a wrong key, in the error envelope', async () => {
    for (const key of [null, 'nope']) {
      const { status, body } = await h.json(`/v2/campaigns/${fbs}/returns`, { key });
      expect(status).toBe(401);
      expect(body.status).toBe('ERROR');
      expect(body.errors[0].code).toBe('UNAUTHORIZED');
    }
  });
  it('403 on a campaign and a business of another key', async () => {
    expect((await h.json(`/v2/campaigns/${otherCampaign}/returns`)).status).toBe(403);
    expect((await h.json(`/v1/businesses/${otherBiz}/orders`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await h.json(`/v1/businesses/${biz1}/orders`, { method: 'POST', body: '{}', key: h.sb.otherApiKey })).status).toBe(403);
  });
  it('404 for unknown return and business; 405 for a wrong method', async () => {
    expect((await h.json(`/v2/campaigns/${fbs}/orders/1/returns/1`)).status).toBe(404);
    expect((await h.json('/v1/businesses/123/orders', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await h.json(`/v2/campaigns/${fbs}/returns`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('getReturns', () => {
  it('walks every page without skipping or repeating, in (updateDate, id) order', async () => {
    const all = await allReturns(fbs, '', 23);
    const ids = all.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const big = await allReturns(fbs, '', 100);
    expect(big.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < all.length; i++) {
      const a = Date.parse(all[i - 1].updateDate);
      const b = Date.parse(all[i].updateDate);
      expect(a < b || (a === b && all[i - 1].id < all[i].id)).toBe(true);
    }
    expect(all.length).toBeGreaterThan(50);
  });
  it('filters by statuses, shipmentStatuses, type and orderIds', async () => {
    const all = await allReturns(fby, '', 100);
    const waiting = await allReturns(fby, 'statuses=PREMODERATION_DECISION_WAITING');
    expect(waiting.length).toBe(all.filter((r) => r.refundStatus === 'PREMODERATION_DECISION_WAITING').length);
    expect(waiting.length).toBeGreaterThan(0);
    const two = await allReturns(fby, 'statuses=REFUNDED,REJECTED');
    expect(two.every((r) => ['REFUNDED', 'REJECTED'].includes(r.refundStatus))).toBe(true);
    expect(two.length).toBe(all.filter((r) => ['REFUNDED', 'REJECTED'].includes(r.refundStatus)).length);
    const unredeemed = await allReturns(fby, 'type=UNREDEEMED');
    expect(unredeemed.length).toBe(all.filter((r) => r.returnType === 'UNREDEEMED').length);
    expect(unredeemed.length).toBeGreaterThan(0);
    const inTransit = await allReturns(fby, 'shipmentStatuses=IN_TRANSIT');
    expect(inTransit.length).toBe(all.filter((r) => r.shipmentStatus === 'IN_TRANSIT').length);
    const orders = [all[0].orderId, all[5].orderId];
    const byOrder = await allReturns(fby, `orderIds=${orders.join(',')}`);
    expect(byOrder.length).toBe(all.filter((r) => orders.includes(r.orderId)).length);
  });
  it('filters by update date with fromDate/toDate and the deprecated from_date/to_date', async () => {
    const all = await allReturns(fbs, '', 100);
    const day = all[Math.floor(all.length / 2)].updateDate.slice(0, 10);
    const expected = all.filter((r) => r.updateDate.slice(0, 10) === day).length;
    expect((await allReturns(fbs, `fromDate=${day}&toDate=${day}`)).length).toBe(expected);
    expect((await allReturns(fbs, `from_date=${day}&to_date=${day}`)).length).toBe(expected);
    const after = await allReturns(fbs, `fromDate=${day}`);
    expect(after.length).toBe(all.filter((r) => r.updateDate.slice(0, 10) >= day).length);
  });
  it('has realistic content: RUR amounts, both types, marked goods, several returns per order, photos', async () => {
    const all = [...(await allReturns(fbs, '', 100)), ...(await allReturns(fby, '', 100)), ...(await allReturns(dbs, '', 100))];
    expect(all.every((r) => r.amount.currencyId === 'RUR')).toBe(true);
    const items = all.flatMap((r) => r.items);
    expect(items.some((i) => i.instances?.some((x: any) => x.cis))).toBe(true);
    expect(items.some((i) => i.instances?.some((x: any) => x.imei))).toBe(true);
    const perOrder = new Map<number, number>();
    for (const r of all) perOrder.set(r.orderId, (perOrder.get(r.orderId) ?? 0) + 1);
    expect([...perOrder.values()].some((n) => n > 1)).toBe(true);
    expect(all.some((r) => r.fastReturn === true)).toBe(true);
    expect(all.some((r) => r.refundStatus === 'PREMODERATION_DISPUTE')).toBe(true);
    const photos = items.map((i) => i.decisions?.[0]?.images?.length ?? 0);
    expect(Math.max(...photos)).toBe(8);
    expect(photos).toContain(0);
  });
  it('rejects bad input with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['statuses=NOT_A_STATUS', 'statuses'],
      ['shipmentStatuses=FLYING', 'shipmentStatuses'],
      ['type=BOTH', 'type'],
      ['fromDate=2024-13-45', 'fromDate'],
      ['fromDate=yesterday', 'fromDate'],
      ['page_token=%%%garbage', 'page_token'],
      ['orderIds=1,x', 'orderIds'],
    ];
    for (const [q, name] of cases) {
      const { status, body } = await h.json(`/v2/campaigns/${fbs}/returns?${q}`);
      expect(status, q).toBe(400);
      expect(body.status).toBe('ERROR');
      expect(body.errors[0].message, q).toContain(name);
    }
  });
  it('gets one return by order and id; 404 when the order does not match', async () => {
    const [r] = await allReturns(fbs, 'limit=1');
    const one = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}`);
    expect(one.status).toBe(200);
    expect(one.body.result.id).toBe(r.id);
    expect((await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId + 1}/returns/${r.id}`)).status).toBe(404);
    expect((await h.json(`/v2/campaigns/${fby}/orders/${r.orderId}/returns/${r.id}`)).status).toBe(404);
  });
});

async function decisions(campaignId: number, businessId: number, returnId: number): Promise<any[]> {
  const { status, body } = await h.json(`/v1/businesses/${businessId}/returns/decisions`, { method: 'POST', body: JSON.stringify({ campaignId, returnId }) });
  expect(status).toBe(200);
  return body.result.availableDecisions;
}

function submit(r: { campaignId: number; orderId: number; id: number }, body: unknown) {
  return h.json(`/v2/campaigns/${r.campaignId}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('decisions', () => {
  it('FBS: available decisions carry reasons and bounds; submit moves to PREMODERATION_DECISION_MADE; second submit is rejected', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs, items: [{ count: 1, price: 5000 }] });
    expect(r.refundStatus).toBe('PREMODERATION_DECISION_WAITING');
    const avail = await decisions(fbs, biz1, r.id);
    const decline = avail.find((d) => d.decisionType === 'DECLINE_REFUND');
    expect(decline.decisionReasonTypes.length).toBeGreaterThan(0);
    const partial = avail.find((d) => d.decisionType === 'PARTIAL_MONEY_REFUND');
    expect(partial.partialCompensationBounds).toMatchObject({ minAmount: { currencyId: 'RUR' }, maxAmount: { value: 2500 }, maxPercent: 50 });
    const itemId = r.items[0]!.decisions![0]!.returnItemId;
    const res = await submit(r, {
      returnItemDecisions: [{ returnItemId: itemId, decisionType: 'PARTIAL_MONEY_REFUND', compensation: { value: 1000, currencyId: 'RUR' } }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'OK' });
    const after = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}`);
    expect(after.body.result.refundStatus).toBe('PREMODERATION_DECISION_MADE');
    expect(after.body.result.items[0].decisions[0].decisionType).toBe('PARTIAL_MONEY_REFUND');
    expect(await decisions(fbs, biz1, r.id)).toEqual([]);
    const again = await submit(r, { returnItemDecisions: [{ returnItemId: itemId, decisionType: 'REFUND_MONEY' }] });
    expect(again.status).toBe(400);
    const rec = (await h.admin.received()).filter((x) => x.returnId === r.id);
    expect(rec.map((x) => x.statusCode)).toEqual([200, 400]);
  });
  it('validates each decision: availability, reason, compensation bounds, unknown items', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs, items: [{ count: 1, price: 4000 }] });
    const id = r.items[0]!.decisions![0]!.returnItemId;
    const bad: [unknown, string][] = [
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'REPAIR', comment: 'x' }] }, 'decisionType'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'DECLINE_REFUND', comment: 'нет' }] }, 'decisionReasonType'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'DECLINE_REFUND', decisionReasonType: 'NOPE', comment: 'x' }] }, 'decisionReasonType'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'PARTIAL_MONEY_REFUND' }] }, 'compensation'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'PARTIAL_MONEY_REFUND', compensation: { value: 2001, currencyId: 'RUR' } }] }, 'compensation'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'PARTIAL_MONEY_REFUND', compensation: { value: -5, currencyId: 'RUR' } }] }, 'compensation'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'REFUND_MONEY', compensation: { value: 5, currencyId: 'RUR' } }] }, 'compensation'],
      [{ returnItemDecisions: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] }, 'returnItemId'],
      [{ returnItemDecisions: [] }, 'returnItemDecisions'],
      [{ returnItemDecisions: [{ returnItemId: 'x', decisionType: 'REFUND_MONEY' }] }, 'returnItemId'],
      [{ returnItemDecisions: [{ returnItemId: id, decisionType: 'MAYBE' }] }, 'decisionType'],
      ['{"returnItemDecisions": [', 'JSON'],
    ];
    for (const [body, word] of bad) {
      const res = await submit(r, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].message, JSON.stringify(body)).toContain(word);
    }
    expect((await h.admin.getReturn(r.id)).refundStatus).toBe('PREMODERATION_DECISION_WAITING');
    const okRes = await submit(r, {
      returnItemDecisions: [{ returnItemId: id, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'Следы удара на корпусе' }],
    });
    expect(okRes.status).toBe(200);
  });
  it('DBS: WAITING_FOR_DECISION → DECISION_MADE; deprecated setReturnDecision + empty submit', async () => {
    const r = await h.admin.createReturn({ campaignId: dbs, items: [{ count: 1 }, { count: 1 }] });
    expect(r.refundStatus).toBe('WAITING_FOR_DECISION');
    const [a, b] = r.items.map((i) => i.decisions![0]!.returnItemId);
    const partialCover = await submit(r, { returnItemDecisions: [{ returnItemId: a, decisionType: 'REFUND_MONEY' }] });
    expect(partialCover.status).toBe(400);
    const set = await h.json(`/v2/campaigns/${dbs}/orders/${r.orderId}/returns/${r.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ returnItemId: a, decisionType: 'REPAIR', comment: 'Починим за 10 дней' }),
    });
    expect(set.status).toBe(200);
    const set2 = await h.json(`/v2/campaigns/${dbs}/orders/${r.orderId}/returns/${r.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ returnItemId: b, decisionType: 'OTHER_DECISION', comment: 'Предлагаем обмен на другой цвет' }),
    });
    expect(set2.status).toBe(200);
    expect((await h.admin.getReturn(r.id)).refundStatus).toBe('WAITING_FOR_DECISION');
    const confirm = await h.json(`/v2/campaigns/${dbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, { method: 'POST' });
    expect(confirm.status).toBe(200);
    expect((await h.admin.getReturn(r.id)).refundStatus).toBe('DECISION_MADE');
    const next = await h.admin.setReturnStatus(r.id, 'REFUND_IN_PROGRESS');
    expect(next.refundStatus).toBe('REFUND_IN_PROGRESS');
    expect((await h.admin.setReturnStatus(r.id, 'REFUNDED')).refundStatus).toBe('REFUNDED');
    await expect(h.admin.setReturnStatus(r.id, 'WAITING_FOR_DECISION')).rejects.toThrow(/not a transition/);
  });
  it('FBY: dispute path PREMODERATION_DECISION_MADE → PREMODERATION_DISPUTE (arbitrage chat) → REFUND_IN_PROGRESS → REFUNDED', async () => {
    const r = await h.admin.createReturn({ campaignId: fby });
    const id = r.items[0]!.decisions![0]!.returnItemId;
    expect(
      (
        await submit(r, {
          returnItemDecisions: [
            { returnItemId: id, decisionType: 'DECLINE_REFUND', decisionReasonType: 'PRODUCT_APPEARANCE_COMPROMISED', comment: 'Товар был в использовании' },
          ],
        })
      ).status,
    ).toBe(200);
    const d = await h.admin.openDispute(r.id);
    expect(d.refundStatus).toBe('PREMODERATION_DISPUTE');
    const chats = await h.json(`/v2/businesses/${biz1}/chats`, { method: 'POST', body: JSON.stringify({ types: ['ARBITRAGE'] }) });
    expect(chats.body.result.chats.some((c: any) => c.chatId === d.chatId && c.context.returnId === r.id)).toBe(true);
    expect((await h.admin.setReturnStatus(r.id, 'REFUND_IN_PROGRESS')).refundStatus).toBe('REFUND_IN_PROGRESS');
    expect((await h.admin.setReturnStatus(r.id, 'REFUNDED')).refundStatus).toBe('REFUNDED');
  });
  it("rejects decisions on non-purchases and asked through another seller's business", async () => {
    const r = await h.admin.createReturn({ campaignId: fbs, type: 'UNREDEEMED' });
    expect(r.refundStatus).toBeUndefined();
    expect(await decisions(fbs, biz1, r.id)).toEqual([]);
    const res = await submit(r, { returnItemDecisions: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] });
    expect(res.status).toBe(400);
    const wrongBiz = await h.json(`/v1/businesses/${otherBiz}/returns/decisions`, {
      method: 'POST',
      body: JSON.stringify({ campaignId: fbs, returnId: r.id }),
    });
    expect(wrongBiz.status).toBe(403);
    const missing = await h.json(`/v1/businesses/${biz1}/returns/decisions`, { method: 'POST', body: JSON.stringify({ campaignId: fbs }) });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].message).toContain('returnId');
  });
});

describe('orders', () => {
  it('getBusinessOrders pages through orders consistent with returns, filters by ids and campaigns', async () => {
    const ids: number[] = [];
    let token: string | undefined;
    do {
      const { status, body } = await h.json(`/v1/businesses/${biz1}/orders?limit=50${token ? `&page_token=${token}` : ''}`, {
        method: 'POST',
        body: JSON.stringify({ campaignIds: [fbs] }),
      });
      expect(status).toBe(200);
      expect(body.orders.every((o: any) => o.campaignId === fbs)).toBe(true);
      ids.push(...body.orders.map((o: any) => o.orderId));
      token = body.paging?.nextPageToken;
    } while (token);
    expect(new Set(ids).size).toBe(ids.length);
    const rets = await allReturns(fbs, '', 100);
    for (const r of rets.slice(0, 20)) expect(ids).toContain(r.orderId);
    const r = rets.find((x) => x.returnType === 'RETURN')!;
    const { body } = await h.json(`/v1/businesses/${biz1}/orders`, { method: 'POST', body: JSON.stringify({ orderIds: [r.orderId] }) });
    expect(body.orders).toHaveLength(1);
    const order = body.orders[0];
    for (const it of r.items) {
      const oi = order.items.find((x: any) => x.offerId === it.shopSku);
      expect(oi.count).toBeGreaterThanOrEqual(it.count);
    }
    const single = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}`);
    expect(single.status).toBe(200);
    expect(single.body.order.id).toBe(r.orderId);
    expect(single.body.order.creationDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
  });
  it('has an item removed by the seller (count 0) somewhere', async () => {
    let found = false;
    let token: string | undefined;
    do {
      const { body } = await h.json(`/v1/businesses/${biz1}/orders?limit=50${token ? `&page_token=${token}` : ''}`, { method: 'POST', body: '{}' });
      if (body.orders.some((o: any) => o.items.some((i: any) => i.count === 0))) found = true;
      token = body.paging?.nextPageToken;
    } while (token && !found);
    expect(found).toBe(true);
  });
  it('400 on bad bodies', async () => {
    const bad = [
      '{',
      '[]',
      JSON.stringify({ statuses: ['NOPE'] }),
      JSON.stringify({ orderIds: 'x' }),
      JSON.stringify({ campaignIds: [] }),
      JSON.stringify({ dates: { updateDateFrom: 'yesterday' } }),
    ];
    for (const b of bad) expect((await h.json(`/v1/businesses/${biz1}/orders`, { method: 'POST', body: b })).status, b).toBe(400);
    expect((await h.json(`/v1/businesses/${biz1}/orders?limit=0`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});
