/**
 * Receiver of the Market's push notifications (`POST /notification`, or the configured path), off
 * unless the operator turns it on in the settings (services.ts starts it then).
 * It answers at once — PING with name, version and time; return events with the same 200 — and hands
 * the return events to `onReturnEvent` afterwards, so the reply never waits for our work (the Market
 * gives up after 10 s). Duplicates and stale (out-of-order) status updates are answered 200 and
 * dropped; a body of the wrong shape gets 400 WRONG_EVENT_FORMAT and changes nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Logger } from '../log.ts';

export type ReturnEvent =
  | {
      kind: 'returnCreated';
      campaignId: number;
      orderId: number;
      returnId: number;
      /** UNREDEEMED (non-purchase) or RETURN; kept as sent, since enums grow. */
      returnType: string;
      createdAt: number;
      items: Array<{ offerId: string; count: number }>;
    }
  | {
      kind: 'returnStatusUpdated';
      campaignId: number;
      orderId: number;
      returnId: number;
      /** Only the statuses that changed are present. */
      refundStatus: string | null;
      shipmentStatus: string | null;
      updatedAt: number;
    }
  | {
      /** A dispute began; the Market names the chat, not the return: find it by chat or re-sync disputes. */
      kind: 'disputeStarted';
      businessId: number;
      chatId: number;
      startedAt: number;
    }
  | {
      /** CHAT_CREATED, CHAT_MESSAGE_SENT or CHAT_ARBITRAGE_FINISHED: the chats of the business changed. */
      kind: 'chatChanged';
      notificationType: 'CHAT_CREATED' | 'CHAT_MESSAGE_SENT' | 'CHAT_ARBITRAGE_FINISHED';
      businessId: number;
      chatId: number;
      at: number;
    };

export interface PushReceiverOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1; expose it to the Market through your own tunnel or reverse proxy, or listen on 0.0.0.0. */
  host?: string;
  /** Where the Market posts; `/notification` by default. */
  path?: string;
  onReturnEvent: (event: ReturnEvent) => void | Promise<void>;
  logger: Logger;
  /** Integration name and version in the answers (1–100 characters each). */
  name?: string;
  version?: string;
  clock?: { now(): number };
  /** How long an event is remembered for de-duplication. */
  dedupeTtlMs?: number;
}

export interface PushReceiver {
  /** Base URL; the Market posts to `${url}${path}`. */
  url: string;
  /** The path it answers. */
  path: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_REMEMBERED = 20_000;
const NOTIFICATION_PATH = '/notification';

const id = z.number().int().positive();
const dateTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected an ISO 8601 date-time');
const statusName = z.string().min(1);

const Ping = z.object({ notificationType: z.literal('PING'), time: dateTime.optional() });
const ReturnCreated = z.object({
  notificationType: z.literal('ORDER_RETURN_CREATED'),
  campaignId: id,
  orderId: id,
  returnId: id,
  returnType: z.string().min(1),
  createdAt: dateTime,
  items: z.array(z.object({ offerId: z.string().min(1).max(255), count: z.number().int().nonnegative() })),
});
const ReturnStatusUpdated = z.object({
  notificationType: z.literal('ORDER_RETURN_STATUS_UPDATED'),
  campaignId: id,
  orderId: id,
  returnId: id,
  statuses: z
    .object({ refundStatus: statusName.nullish(), shipmentStatus: statusName.nullish() })
    .refine((s) => Boolean(s.refundStatus || s.shipmentStatus), 'expected refundStatus or shipmentStatus'),
  updatedAt: dateTime,
});
// sendNotification.md: ChatCreatedNotificationDTO (createdAt), ChatMessageSentNotificationDTO (messageId "Type: string", sentAt),
// ChatArbitrageFinishedNotificationDTO (finishedAt); all carry businessId and chatId.
const ChatChanged = {
  CHAT_CREATED: z.object({ notificationType: z.literal('CHAT_CREATED'), businessId: id, chatId: id, createdAt: dateTime }),
  CHAT_MESSAGE_SENT: z.object({
    notificationType: z.literal('CHAT_MESSAGE_SENT'),
    businessId: id,
    chatId: id,
    messageId: z.union([z.string().min(1).max(40), id]),
    sentAt: dateTime,
  }),
  CHAT_ARBITRAGE_FINISHED: z.object({ notificationType: z.literal('CHAT_ARBITRAGE_FINISHED'), businessId: id, chatId: id, finishedAt: dateTime }),
} as const;
const ArbitrageStarted = z.object({
  notificationType: z.literal('CHAT_ARBITRAGE_STARTED'),
  businessId: id,
  chatId: id,
  startedAt: dateTime,
});
const Envelope = z.object({ notificationType: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected a notification type such as PING') });

type ErrorType = 'UNKNOWN' | 'WRONG_EVENT_FORMAT' | 'DUPLICATED_EVENT';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: ErrorType, message: string): void {
  send(res, status, { error: { type, message } });
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid notification';
  const path = issue.path.length ? issue.path.join('.') : 'body';
  return `${path}: ${issue.message}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the receiver; resolves once it listens. */
export async function startPushReceiver(options: PushReceiverOptions): Promise<PushReceiver> {
  const { logger, onReturnEvent } = options;
  const log = logger.child({ module: 'push' });
  const clock = options.clock ?? { now: () => Date.now() };
  const ttl = options.dedupeTtlMs ?? 24 * 3_600_000;
  const name = options.name ?? 'ReturnDesk';
  const notificationPath = (options.path ?? NOTIFICATION_PATH).replace(/\/+$/, '') || NOTIFICATION_PATH;
  const version = options.version ?? 'dev';
  /** event key → when it was first seen (our clock). */
  const seen = new Map<string, number>();
  /** return id → latest status-update time (Market's clock) already handed on. */
  const latestStatus = new Map<number, { updatedAt: number; seenAt: number }>();

  const forget = (now: number): void => {
    for (const [key, at] of seen) {
      if (now - at <= ttl && seen.size <= MAX_REMEMBERED) break; // insertion order is arrival order
      seen.delete(key);
    }
    for (const [key, v] of latestStatus) if (now - v.seenAt > ttl || latestStatus.size > MAX_REMEMBERED) latestStatus.delete(key);
  };

  const dispatch = (event: ReturnEvent): void => {
    // Fire and forget: the Market has its answer already; our failures stay in our log.
    setImmediate(() => {
      Promise.resolve()
        .then(() => onReturnEvent(event))
        .catch((error: unknown) => log.error('push: handler failed', { kind: event.kind, error: error instanceof Error ? error : String(error) }));
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = new Date(clock.now()).toISOString();
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (path !== notificationPath) return sendError(res, 404, 'UNKNOWN', `no such endpoint; the Market posts to ${notificationPath}`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendError(res, 405, 'UNKNOWN', 'only POST is accepted');
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch {
      return sendError(res, 413, 'UNKNOWN', `body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, 400, 'WRONG_EVENT_FORMAT', 'body: expected a JSON object');
    }
    const envelope = Envelope.safeParse(body);
    if (!envelope.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(envelope.error));
    const ok = { version, name, time: receivedAt };
    const now = clock.now();
    forget(now);

    switch (envelope.data.notificationType) {
      case 'PING': {
        const ping = Ping.safeParse(body);
        if (!ping.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(ping.error));
        return send(res, 200, ok);
      }
      case 'ORDER_RETURN_CREATED': {
        const parsed = ReturnCreated.safeParse(body);
        if (!parsed.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(parsed.error));
        const e = parsed.data;
        const createdAt = Date.parse(e.createdAt);
        const key = `${e.notificationType}:${e.campaignId}:${e.orderId}:${e.returnId}:${createdAt}`;
        if (seen.has(key)) {
          log.debug('push: duplicate dropped', { type: e.notificationType, returnId: e.returnId });
          return send(res, 200, ok);
        }
        seen.set(key, now);
        send(res, 200, ok);
        return dispatch({
          kind: 'returnCreated',
          campaignId: e.campaignId,
          orderId: e.orderId,
          returnId: e.returnId,
          returnType: e.returnType,
          createdAt,
          items: e.items,
        });
      }
      case 'ORDER_RETURN_STATUS_UPDATED': {
        const parsed = ReturnStatusUpdated.safeParse(body);
        if (!parsed.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(parsed.error));
        const e = parsed.data;
        const updatedAt = Date.parse(e.updatedAt);
        const refundStatus = e.statuses.refundStatus ?? null;
        const shipmentStatus = e.statuses.shipmentStatus ?? null;
        const key = `${e.notificationType}:${e.campaignId}:${e.orderId}:${e.returnId}:${updatedAt}:${refundStatus}:${shipmentStatus}`;
        if (seen.has(key)) {
          log.debug('push: duplicate dropped', { type: e.notificationType, returnId: e.returnId });
          return send(res, 200, ok);
        }
        seen.set(key, now);
        const latest = latestStatus.get(e.returnId);
        if (latest && latest.updatedAt > updatedAt) {
          // The later event already told the app to refresh this return; the older one would only move it back.
          log.debug('push: stale status update dropped', { returnId: e.returnId, updatedAt: e.updatedAt });
          return send(res, 200, ok);
        }
        latestStatus.set(e.returnId, { updatedAt, seenAt: now });
        send(res, 200, ok);
        return dispatch({
          kind: 'returnStatusUpdated',
          campaignId: e.campaignId,
          orderId: e.orderId,
          returnId: e.returnId,
          refundStatus,
          shipmentStatus,
          updatedAt,
        });
      }
      case 'CHAT_ARBITRAGE_STARTED': {
        const parsed = ArbitrageStarted.safeParse(body);
        if (!parsed.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(parsed.error));
        const e = parsed.data;
        const startedAt = Date.parse(e.startedAt);
        const key = `${e.notificationType}:${e.businessId}:${e.chatId}:${startedAt}`;
        if (seen.has(key)) {
          log.debug('push: duplicate dropped', { type: e.notificationType, chatId: e.chatId });
          return send(res, 200, ok);
        }
        seen.set(key, now);
        send(res, 200, ok);
        return dispatch({ kind: 'disputeStarted', businessId: e.businessId, chatId: e.chatId, startedAt });
      }
      case 'CHAT_CREATED':
      case 'CHAT_MESSAGE_SENT':
      case 'CHAT_ARBITRAGE_FINISHED': {
        const type = envelope.data.notificationType;
        const parsed = ChatChanged[type].safeParse(body);
        if (!parsed.success) return sendError(res, 400, 'WRONG_EVENT_FORMAT', describeIssue(parsed.error));
        const e = parsed.data;
        const when = 'createdAt' in e ? e.createdAt : 'sentAt' in e ? e.sentAt : e.finishedAt;
        const key = `${type}:${e.businessId}:${e.chatId}:${'messageId' in e ? e.messageId : ''}:${Date.parse(when)}`;
        if (seen.has(key)) {
          log.debug('push: duplicate dropped', { type, chatId: e.chatId });
          return send(res, 200, ok);
        }
        seen.set(key, now);
        send(res, 200, ok);
        return dispatch({ kind: 'chatChanged', notificationType: type, businessId: e.businessId, chatId: e.chatId, at: Date.parse(when) });
      }
      default:
        // Orders, reviews…: valid notifications this app does not act on; acknowledged so the Market keeps sending.
        log.debug('push: notification type ignored', { type: envelope.data.notificationType });
        return send(res, 200, ok);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('push: request failed', { error: error instanceof Error ? error : String(error) });
      if (!res.headersSent) sendError(res, 500, 'UNKNOWN', 'internal error');
      else res.end();
    });
  });
  server.requestTimeout = 9_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info('push: receiver listening', { url: `${url}${notificationPath}` });
  return {
    url,
    path: notificationPath,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
