/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let dbs: number;

beforeAll(async () => {
  h = await harness({ returns: 200, seed: 11 });
  fbs = h.info.campaigns.find((c) => c.program === 'FBS')!.id;
  dbs = h.info.campaigns.find((c) => c.program === 'DBS')!.id;
});
afterAll(() => h.sb.close());
beforeEach(async () => {
  await h.admin.clearFaults();
});

describe('clock and deadlines', () => {
  it('an undecided return is confirmed by the Market 48 hours after creation (FBS → SELECT_DELIVERY, DBS → REFUND_IN_PROGRESS)', async () => {
    const a = await h.admin.createReturn({ campaignId: fbs });
    const b = await h.admin.createReturn({ campaignId: dbs });
    await h.admin.advanceClock(47 * 3600_000);
    expect((await h.json(`/v2/campaigns/${fbs}/orders/${a.orderId}/returns/${a.id}`)).body.result.refundStatus).toBe('PREMODERATION_DECISION_WAITING');
    await h.admin.advanceClock(3600_000 + 1000);
    const ra = (await h.json(`/v2/campaigns/${fbs}/orders/${a.orderId}/returns/${a.id}`)).body.result;
    expect(ra.refundStatus).toBe('PREMODERATION_SELECT_DELIVERY');
    expect(Date.parse(ra.updateDate)).toBe(Date.parse(a.decisionDeadline));
    expect((await h.json(`/v2/campaigns/${dbs}/orders/${b.orderId}/returns/${b.id}`)).body.result.refundStatus).toBe('REFUND_IN_PROGRESS');
    const late = await h.json(`/v2/campaigns/${fbs}/orders/${a.orderId}/returns/${a.id}/decision/submit`, {
      method: 'POST',
      body: JSON.stringify({ returnItemDecisions: [{ returnItemId: a.items[0]!.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' }] }),
    });
    expect(late.status).toBe(400);
  });
  it('STARTED_BY_USER becomes awaiting a decision after moderation; demo data has returns close to the deadline', async () => {
    const fresh = await h.admin.createReturn({ campaignId: fbs, status: 'STARTED_BY_USER' });
    expect(fresh.refundStatus).toBe('STARTED_BY_USER');
    await h.admin.advanceClock(11 * 60_000);
    expect((await h.admin.getReturn(fresh.id)).refundStatus).toBe('PREMODERATION_DECISION_WAITING');
    const clock = await h.admin.clock();
    expect(Date.parse(clock.now)).toBeGreaterThan(Date.parse(clock.startTime) + 48 * 3600_000);
    await expect(h.admin.setClock(clock.startTime)).rejects.toThrow(/forward/);
  });
});

describe('limits', () => {
  it('a third parallel request of one key gets 420 "Hit rate limit of 2 parallel requests"; the other key is not affected', async () => {
    await h.admin.setFaults({ type: 'latency', latencyMs: 300, path: '/campaigns$' });
    const results = await Promise.all([1, 2, 3, 4].map(() => h.json('/v2/campaigns')));
    const other = await h.json('/v2/campaigns', { key: h.sb.otherApiKey });
    const codes = results.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(2);
    const limited = results.find((r) => r.status === 420)!;
    expect(limited.body.errors[0].message).toBe('Hit rate limit of 2 parallel requests');
    expect(other.status).toBe(200);
    const stats = await h.admin.stats();
    expect(stats.maxConcurrentPerKey.apiKey).toBe(2);
    expect(stats.count420).toBeGreaterThanOrEqual(2);
  });
  it('hourly budgets from x-resource-limit-config, scaled, with X-RateLimit-* headers; reset by the next hour of the clock', async () => {
    await h.admin.setLimits(0.001); // getCampaigns 1000/h → 1
    const first = await h.json('/v2/campaigns');
    expect(first.status).toBe(200);
    expect(first.res.headers.get('x-ratelimit-resource-limit')).toBe('1');
    expect(first.res.headers.get('x-ratelimit-resource-remaining')).toBe('0');
    expect(new Date(first.res.headers.get('x-ratelimit-resource-until')!).getTime()).toBeGreaterThan(0);
    const second = await h.json('/v2/campaigns');
    expect(second.status).toBe(420);
    expect(second.body.errors[0].message).toMatch(/Hit rate limit of 1 requests per 1 hour/);
    expect((await h.json(`/v2/campaigns/${fbs}/returns?limit=1`)).status).toBe(200);
    await h.admin.advanceClock(3600_000);
    expect((await h.json('/v2/campaigns')).status).toBe(200);
    await h.admin.setLimits(1);
  });
  it('a body over 512 KB is refused with 400', async () => {
    const big = JSON.stringify({ orderIds: [1], pad: 'x'.repeat(600 * 1024) });
    const res = await h.json(`/v1/businesses/${h.info.businesses[0]!.id}/orders`, { method: 'POST', body: big });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/too big/);
  });
});

describe('faults', () => {
  it('error5xx answers 500 with the envelope, limited by count', async () => {
    await h.admin.setFaults({ type: 'error5xx', count: 1, path: '/returns' });
    const a = await h.json(`/v2/campaigns/${fbs}/returns?limit=1`);
    expect(a.status).toBe(500);
    expect(a.body.status).toBe('ERROR');
    expect((await h.json(`/v2/campaigns/${fbs}/returns?limit=1`)).status).toBe(200);
    expect((await h.json('/v2/campaigns')).status).toBe(200);
  });
  it('malformed JSON: 200 with a body that does not parse', async () => {
    await h.admin.setFaults({ type: 'malformed', count: 1 });
    const res = await h.api(`/v2/campaigns/${fbs}/returns?limit=3`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });
  it('reset cuts the connection mid-body; drop closes it before any answer', async () => {
    await h.admin.setFaults({ type: 'reset', count: 1 });
    await expect(h.api(`/v2/campaigns/${fbs}/returns?limit=50`).then((r) => r.text())).rejects.toThrow();
    await h.admin.setFaults({ type: 'drop', count: 1 });
    await expect(h.api('/v2/campaigns')).rejects.toThrow();
    expect((await h.json('/v2/campaigns')).status).toBe(200);
  });
  it('drift puts unknown enum values into otherwise valid returns', async () => {
    await h.admin.setFaults({ type: 'drift', count: 1, path: '/returns$' });
    const { status, body } = await h.json(`/v2/campaigns/${fbs}/returns?limit=20&type=RETURN`);
    expect(status).toBe(200);
    const r = body.result.returns[0];
    expect(r.refundStatus).toBe('PREMODERATION_AWAITING_COURIER_2027');
    expect(r.returnType).toBe('EXCHANGE');
    expect(typeof r.id).toBe('number');
    expect(body.status).toBe('OK');
  });
  it('unauthorized storm answers 401 to a valid key for count requests', async () => {
    await h.admin.setFaults({ type: 'unauthorized', count: 2 });
    expect((await h.json('/v2/campaigns')).status).toBe(401);
    expect((await h.json('/v2/campaigns')).status).toBe(401);
    expect((await h.json('/v2/campaigns')).status).toBe(200);
  });
  it('latency delays the answer', async () => {
    await h.admin.setFaults({ type: 'latency', latencyMs: 250, count: 1 });
    const t = Date.now();
    expect((await h.json('/v2/campaigns')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);
  });
  it('rejects an unknown fault type', async () => {
    await expect(h.admin.setFaults({ type: 'meteor' as never })).rejects.toThrow(/type/);
  });
});

describe('received log and push', () => {
  it('records every decision submission with status code and bodies', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    const path = `/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`;
    const body = { returnItemDecisions: [{ returnItemId: r.items[0]!.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' }] };
    await h.json(path, { method: 'POST', body: '{bad' });
    await h.json(path, { method: 'POST', body: JSON.stringify(body) });
    const mine = (await h.admin.received()).filter((x) => x.returnId === r.id);
    expect(mine.map((x) => x.statusCode)).toEqual([400, 200]);
    expect(mine[1]!.requestBody).toEqual(body);
    expect(mine[1]!.responseBody).toEqual({ status: 'OK' });
  });
  it('pushes ORDER_RETURN_CREATED, ORDER_RETURN_STATUS_UPDATED and CHAT_ARBITRAGE_STARTED to the configured URL', async () => {
    const got: any[] = [];
    const receiver = createServer((req, res) => {
      let s = '';
      req
        .on('data', (d) => (s += d))
        .on('end', () => {
          got.push(JSON.parse(s));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'rd', time: new Date().toISOString(), version: '1' }));
        });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    await h.admin.setPush(`http://127.0.0.1:${port}/notification`);
    const r = await h.admin.createReturn({ campaignId: fbs });
    await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
      method: 'POST',
      body: JSON.stringify({
        returnItemDecisions: [
          { returnItemId: r.items[0]!.decisions![0]!.returnItemId, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'Скол' },
        ],
      }),
    });
    await h.admin.openDispute(r.id);
    for (let i = 0; i < 50 && got.length < 4; i++) await new Promise((res) => setTimeout(res, 20));
    await h.admin.setPush(null);
    receiver.close();
    const types = got.map((g) => g.notificationType);
    expect(types).toContain('ORDER_RETURN_CREATED');
    expect(types).toContain('ORDER_RETURN_STATUS_UPDATED');
    expect(types).toContain('CHAT_ARBITRAGE_STARTED');
    const created = got.find((g) => g.notificationType === 'ORDER_RETURN_CREATED');
    expect(created).toMatchObject({ campaignId: fbs, orderId: r.orderId, returnId: r.id, returnType: 'RETURN' });
  });
});

describe('reset', () => {
  it('restores the seeded data and clears the logs', async () => {
    const before = h.info as any;
    await h.admin.createReturn({ campaignId: fbs });
    expect(((await h.admin.info()) as any).returns).toBeGreaterThan(before.returns);
    await h.admin.reset();
    expect((await h.admin.received()).length).toBe(0);
    const after = (await h.admin.info()) as any;
    expect(after.returns).toBe(before.returns);
    expect(after.campaigns).toEqual(before.campaigns);
    expect((await h.admin.clock()).advancedMs).toBe(0);
  });
});
