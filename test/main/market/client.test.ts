import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarketClient } from '../../../main/market/client.ts';
import type { MarketError } from '../../../main/market/errors.ts';
import { MarketAuthError } from '../../../main/market/errors.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { aReturn } from './fixtures.ts';
import { sendJson, startTestServer } from './test-server.ts';

const KEY = 'ACMA:0123456789abcdef0123456789abcdef:deadbeef';
type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('MarketClient', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const client = (url: string, extra: Partial<ConstructorParameters<typeof MarketClient>[0]> = {}): MarketClient =>
    new MarketClient({
      apiKey: KEY,
      baseUrl: url,
      scheduler: new KeyScheduler(),
      retry: { baseDelayMs: 5, maxDelayMs: 20, parallelPauseMs: 30 },
      ...extra,
    });

  it('sends the key header and comma-separated filters; parses each return on its own', async () => {
    const bad = { id: 3, orderId: 1003, returnType: 'RETURN', items: [{ count: 1 }] };
    const drifted = { ...aReturn(2), refundStatus: 'PREMODERATION_AWAITING_COURIER_2027', returnType: 'EXCHANGE', newFieldFrom2027: { x: 1 } };
    server = await startTestServer((_req, res) =>
      sendJson(res, 200, { status: 'OK', result: { returns: [aReturn(1), bad, drifted, 'nonsense'], paging: { nextPageToken: 'next-1' } } }),
    );
    const page = await client(server.url).listReturns(11, { statuses: ['A', 'B'], fromDate: '2025-01-01' }, 'tok', 100);
    const req = server.requests[0]!;
    expect(req.headers['api-key']).toBe(KEY);
    const url = new URL(req.url, server.url);
    expect(url.pathname).toBe('/v2/campaigns/11/returns');
    expect(url.searchParams.get('statuses')).toBe('A,B');
    expect(url.searchParams.get('pageToken')).toBe('tok');
    expect(url.searchParams.get('fromDate')).toBe('2025-01-01');
    expect(page.returns.map((r) => r.id)).toEqual([1, 2]);
    expect(page.returns[1]!.refundStatus).toBe('PREMODERATION_AWAITING_COURIER_2027');
    expect(page.returns[1]).not.toHaveProperty('newFieldFrom2027');
    expect(page.skipped.map((s) => s.id)).toEqual(['3', null]);
    expect(page.skipped[0]!.reason).toMatch(/items\.0\.shopSku/);
    expect(page.nextPageToken).toBe('next-1');
  });

  it('401 raises MarketAuthError and stops all queued work of the key', async () => {
    server = await startTestServer((_req, res) => {
      setTimeout(() => sendJson(res, 401, { status: 'ERROR', errors: [{ code: 'UNAUTHORIZED', message: 'Api-Key token is invalid' }] }), 30);
    });
    const c = client(server.url);
    const calls = [1, 2, 3, 4].map((n) =>
      c.getReturn(11, 1000 + n, n).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const results = await Promise.all(calls);
    for (const r of results) expect(r).toBeInstanceOf(MarketAuthError);
    expect((results[0] as MarketAuthError).kind).toBe('auth');
    expect((results[0] as MarketAuthError).serverMessage).toBe('UNAUTHORIZED: Api-Key token is invalid');
    expect(server.requests.length).toBeLessThanOrEqual(2);
    await expect(c.listCampaigns()).rejects.toBeInstanceOf(MarketAuthError);
  });

  it('403, 404 and 400 are typed and carry the server message verbatim', async () => {
    const answers: Array<[number, string]> = [
      [403, 'Access denied to campaign 11'],
      [404, 'Return 9 not found'],
      [400, 'Parameter fromDate must not be later than toDate'],
    ];
    server = await startTestServer((_req, res, n) => {
      const [status, message] = answers[n - 1]!;
      sendJson(res, status, { status: 'ERROR', errors: [{ code: 'X', message }] });
    });
    const c = client(server.url);
    const forbidden = await c.getReturn(11, 1, 9).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ kind: 'forbidden', status: 403, serverMessage: 'X: Access denied to campaign 11', method: 'getReturn' });
    expect(forbidden).toBeInstanceOf(MarketAuthError);
    // 403 halts the key as well; a new scheduler simulates the operator fixing access.
    const c2 = client(server.url);
    await expect(c2.getReturn(11, 1, 9)).rejects.toMatchObject({ kind: 'not-found', serverMessage: 'X: Return 9 not found' });
    await expect(c2.listReturns(11, { fromDate: '2025-02-01', toDate: '2025-01-01' })).rejects.toMatchObject({
      kind: 'bad-request',
      status: 400,
      serverMessage: 'X: Parameter fromDate must not be later than toDate',
    });
  });

  it('420 with an Until header waits until then and retries', async () => {
    const until = new Date(Math.ceil((Date.now() + 1200) / 1000) * 1000);
    server = await startTestServer((_req, res, n) => {
      if (n === 1) {
        sendJson(
          res,
          420,
          { status: 'ERROR', errors: [{ code: 'LIMIT', message: 'Hit rate limit of 5000 requests per 1 hour for resource getReturn' }] },
          {
            'X-RateLimit-Resource-Until': until.toUTCString(),
          },
        );
      } else sendJson(res, 200, { status: 'OK', result: aReturn(5) });
    });
    const started = Date.now();
    const r = await client(server.url).getReturn(11, 1005, 5);
    expect(r.id).toBe(5);
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime() - 5);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a parallel-limit 420 pauses briefly and retries; a far Until fails fast as rate-limited', async () => {
    server = await startTestServer((_req, res, n) => {
      if (n === 1) sendJson(res, 420, { status: 'ERROR', errors: [{ code: 'LIMIT', message: 'Hit rate limit of 2 parallel requests' }] });
      else if (n === 2) sendJson(res, 200, { status: 'OK', result: aReturn(5) });
      else {
        sendJson(
          res,
          420,
          { status: 'ERROR', errors: [{ code: 'LIMIT', message: 'Hit rate limit of 1000 requests per 1 hour' }] },
          {
            'X-RateLimit-Resource-Until': new Date(Date.now() + 3_600_000).toUTCString(),
          },
        );
      }
    });
    const c = client(server.url);
    expect((await c.getReturn(11, 1005, 5)).id).toBe(5);
    const error = await c.listCampaigns().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate-limited', status: 420, method: 'getCampaigns' });
    expect((error as MarketError).retryAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('retries 5xx on reads with backoff; never repeats a decision whose outcome is unknown', async () => {
    server = await startTestServer((req, res, n) => {
      if (req.url.includes('/decision/submit')) sendJson(res, 500, { status: 'ERROR', errors: [{ code: 'INTERNAL_ERROR', message: 'Internal server error' }] });
      else if (n <= 2) sendJson(res, 503, { status: 'ERROR', errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'busy' }] });
      else sendJson(res, 200, { status: 'OK', result: aReturn(5) });
    });
    const c = client(server.url);
    expect((await c.getReturn(11, 1005, 5)).id).toBe(5);
    expect(server.requests).toHaveLength(3);
    const error = await c.submitReturnDecision(11, 1005, 5, [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unknown-outcome', status: 500, method: 'submitReturnDecision' });
    expect(server.requests.filter((r) => r.url.includes('/decision/submit'))).toHaveLength(1);
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ returnItemDecisions: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] });
  });

  it('gives up on persistent 5xx with a typed server error', async () => {
    server = await startTestServer((_req, res) => sendJson(res, 500, { status: 'ERROR', errors: [{ code: 'INTERNAL_ERROR', message: 'boom' }] }));
    await expect(client(server.url).listCampaigns()).rejects.toMatchObject({ kind: 'server', status: 500, serverMessage: 'INTERNAL_ERROR: boom' });
    expect(server.requests).toHaveLength(4);
  });

  it('malformed JSON, a wrong Content-Type and a 200 with status ERROR are typed', async () => {
    const bodies = [
      () => ({ ct: 'application/json', text: '{"status":"OK","result":{"returns":[{"id":1' }),
      () => ({ ct: 'text/html', text: '<html>maintenance</html>' }),
      () => ({ ct: 'application/json', text: JSON.stringify({ status: 'ERROR', errors: [{ code: 'E', message: 'nope' }] }) }),
      () => ({ ct: 'application/json', text: JSON.stringify({ status: 'OK', result: { returns: 'not a list' } }) }),
    ];
    let which = 0;
    server = await startTestServer((_req, res) => {
      const { ct, text } = bodies[which]!();
      res.writeHead(200, { 'Content-Type': ct }).end(text);
    });
    const c = client(server.url, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(c.listReturns(11)).rejects.toMatchObject({ kind: 'malformed', method: 'getReturns' });
    which = 1;
    await expect(c.listReturns(11)).rejects.toMatchObject({ kind: 'malformed', serverMessage: expect.stringMatching(/Content-Type "text\/html"/) });
    which = 2;
    await expect(c.listReturns(11)).rejects.toMatchObject({ kind: 'server', serverMessage: 'E: nope' });
    which = 3;
    await expect(c.listReturns(11)).rejects.toMatchObject({ kind: 'malformed', serverMessage: expect.stringMatching(/returns/) });
  });

  it('times out, and survives dropped connections on reads', async () => {
    server = await startTestServer((req, res, n) => {
      if (req.url.includes('/returns/1')) return; // never answers
      if (n <= 3) res.socket?.destroy();
      else sendJson(res, 200, { campaigns: [{ id: 11, placementType: 'FBS', business: { id: 5 } }] });
    });
    const c = client(server.url, { timeoutMs: 150 });
    await expect(c.getReturn(11, 1001, 1)).rejects.toMatchObject({ kind: 'timeout', method: 'getReturn' });
    const res = await c.listCampaigns();
    expect(res.campaigns.map((x) => x.id)).toEqual([11]);
  });

  it('downloads photos with their content type and never sends more than 2 requests at once', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    server = await startTestServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length) }).end(png), 20);
    });
    const c = client(server.url);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => c.getReturnPhoto(11, 1001, 1, 9001, `hash-${i}`)));
    expect(all[0]!.contentType).toBe('image/png');
    expect(all[0]!.data.equals(png)).toBe(true);
    expect(server.maxConcurrent()).toBe(2);
    expect(new URL(server.requests[0]!.url, server.url).pathname).toBe('/v2/campaigns/11/orders/1001/returns/1/decision/9001/image/hash-0');
  });

  it('never writes the key to a log line or an error, even when the server echoes it', async () => {
    const { logger, lines } = memoryLogger(); // no redaction: the client itself must not leak
    server = await startTestServer((req, res, n) => {
      if (n === 1) res.socket?.destroy();
      else sendJson(res, 400, { status: 'ERROR', errors: [{ code: 'BAD', message: `bad key ${String(req.headers['api-key'])}` }] });
    });
    const error = (await client(server.url, { logger })
      .listCampaigns()
      .catch((e: unknown) => e)) as MarketError;
    expect(error.kind).toBe('bad-request');
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
    expect(error.message).not.toContain(KEY);
    expect(String(error.stack)).not.toContain(KEY);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(KEY);
    const c = client(server.url, { logger });
    expect(inspect(c, { depth: 6, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(c)).not.toContain(KEY);
  });

  it('stops at once when the caller aborts', async () => {
    server = await startTestServer(() => undefined); // never answers
    const controller = new AbortController();
    const pending = client(server.url).getReturn(11, 1001, 1, { signal: controller.signal });
    // Aborted once the request is on the wire, however long a loaded machine takes to send it.
    const seen = server.requests;
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 10_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'network', causeCode: 'ERR_CANCELED' });
    expect(server.requests).toHaveLength(1);
  });

  it('validates decisions and ids before sending', async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { status: 'OK' }));
    const c = client(server.url);
    await expect(c.submitReturnDecision(11, 1, 1, [])).rejects.toThrow(/at least one/);
    await expect(c.submitReturnDecision(11, 1, 1, [{ returnItemId: 1, decisionType: 'MAYBE' as 'REFUND_MONEY' }])).rejects.toThrow(
      /returnItemDecisions\[0\].*decisionType/,
    );
    await expect(c.getReturn(0, 1, 1)).rejects.toThrow(/campaignId must be a positive integer/);
    expect(server.requests).toHaveLength(0);
    expect(() => new MarketClient({ apiKey: '  ' })).toThrow(/apiKey is required/);
  });

  it('reads available decisions, orders, chats, report info and offer mappings', async () => {
    server = await startTestServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path.endsWith('/returns/decisions')) {
        sendJson(res, 200, {
          status: 'OK',
          result: { availableDecisions: [{ decisionType: 'REFUND_MONEY' }, { decisionType: 'NEW_THING', decisionReasonTypes: ['MECHANICAL_DAMAGE'] }] },
        });
      } else if (path.endsWith('/orders')) {
        sendJson(res, 200, {
          orders: [{ orderId: 1001, campaignId: 11, status: 'DELIVERED', items: [{ id: 1, offerId: 'SKU-1' }] }, { campaignId: 11 }],
          paging: {},
        });
      } else if (path.endsWith('/chats')) {
        sendJson(res, 200, {
          status: 'OK',
          result: {
            chats: [
              {
                chatId: 7,
                context: { type: 'RETURN', returnId: 1 },
                type: 'CHAT',
                status: 'NEW',
                createdAt: '2025-01-01T00:00:00Z',
                updatedAt: '2025-01-01T00:00:00Z',
              },
            ],
          },
        });
      } else if (path.startsWith('/v2/reports/info/')) {
        sendJson(res, 200, { status: 'OK', result: { status: 'DONE', generationRequestedAt: '2025-01-01T00:00:00Z', file: `${server!.url}/files/r.xlsx` } });
      } else if (path.endsWith('/offer-mappings')) {
        sendJson(res, 200, { status: 'OK', result: { offerMappings: [{ offer: { offerId: 'SKU-1', pictures: ['https://img/1.jpg'] } }] } });
      } else if (path === '/files/r.xlsx') {
        res.writeHead(200, { 'Content-Type': 'application/vnd.ms-excel' }).end('xlsx');
      } else sendJson(res, 404, { status: 'ERROR', errors: [{ code: 'NOT_FOUND', message: path }] });
    });
    const c = client(server.url);
    const decisions = await c.getAvailableDecisions(5, 11, 1);
    expect(decisions.availableDecisions.map((d) => d.decisionType)).toEqual(['REFUND_MONEY', 'NEW_THING']);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ campaignId: 11, returnId: 1 });
    const orders = await c.getBusinessOrders(5, { orderIds: [1001, 1001], campaignIds: [11] });
    expect(orders.orders.map((o) => o.orderId)).toEqual([1001]);
    expect(orders.skipped).toHaveLength(1);
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ orderIds: [1001], campaignIds: [11] });
    expect((await c.listChats(5, { contexts: [{ type: 'RETURN', id: 1 }] })).chats[0]!.chatId).toBe(7);
    const info = await c.getReportInfo('rep-1');
    expect(info.status).toBe('DONE');
    const file = await c.downloadReport(info.file!);
    expect(file.data.toString()).toBe('xlsx');
    expect((await c.getOfferMappings(5, ['SKU-1'])).offerMappings[0]!.offer?.pictures).toEqual(['https://img/1.jpg']);
  });
});
