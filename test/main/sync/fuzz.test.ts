import fc from 'fast-check';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketClient } from '../../../main/market/client.ts';
import { MarketError, type MarketErrorKind } from '../../../main/market/errors.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import {
  PLACEMENT_TYPES,
  REFUND_STATUSES,
  RETURN_DECISION_REASONS,
  RETURN_DECISION_SUBREASONS,
  RETURN_DECISION_TYPES,
  RETURN_INSTANCE_STATUSES,
  RETURN_INSTANCE_STOCK_TYPES,
  RETURN_SHIPMENT_STATUSES,
  ORDER_STATUSES,
} from '../../../main/market/schemas.ts';
import { openStore } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';
import { sendJson, startTestServer } from '../market/test-server.ts';

// Random but schema-valid worlds (per the official OpenAPI), served by a real HTTP server.

const KINDS: MarketErrorKind[] = [
  'auth',
  'forbidden',
  'not-found',
  'bad-request',
  'rate-limited',
  'server',
  'network',
  'timeout',
  'malformed',
  'unknown-outcome',
];

const dateTime = fc.integer({ min: Date.parse('2025-06-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }).chain((ms) =>
  fc.constantFrom('Z', '+03:00', '-05:30').map((offset) => {
    const sign = offset === 'Z' ? 0 : offset.startsWith('+') ? 1 : -1;
    const minutes = offset === 'Z' ? 0 : Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
    const local = new Date(ms + sign * minutes * 60_000).toISOString().slice(0, 19);
    return `${local}${offset}`;
  }),
);
const money = fc.record({ value: fc.double({ min: 0, max: 1e7, noNaN: true }), currencyId: fc.constantFrom('RUR', 'USD', 'KZT', 'BYN') });
const nullableArray = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.array(arb, { minLength: 1, maxLength: 3 }), { nil: null });
const shopSku = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }).filter((s) => /\S/.test(s) && !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s));
const int64 = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });

const decision = fc.record(
  {
    returnItemId: int64,
    count: fc.integer({ min: 0, max: 100 }),
    comment: fc.string({ maxLength: 200 }),
    reasonType: fc.constantFrom(...RETURN_DECISION_REASONS),
    subreasonType: fc.constantFrom(...RETURN_DECISION_SUBREASONS),
    decisionType: fc.constantFrom(...RETURN_DECISION_TYPES),
    refundAmount: fc.integer({ min: 0, max: 1e9 }),
    amount: money,
    partnerCompensationAmount: money,
    images: nullableArray(fc.stringMatching(/^[a-f0-9]{32}$/)),
  },
  { requiredKeys: [] },
);
const instance = fc.record(
  {
    stockType: fc.constantFrom(...RETURN_INSTANCE_STOCK_TYPES),
    status: fc.constantFrom(...RETURN_INSTANCE_STATUSES),
    cis: fc.string({ maxLength: 40 }),
    imei: fc.stringMatching(/^\d{15}$/),
  },
  { requiredKeys: [] },
);
const item = fc.record(
  {
    marketSku: int64,
    shopSku,
    count: fc.integer({ min: 0, max: 1000 }),
    decisions: nullableArray(decision),
    instances: nullableArray(instance),
    tracks: nullableArray(fc.record({ trackCode: fc.string({ maxLength: 20 }) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['shopSku', 'count'] },
);
const returnBody = fc.record(
  {
    orderId: int64,
    creationDate: dateTime,
    updateDate: dateTime,
    refundStatus: fc.constantFrom(...REFUND_STATUSES),
    pickupTillDate: dateTime,
    shipmentRecipientType: fc.constantFrom('SHOP', 'DELIVERY_SERVICE', 'POST'),
    shipmentStatus: fc.constantFrom(...RETURN_SHIPMENT_STATUSES),
    refundAmount: fc.integer({ min: 0, max: 1e9 }),
    amount: money,
    items: fc.array(item, { maxLength: 4 }),
    returnType: fc.constantFrom('UNREDEEMED', 'RETURN'),
    fastReturn: fc.boolean(),
    logisticPickupPoint: fc.record({ id: int64, name: fc.string(), address: fc.record({ city: fc.string() }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['orderId', 'items', 'returnType'] },
);
const campaign = fc.record(
  {
    domain: fc.string({ maxLength: 30 }),
    business: fc.record({ id: fc.integer({ min: 1, max: 1e9 }), name: fc.string({ maxLength: 30 }) }, { requiredKeys: [] }),
    placementType: fc.constantFrom(...PLACEMENT_TYPES),
    apiAvailability: fc.constantFrom('AVAILABLE', 'DISABLED_BY_INACTIVITY'),
  },
  { requiredKeys: [] },
);
const orderStatus = fc.constantFrom(...ORDER_STATUSES);
type Fault = 'none' | '500' | '420' | 'malformed' | 'truncated' | 'html' | 'drop';
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('none' as const) },
  { weight: 1, arbitrary: fc.constantFrom<Fault>('500', '420', 'malformed', 'truncated', 'html', 'drop') },
);

const world = fc.record({
  campaigns: fc.array(campaign, { minLength: 1, maxLength: 3 }),
  returns: fc.array(fc.tuple(fc.nat(2), returnBody), { maxLength: 60 }),
  pageSize: fc.integer({ min: 1, max: 25 }),
  orderStatus,
  faults: fc.array(fault, { minLength: 50, maxLength: 50 }),
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

describe('sync against random schema-valid servers', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let current: World | undefined;
  let requestNo = 0;

  beforeAll(async () => {
    server = await startTestServer((req, res) => serve(req.method, req.url, req.body, res));
  });
  afterAll(async () => server.close());

  function campaignsOf(w: World) {
    return w.campaigns.map((c, i) => ({ ...c, id: 100 + i, business: { ...c.business, id: c.business?.id ?? 7 } }));
  }
  function returnsOf(w: World, campaignId: number) {
    const count = w.campaigns.length;
    return w.returns
      .map(([c, r], i) => ({ campaignId: 100 + (c % count), dto: { ...r, id: 5000 + i } }))
      .filter((x) => x.campaignId === campaignId)
      .map((x) => x.dto);
  }

  function serve(method: string, rawUrl: string, body: string, res: ServerResponse): void {
    const w = current!;
    const f = w.faults[requestNo++ % w.faults.length] ?? 'none';
    if (f === 'drop') return void res.socket?.destroy();
    if (f === '500') return sendJson(res, 500, { status: 'ERROR', errors: [{ code: 'INTERNAL_ERROR', message: 'random' }] });
    if (f === '420') {
      return sendJson(res, 420, { status: 'ERROR', errors: [{ code: 'LIMIT', message: 'Hit rate limit of 2 parallel requests' }] });
    }
    if (f === 'html') return void res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>');
    if (f === 'malformed') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"OK","result":{"retu');
    const url = new URL(rawUrl, 'http://x');
    let payload: unknown;
    const m = /^\/v2\/campaigns\/(\d+)\/returns$/.exec(url.pathname);
    if (url.pathname === '/v2/campaigns') payload = { campaigns: campaignsOf(w), paging: {} };
    else if (m) {
      const all = returnsOf(w, Number(m[1]));
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const statuses = url.searchParams.get('statuses')?.split(',');
      const filtered = statuses ? all.filter((r) => r.refundStatus && statuses.includes(r.refundStatus)) : all;
      const page = filtered.slice(start, start + w.pageSize);
      const next = start + w.pageSize < filtered.length ? String(start + w.pageSize) : undefined;
      payload = { status: 'OK', result: { returns: page, paging: next ? { nextPageToken: next } : {} } };
    } else if (/^\/v1\/businesses\/\d+\/orders$/.test(url.pathname) && method === 'POST') {
      const ids = (JSON.parse(body || '{}') as { orderIds?: number[] }).orderIds ?? [];
      payload = {
        orders: ids.map((orderId) => ({
          orderId,
          campaignId: 100,
          status: w.orderStatus,
          substatus: 'STARTED',
          creationDate: '2025-07-01T10:00:00+03:00',
          paymentType: 'PREPAID',
          paymentMethod: 'YANDEX',
          fake: false,
          items: [{ id: 1, offerId: 'SKU', offerName: 'x', count: 1 }],
          delivery: { type: 'PICKUP', serviceName: 'M', deliveryServiceId: 1, deliveryPartnerType: 'YANDEX_MARKET', dates: { fromDate: '2025-07-02' } },
        })),
        paging: {},
      };
    } else if (/\/returns\/(\d+)$/.test(url.pathname)) {
      const id = Number(/\/returns\/(\d+)$/.exec(url.pathname)![1]);
      const found = w.returns.map(([, r], i) => ({ ...r, id: 5000 + i })).find((r) => r.id === id);
      if (!found) return sendJson(res, 404, { status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: 'no such return' }] });
      payload = { status: 'OK', result: found };
    } else return sendJson(res, 404, { status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: url.pathname }] });
    const text = JSON.stringify(payload);
    if (f === 'truncated') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return void setTimeout(() => res.socket?.destroy(), 5);
    }
    sendJson(res, 200, text);
  }

  it('completes or fails with a typed error, and never loses a return', async () => {
    const seenKinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        current = w;
        requestNo = 0;
        const store = openStore(':memory:');
        try {
          const client = new MarketClient({
            apiKey: 'fuzz-key-0000',
            baseUrl: server.url,
            scheduler: new KeyScheduler(),
            retry: { baseDelayMs: 1, maxDelayMs: 2, parallelPauseMs: 1, attempts: 3 },
            timeoutMs: 2000,
          });
          const engine = new SyncEngine({ client, store, options: { backfillDays: 3650 } });
          const thrown: unknown[] = [];
          engine.on('error', (e) => thrown.push(e.error.kind));
          let previous = 0;
          for (let round = 0; round < 3; round++) {
            const summary = await engine.syncNow();
            const kinds = [summary.error?.kind, ...summary.stores.flatMap((s) => s.errors.map((e) => e.kind))].filter(Boolean);
            for (const k of kinds) expect(KINDS).toContain(k);
            const now = store.countReturns();
            expect(now).toBeGreaterThanOrEqual(previous); // never loses a return it had
            previous = now;
          }
          for (const k of thrown) {
            expect(KINDS).toContain(k);
            seenKinds.add(String(k));
          }
          // With faults turned off, one more sync holds every return of the world, each in its store.
          current = { ...w, faults: ['none'] };
          const final = await engine.syncNow();
          expect(final.error).toBeUndefined();
          expect(final.stores.every((s) => s.errors.length === 0)).toBe(true);
          expect(store.countReturns()).toBe(w.returns.length);
          expect(store.listSkips().filter((s) => s.entity === 'return')).toHaveLength(0);
          for (const [c, r] of w.returns.slice(0, 5)) {
            const id = 5000 + w.returns.findIndex(([, x]) => x === r);
            const row = store.getReturn(id)!;
            expect(row.campaignId).toBe(100 + (c % w.campaigns.length));
            expect(row.itemCount).toBe(r.items.length);
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 40, interruptAfterTimeLimit: 60_000 },
    );
    // The faults did fire: the property was exercised against failures, not only happy paths.
    expect(seenKinds.size).toBeGreaterThan(0);
  }, 120_000);

  it('a return dated far in the future does not move the poll window past today', async () => {
    const now = Date.now();
    current = {
      campaigns: [{ placementType: 'FBS', business: { id: 7 } }],
      returns: [
        [0, { orderId: 1, items: [], returnType: 'RETURN', updateDate: '2099-01-01T00:00:00Z' }],
        [0, { orderId: 2, items: [], returnType: 'RETURN', updateDate: new Date(now - 3_600_000).toISOString() }],
      ],
      pageSize: 10,
      orderStatus: 'DELIVERED',
      faults: ['none'],
    } as World;
    requestNo = 0;
    const store = openStore(':memory:');
    try {
      const client = new MarketClient({ apiKey: 'fuzz-key-0000', baseUrl: server.url, scheduler: new KeyScheduler() });
      await new SyncEngine({ client, store }).syncNow();
      expect(store.countReturns()).toBe(2);
      // The 2099 date counts as the sync's own now: never ahead of it, so today's updates are still asked for.
      const watermark = store.getCursor(100).watermark!;
      expect(watermark).toBeGreaterThanOrEqual(now);
      expect(watermark).toBeLessThanOrEqual(Date.now());
    } finally {
      store.close();
    }
  });

  it('a typed error is a MarketError with a known kind', () => {
    const e = new MarketError({ kind: 'malformed', method: 'getReturns' });
    expect(KINDS).toContain(e.kind);
  });
});
