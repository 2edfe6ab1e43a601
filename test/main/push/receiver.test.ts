import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPushReceiver, type PushReceiver, type ReturnEvent } from '../../../main/push/receiver.ts';
import { memoryLogger } from '../../helpers/logs.ts';

const NOW = Date.UTC(2025, 0, 16, 10, 9, 49);

describe('push receiver (Market notification contract over real HTTP)', () => {
  let receiver: PushReceiver;
  let events: ReturnEvent[];
  let handler: (event: ReturnEvent) => void | Promise<void>;
  let lines: string[];

  beforeEach(async () => {
    events = [];
    handler = (event) => void events.push(event);
    const logs = memoryLogger();
    lines = logs.lines;
    receiver = await startPushReceiver({
      port: 0,
      onReturnEvent: (event) => handler(event),
      logger: logs.logger,
      name: 'ReturnDesk',
      version: '0.1.0',
      clock: { now: () => NOW },
    });
  });
  afterEach(() => receiver.close());

  const post = async (body: unknown, path = '/notification'): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${receiver.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const OK = { status: 200, json: { version: '0.1.0', name: 'ReturnDesk', time: new Date(NOW).toISOString() } };

  const created = {
    notificationType: 'ORDER_RETURN_CREATED',
    campaignId: 11,
    orderId: 501,
    returnId: 9001,
    returnType: 'RETURN',
    createdAt: '2025-01-16T10:00:00.123456789Z',
    items: [{ offerId: 'SKU-1', count: 2 }],
  };
  const status = (updatedAt: string, statuses: Record<string, string>) => ({
    notificationType: 'ORDER_RETURN_STATUS_UPDATED',
    campaignId: 11,
    orderId: 501,
    returnId: 9001,
    statuses,
    updatedAt,
  });

  it('answers PING with version, name and time and calls nothing', async () => {
    expect(await post({ notificationType: 'PING', time: '2025-01-16T10:09:49.759084017Z' })).toEqual(OK);
    expect(await post(created)).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.kind).toBe('returnCreated'); // the PING before it added nothing
  });

  it('hands on a created return, a status update and a dispute start', async () => {
    expect(await post(created)).toEqual(OK);
    expect(await post(status('2025-01-16T11:00:00+03:00', { refundStatus: 'PREMODERATION_DECISION_WAITING' }))).toEqual(OK);
    expect(await post({ notificationType: 'CHAT_ARBITRAGE_STARTED', businessId: 77, chatId: 3003, startedAt: '2025-01-16T12:00:00Z' })).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(events).toEqual([
      {
        kind: 'returnCreated',
        campaignId: 11,
        orderId: 501,
        returnId: 9001,
        returnType: 'RETURN',
        createdAt: Date.parse('2025-01-16T10:00:00.123Z'),
        items: [{ offerId: 'SKU-1', count: 2 }],
      },
      {
        kind: 'returnStatusUpdated',
        campaignId: 11,
        orderId: 501,
        returnId: 9001,
        refundStatus: 'PREMODERATION_DECISION_WAITING',
        shipmentStatus: null,
        updatedAt: Date.parse('2025-01-16T08:00:00Z'),
      },
      { kind: 'disputeStarted', businessId: 77, chatId: 3003, startedAt: Date.parse('2025-01-16T12:00:00Z') },
    ]);
  });

  it('answers a duplicate with 200 and hands it on only once', async () => {
    const update = status('2025-01-16T09:00:00Z', { shipmentStatus: 'READY_FOR_PICKUP' });
    for (const body of [created, created, update, update]) expect(await post(body)).toEqual(OK);
    expect(await post({ notificationType: 'CHAT_ARBITRAGE_STARTED', businessId: 77, chatId: 1, startedAt: '2025-01-16T12:00:00Z' })).toEqual(OK);
    await vi.waitFor(() => expect(events.map((e) => e.kind)).toContain('disputeStarted'));
    expect(events.map((e) => e.kind)).toEqual(['returnCreated', 'returnStatusUpdated', 'disputeStarted']);
  });

  it('drops a status update older than one already handed on, and keeps later ones', async () => {
    expect(await post(status('2025-01-16T09:30:00Z', { refundStatus: 'PREMODERATION_DECISION_MADE' }))).toEqual(OK);
    expect(await post(status('2025-01-16T09:00:00Z', { refundStatus: 'PREMODERATION_DECISION_WAITING' }))).toEqual(OK);
    expect(await post(status('2025-01-16T10:00:00Z', { shipmentStatus: 'IN_TRANSIT' }))).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events.map((e) => (e.kind === 'returnStatusUpdated' ? (e.refundStatus ?? e.shipmentStatus) : e.kind))).toEqual([
      'PREMODERATION_DECISION_MADE',
      'IN_TRANSIT',
    ]);
  });

  it('answers a payload of the wrong shape with 400 WRONG_EVENT_FORMAT naming the field, and changes nothing', async () => {
    const { returnId: _omit, ...noReturnId } = created;
    const wrong = await post(noReturnId);
    expect(wrong.status).toBe(400);
    expect(wrong.json).toEqual({ error: { type: 'WRONG_EVENT_FORMAT', message: expect.stringMatching(/^returnId: /) } });
    for (const body of [
      '{not json',
      { time: 'x' },
      { ...created, createdAt: 'yesterday' },
      { ...created, campaignId: '11' },
      status('2025-01-16T09:00:00Z', {}),
      { notificationType: 'PING', time: 'soon' },
    ]) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect((answer.json as { error: { type: string } }).error.type).toBe('WRONG_EVENT_FORMAT');
    }
    // Nothing was remembered either: the valid event is still new.
    expect(await post(created)).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ kind: 'returnCreated', returnId: 9001 });
  });

  it('answers before the handler finishes, and a failing handler only leaves a log line', async () => {
    let release!: () => void;
    handler = () => new Promise<void>((resolve) => (release = resolve));
    expect(await post(created)).toEqual(OK); // would time out here if the reply waited for the handler
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    release();
    handler = () => {
      throw new Error('store busy');
    };
    expect(await post(status('2025-01-16T09:00:00Z', { refundStatus: 'REFUNDED' }))).toEqual(OK);
    await vi.waitFor(() => expect(lines.some((l) => l.includes('push: handler failed') && l.includes('store busy'))).toBe(true));
  });

  it('hands on chat notifications as a change of the business’s chats, each once', async () => {
    // sendNotification.md: "`CHAT_CREATED` — a new chat with the buyer has been created", "`CHAT_MESSAGE_SENT` — A new chat
    // message has been added" (messageId "Type: string"), "`CHAT_ARBITRAGE_FINISHED` — the dispute is over".
    const message = { notificationType: 'CHAT_MESSAGE_SENT', businessId: 77, chatId: 5, messageId: '901', sentAt: '2025-01-16T12:01:00+03:00' };
    expect(await post({ notificationType: 'CHAT_CREATED', businessId: 77, chatId: 5, createdAt: '2025-01-16T12:00:00+03:00' })).toEqual(OK);
    expect(await post(message)).toEqual(OK);
    expect(await post(message)).toEqual(OK);
    expect(await post({ notificationType: 'CHAT_ARBITRAGE_FINISHED', businessId: 77, chatId: 6, finishedAt: '2025-01-16T13:00:00Z' })).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(events).toEqual([
      { kind: 'chatChanged', notificationType: 'CHAT_CREATED', businessId: 77, chatId: 5, at: Date.parse('2025-01-16T09:00:00Z') },
      { kind: 'chatChanged', notificationType: 'CHAT_MESSAGE_SENT', businessId: 77, chatId: 5, at: Date.parse('2025-01-16T09:01:00Z') },
      { kind: 'chatChanged', notificationType: 'CHAT_ARBITRAGE_FINISHED', businessId: 77, chatId: 6, at: Date.parse('2025-01-16T13:00:00Z') },
    ]);
    const wrong = await post({ ...message, sentAt: 'later' });
    expect(wrong).toEqual({ status: 400, json: { error: { type: 'WRONG_EVENT_FORMAT', message: expect.stringMatching(/^sentAt: /) } } });
  });

  it('answers on the path it was given and only there', async () => {
    const other = await startPushReceiver({
      port: 0,
      path: '/shop/market/',
      onReturnEvent: (event) => void events.push(event),
      logger: memoryLogger().logger,
      clock: { now: () => NOW },
    });
    try {
      const at = (path: string) =>
        fetch(`${other.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(created) });
      expect(other.path).toBe('/shop/market');
      expect((await at('/shop/market')).status).toBe(200);
      expect((await at('/notification')).status).toBe(404);
      await vi.waitFor(() => expect(events).toHaveLength(1));
    } finally {
      await other.close();
    }
  });

  it('acknowledges notification types it does not act on, and refuses other methods and paths', async () => {
    expect(await post({ notificationType: 'ORDER_CREATED', campaignId: 1, orderId: 2, createdAt: '2025-01-16T09:00:00Z', items: [] })).toEqual(OK);
    expect((await fetch(`${receiver.url}/notification`)).status).toBe(405);
    expect((await post(created, '/other')).status).toBe(404);
    expect(await post(created, '/notification/')).toEqual(OK);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.kind).toBe('returnCreated');
  });
});
