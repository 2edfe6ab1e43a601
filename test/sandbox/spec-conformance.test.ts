/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
// Where habit and the spec disagree, the sandbox does what the spec says; each case beside the spec's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../helpers/spec-quotes.ts';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let dbs: number;
let biz: number;

beforeAll(async () => {
  h = await harness({ returns: 400, seed: 23 });
  fbs = h.info.campaigns.find((c) => c.program === 'FBS')!.id;
  dbs = h.info.campaigns.find((c) => c.program === 'DBS')!.id;
  biz = h.info.campaigns.find((c) => c.id === fbs)!.businessId;
});
afterAll(() => h.sb.close());

describe('where the sandbox follows the spec', () => {
  it('a comment is asked for, not a required field: a decline with its reason and no comment is accepted', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    const id = r.items[0]!.decisions![0]!.returnItemId;
    const res = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
      method: 'POST',
      body: JSON.stringify({ returnItemDecisions: [{ returnItemId: id, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE' }] }),
    });
    expect(res.status, `${quote('commentAsks')} — ReturnItemDecisionDTO requires only returnItemId and decisionType`).toBe(200);
  });

  it('a limit above the maximum is cut to it (x-transform: truncateLimit), below 1 refused', async () => {
    const returns = await h.json(`/v2/campaigns/${fbs}/returns?limit=500`);
    expect(returns.status).toBe(200);
    expect(returns.body.result.returns).toHaveLength(100);
    const orders = await h.json(`/v1/businesses/${biz}/orders?limit=51`, { method: 'POST', body: '{}' });
    expect(orders.status).toBe(200);
    expect(orders.body.orders).toHaveLength(50);
    expect((await h.json(`/v2/campaigns/${fbs}/returns?limit=0`)).status).toBe(400);
  });

  it('setReturnDecision serves DBS stores only', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    const res = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ returnItemId: r.items[0]!.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'CAMPAIGN_TYPE_NOT_SUPPORTED' });
    expect(res.body.errors[0].message).toContain('decision/submit');
    const d = await h.admin.createReturn({ campaignId: dbs });
    const ok = await h.json(`/v2/campaigns/${dbs}/orders/${d.orderId}/returns/${d.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ returnItemId: d.items[0]!.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' }),
    });
    expect(ok.status).toBe(200);
  });

  it('a status notification carries only the status that changed; a non-purchase’s only its shipmentStatus', async () => {
    await h.admin.setPush('http://127.0.0.1:9/notification');
    try {
      const r = await h.admin.createReturn({ campaignId: fbs });
      await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
        method: 'POST',
        body: JSON.stringify({ returnItemDecisions: [{ returnItemId: r.items[0]!.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' }] }),
      });
      await h.admin.setReturnStatus(r.id, 'PREMODERATION_SELECT_DELIVERY', { shipmentStatus: 'IN_TRANSIT' });
      const n = await h.admin.createReturn({ campaignId: fbs, type: 'UNREDEEMED', shipmentStatus: 'IN_TRANSIT' });
      await h.admin.setReturnStatus(n.id, undefined, { shipmentStatus: 'READY_FOR_PICKUP' });
      await expect(h.admin.setReturnStatus(n.id, 'REFUNDED', { force: true })).rejects.toThrow(/non-purchase/);
      const statuses = (await h.admin.pushes()).deliveries
        .filter((d) => d.notificationType === 'ORDER_RETURN_STATUS_UPDATED' && (d.payload.returnId === r.id || d.payload.returnId === n.id))
        .map((d) => [d.payload.returnId, d.payload.statuses]);
      expect(statuses, `${quote('notificationOnlyChanged')} ${quote('notificationNonPurchase')}`).toEqual([
        [r.id, { refundStatus: 'PREMODERATION_DECISION_MADE' }],
        [r.id, { refundStatus: 'PREMODERATION_SELECT_DELIVERY', shipmentStatus: 'IN_TRANSIT' }],
        [n.id, { shipmentStatus: 'READY_FOR_PICKUP' }],
      ]);
    } finally {
      await h.admin.setPush(null);
    }
  });

  it('one key sees one cabinet: the Market issues keys per cabinet', async () => {
    const mine = (await h.json('/v2/campaigns')).body.campaigns;
    expect(new Set(mine.map((c: any) => c.placementType))).toEqual(new Set(['FBS', 'FBY', 'DBS']));
    expect(new Set(mine.map((c: any) => c.business.id)), quote('tokensPerCabinet')).toEqual(new Set([biz]));
    const theirs = (await h.json('/v2/campaigns', { key: h.sb.otherApiKey })).body.campaigns;
    expect(theirs.every((c: any) => c.business.id !== biz)).toBe(true);
    expect(h.info.businesses.filter((b) => b.key === 'apiKey')).toHaveLength(1);
  });
});
