/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
// What the alert work needs the sandbox to serve faithfully: the Market's time in a Date header on every
// answer, a skewed Market clock, buyer chat messages and the end of an arbitrage.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let dbs: number;
let businessId: number;

beforeAll(async () => {
  h = await harness({ returns: 60, seed: 5 });
  const campaign = h.info.campaigns.find((c) => c.program === 'FBS')!;
  fbs = campaign.id;
  businessId = campaign.businessId;
  dbs = h.info.campaigns.find((c) => c.program === 'DBS')!.id;
});
afterAll(() => h.sb.close());
beforeEach(async () => {
  await h.admin.clearFaults();
});

const dateOf = (res: Response): number => Date.parse(res.headers.get('date') ?? '');

/** Decides a return so that a dispute can start (DECLINE_REFUND needs a reason and a comment). */
async function decided(): Promise<{ id: number; orderId: number }> {
  const r = await h.admin.createReturn({ campaignId: fbs });
  const res = await h.json(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/submit`, {
    method: 'POST',
    body: JSON.stringify({
      returnItemDecisions: [
        {
          returnItemId: r.items[0]!.decisions![0]!.returnItemId,
          decisionType: 'DECLINE_REFUND',
          decisionReasonType: 'MECHANICAL_DAMAGE',
          comment: 'Скол на корпусе',
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
  return r;
}

describe('Date header: the Market time on every answer', () => {
  it('carries the sandbox clock, not this machine’s, on success, errors, limits, garbage and admin answers', async () => {
    await h.admin.advanceClock(3 * 3_600_000);
    const { now } = await h.admin.clock();
    const market = Date.parse(now);
    await h.admin.setFaults([
      { type: 'error5xx', path: '/returns$', count: 1 },
      { type: 'malformed', path: '/campaigns$', count: 1 },
    ]);
    const answers = [
      await h.api('/v2/campaigns'), // malformed 200
      await h.api('/v2/campaigns'), // 200
      await h.api(`/v2/campaigns/${fbs}/returns`), // 500
      await h.api('/v2/campaigns', { key: 'nobody' }), // 401
      await h.api('/v2/nowhere'), // 404
      await fetch(`${h.sb.url}/_sandbox/info`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 500, 401, 404, 200]);
    for (const res of answers) {
      // HTTP dates have whole seconds; the answers came within a few seconds of the clock read.
      expect(Math.abs(dateOf(res) - market), res.url).toBeLessThan(5_000);
      expect(Math.abs(dateOf(res) - Date.now()), res.url).toBeGreaterThan(2 * 3_600_000);
    }
  });

  it('a 420 of the parallel limit carries it too', async () => {
    await h.admin.setFaults({ type: 'latency', latencyMs: 300, path: '/campaigns$' });
    const results = await Promise.all([1, 2, 3].map(() => h.api('/v2/campaigns')));
    const limited = results.find((r) => r.status === 420)!;
    expect(limited).toBeDefined();
    expect(Number.isNaN(dateOf(limited))).toBe(false);
  });
});

describe('skew: the Market clock against this machine', () => {
  it('starts ahead or behind with skewMs, reports it, and is moved ahead (never back) by the admin API', async () => {
    const behind = await startSandbox({ port: 0, quiet: true, returns: 5, skewMs: -2 * 3_600_000 });
    try {
      const admin = sandboxAdmin(behind.url);
      const clock = await admin.clock();
      expect(clock.skewMs).toBeGreaterThan(-2 * 3_600_000 - 2_000);
      expect(clock.skewMs).toBeLessThan(-2 * 3_600_000 + 2_000);
      const res = await fetch(`${behind.url}/v2/campaigns`, { headers: { 'Api-Key': behind.apiKey } });
      expect(dateOf(res) - Date.now()).toBeLessThan(-2 * 3_600_000 + 2_000);
      const ahead = await admin.setSkew(90 * 60_000);
      expect(ahead.skewMs).toBeGreaterThanOrEqual(90 * 60_000 - 50);
      expect(ahead.skewMs).toBeLessThan(90 * 60_000 + 2_000);
      await expect(admin.setSkew(0)).rejects.toThrow(/only moves forward/);
      await expect(admin.setSkew(1.5 as number)).rejects.toThrow(/integer/);
    } finally {
      await behind.close();
    }
  });
});

describe('chats: buyer messages and the end of a dispute', () => {
  it('a buyer message lands in the return’s chat, which then waits for the seller and shows when its last message came', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    await h.admin.advanceClock(60_000);
    const sent = await h.admin.chatMessage(r.id, { message: 'Когда вернёте деньги?' });
    // ChatStatusType: "`WAITING_FOR_PARTNER` — нужен ответ магазина."
    expect(sent.status).toBe('WAITING_FOR_PARTNER');
    const listed = await h.json(`/v2/businesses/${businessId}/chats`, { method: 'POST', body: JSON.stringify({ contexts: [{ type: 'RETURN', id: r.id }] }) });
    const chat = listed.body.result.chats[0];
    expect(chat).toMatchObject({ chatId: sent.chatId, type: 'CHAT', status: 'WAITING_FOR_PARTNER', context: { type: 'RETURN', returnId: r.id } });
    const history = await h.json(`/v2/businesses/${businessId}/chats/history?chatId=${sent.chatId}`, { method: 'POST', body: '{}' });
    const last = history.body.result.messages.at(-1);
    // ChatMessageSenderType: "`CUSTOMER` — покупатель."
    expect(last).toMatchObject({ messageId: sent.messageId, sender: 'CUSTOMER', message: 'Когда вернёте деньги?' });
    // GetChatInfoDTO.updatedAt: "Дата и время последнего сообщения в чате."
    expect(Date.parse(chat.updatedAt)).toBe(Date.parse(last.createdAt));
    // Chats about returns: "`RETURN` — чат по возврату (FBY, FBS и Экспресс)" — not DBS.
    const dbsReturn = await h.admin.createReturn({ campaignId: dbs });
    await expect(h.admin.chatMessage(dbsReturn.id)).rejects.toThrow(/FBY, FBS and Express/);
    await expect(h.admin.chatMessage(r.id, { sender: 'PARTNER' as never })).rejects.toThrow(/sender/);
    await expect(h.admin.chatMessage(r.id, { chatType: 'ARBITRAGE' })).rejects.toThrow(/open a dispute first/);
  });

  it('an arbitrage starts with the return in PREMODERATION_DISPUTE and an ARBITRAGE chat, and finishes with the chat FINISHED', async () => {
    const r = await decided();
    const started = await h.admin.openDispute(r.id);
    // returns.md: "The refund status will change to `PREMODERATION_DISPUTE`" and "A chat with the referee will appear."
    expect(started.refundStatus).toBe('PREMODERATION_DISPUTE');
    const open = await h.json(`/v2/businesses/${businessId}/chat?chatId=${started.chatId}`);
    // ChatType: "`ARBITRAGE` — спор."; ChatStatusType: "`WAITING_FOR_ARBITER` — нужен ответ арбитра."
    expect(open.body.result).toMatchObject({ type: 'ARBITRAGE', status: 'WAITING_FOR_ARBITER', context: { returnId: r.id } });
    await expect(h.admin.finishDispute(r.id, 'PREMODERATION_DECISION_WAITING' as never)).rejects.toThrow(/status/);
    const finished = await h.admin.finishDispute(r.id, 'REJECTED');
    expect(finished).toMatchObject({ refundStatus: 'REJECTED', chatId: started.chatId });
    const closed = await h.json(`/v2/businesses/${businessId}/chat?chatId=${started.chatId}`);
    // ChatStatusType: "`FINISHED` — чат завершен."
    expect(closed.body.result.status).toBe('FINISHED');
    await expect(h.admin.finishDispute(r.id)).rejects.toThrow(/not in dispute/);
  });

  it('pushes CHAT_CREATED, CHAT_MESSAGE_SENT and CHAT_ARBITRAGE_FINISHED with the fields the guide lists', async () => {
    const got: any[] = [];
    const receiver = createServer((req, res) => {
      let s = '';
      req
        .on('data', (d) => (s += d))
        .on('end', () => {
          got.push(JSON.parse(s));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    try {
      await h.admin.setPush(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notification`);
      const fresh = await h.admin.createReturn({ campaignId: fbs });
      const message = await h.admin.chatMessage(fresh.id);
      const r = await decided();
      await h.admin.openDispute(r.id);
      const finished = await h.admin.finishDispute(r.id);
      for (let i = 0; i < 100 && !got.some((g) => g.notificationType === 'CHAT_ARBITRAGE_FINISHED'); i++) await new Promise((done) => setTimeout(done, 20));
      // sendNotification.md: "`CHAT_CREATED` — a new chat with the buyer has been created" (businessId, chatId, createdAt).
      expect(got.find((g) => g.notificationType === 'CHAT_CREATED')).toMatchObject({ businessId, chatId: message.chatId, createdAt: expect.any(String) });
      // "`CHAT_MESSAGE_SENT` — A new chat message has been added": messageId "Type: string", sentAt.
      expect(got.find((g) => g.notificationType === 'CHAT_MESSAGE_SENT')).toMatchObject({
        businessId,
        chatId: message.chatId,
        messageId: String(message.messageId),
        sentAt: expect.any(String),
      });
      // "`CHAT_ARBITRAGE_FINISHED` — the dispute is over" (businessId, chatId, finishedAt).
      expect(got.find((g) => g.notificationType === 'CHAT_ARBITRAGE_FINISHED')).toMatchObject({
        businessId,
        chatId: finished.chatId,
        finishedAt: expect.any(String),
      });
    } finally {
      await h.admin.setPush(null);
      receiver.close();
    }
  });
});
