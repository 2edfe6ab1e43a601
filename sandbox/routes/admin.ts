// Admin endpoints under /_sandbox/ — never part of the Market's API.
import { isoMsk } from '../clock.ts';
import type { SandboxContext } from '../context.ts';
import { makeReturn } from '../data.ts';
import { returnDto } from '../dto.ts';
import { arrayOf, asObject, badRequest, dateTimeParam, enumValue, int64, notFound, parseJsonBody, pathId, str, type ApiResult } from '../http.ts';
import { imageFor } from '../images.ts';
import type { AdminRoute, Req } from '../server.ts';
import { allowedNextStatuses, awaitingStatus, decisionDeadline, statusesOf } from '../state-machine.ts';
import type { Campaign, Chat, ImageSpec, Order, OrderItem, ReturnRecord } from '../types.ts';
import { SHIPMENT_STATUSES } from './returns.ts';
import { RESOURCE_LIMITS } from '../limits.ts';
import { SoakScript } from '../soak-script.ts';

const json = (body: unknown, status = 200): ApiResult => ({ status, body });
const bodyOf = (req: Req): Record<string, unknown> => asObject(parseJsonBody(req.body, false) ?? {}, 'body');

function clock(ctx: SandboxContext, req: Req): ApiResult {
  if (req.method === 'POST') {
    const b = bodyOf(req);
    const advance = b.advanceMs ?? b.ms;
    if (b.rate !== undefined) {
      if (typeof b.rate !== 'number' || !(b.rate >= 1 && b.rate <= 100_000))
        throw badRequest(`rate must be a number from 1 to 100000, got ${JSON.stringify(b.rate)}`);
      ctx.clock.setRate(b.rate);
    } else if (advance !== undefined) {
      const ms = int64(advance, 'advanceMs', { min: 0 }) as number;
      ctx.clock.advance(ms);
    } else if (b.to !== undefined) {
      const to = dateTimeParam(b.to, 'to') as number;
      if (to < ctx.now()) throw badRequest('to: the sandbox clock only moves forward');
      ctx.clock.setTo(to);
    } else if (b.skewMs !== undefined) {
      if (typeof b.skewMs !== 'number' || !Number.isInteger(b.skewMs))
        throw badRequest(`skewMs must be an integer number of milliseconds, got ${JSON.stringify(b.skewMs)}`);
      const to = Date.now() + b.skewMs;
      if (to < ctx.now())
        throw badRequest(
          `skewMs: the sandbox clock only moves forward (it is ${ctx.clock.skewMs} ms ahead now); start it with --skew-ms for a clock behind this machine`,
        );
      ctx.clock.setTo(to);
    } else throw badRequest('Give advanceMs (milliseconds), to (ISO date-time), skewMs (milliseconds ahead of this machine) or rate (sandbox ms per real ms)');
    ctx.tick();
  }
  const real = Date.now();
  return json({
    now: new Date(ctx.clock.at(real)).toISOString(),
    // A follower runs the same clock as now + (its Date.now() - realTime) × rate.
    nowMs: ctx.clock.at(real),
    realTime: real,
    rate: ctx.clock.rate,
    nowMsk: isoMsk(ctx.now()),
    startTime: new Date(ctx.clock.startTime).toISOString(),
    advancedMs: ctx.clock.advancedMs,
    skewMs: ctx.clock.skewMs,
  });
}

function adminReturnView(r: ReturnRecord): Record<string, unknown> {
  return {
    ...returnDto(r),
    campaignId: r.campaignId,
    businessId: r.businessId,
    program: r.program,
    decisionDeadline: isoMsk(decisionDeadline(r)),
    autoConfirmed: r.autoConfirmed ?? false,
  };
}

/** Money of one unit from the admin body: `price` before the Market's discounts, of which `subsidy` and `cashback` (Plus points). */
function unitMoney(it: Record<string, unknown>, f: string, catalogPrice: number): { unitPayment: number; unitCashback: number; unitSubsidy: number } {
  const amount = (v: unknown, field: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || Math.round(v * 100) !== v * 100)
      throw badRequest(`${field}: expected roubles ≥ 0 with at most two decimals, got ${JSON.stringify(v)}`);
    return v;
  };
  const price = amount(it.price, `${f}.price`) ?? catalogPrice;
  const unitSubsidy = amount(it.subsidy, `${f}.subsidy`) ?? 0;
  const unitCashback = amount(it.cashback, `${f}.cashback`) ?? 0;
  const unitPayment = Math.round((price - unitSubsidy - unitCashback) * 100) / 100;
  if (!(price > 0) || unitPayment < 0) throw badRequest(`${f}: price ${price} must be above 0 and cover subsidy ${unitSubsidy} + cashback ${unitCashback}`);
  return { unitPayment, unitCashback, unitSubsidy };
}

/** A fresh order of the campaign holding the given lines (`returnCount: 0` keeps a line out of the return). */
function newOrder(ctx: SandboxContext, campaign: Campaign, createdAt: number, itemsIn: Record<string, unknown>[]): Order {
  const catalog = ctx.world.catalogs.get(campaign.businessId) ?? [];
  const orderId = ctx.world.ids.nextOrderId;
  ctx.world.ids.nextOrderId += 7;
  const items: OrderItem[] = itemsIn.map((it, i) => {
    const offerId = str(it.offerId, `items[${i}].offerId`);
    const product = (offerId ? catalog.find((p) => p.offerId === offerId) : undefined) ?? catalog[i % catalog.length];
    if (!product) throw badRequest(`items[${i}].offerId: unknown offer ${offerId}`);
    const count = int64(it.count, `items[${i}].count`, { min: 1 }) ?? 1;
    return {
      id: ctx.world.ids.nextItemId++,
      offerId: product.offerId,
      offerName: product.name,
      marketSku: product.marketSku,
      count,
      initialCount: count,
      ...unitMoney(it, `items[${i}]`, product.price),
      vat: 'VAT_20',
      cis: product.marking === 'CIS' ? Array.from({ length: count }, (_, k) => `0104601234567890215sbx${orderId}${i}${k}`) : [],
      imei: product.marking === 'IMEI' ? Array.from({ length: count }, (_, k) => `35${String(orderId).slice(-8)}${i}${k}00`.slice(0, 15)) : [],
    };
  });
  const order: Order = {
    id: orderId,
    campaignId: campaign.id,
    businessId: campaign.businessId,
    program: campaign.program,
    status: 'DELIVERED',
    substatus: 'DELIVERY_SERVICE_DELIVERED',
    createdAt: createdAt - 5 * 86400_000,
    updatedAt: createdAt - 2 * 86400_000,
    deliveredAt: createdAt - 2 * 86400_000,
    paymentType: 'PREPAID',
    paymentMethod: 'YANDEX',
    deliveryType: 'PICKUP',
    deliveryPrice: 0,
    items,
    buyerName: 'Тест Т.',
    city: 'Москва',
  };
  ctx.world.orders.set(order.id, order);
  return order;
}

function createReturn(ctx: SandboxContext, req: Req): ApiResult {
  return json(adminReturnView(createReturnFrom(ctx, bodyOf(req))), 201);
}

/** Creates a return as POST /_sandbox/returns describes (also the soak script's arrivals). */
export function createReturnFrom(ctx: SandboxContext, b: Record<string, unknown>): ReturnRecord {
  const mine = ctx.campaignsOf(ctx.options.apiKey);
  const existingOrderId = int64(b.orderId, 'orderId', { min: 1 });
  const existing = existingOrderId === undefined ? undefined : ctx.world.orders.get(existingOrderId);
  if (existingOrderId !== undefined && !existing) throw notFound(`Order ${existingOrderId} not found`);
  const campaignId = existing?.campaignId ?? int64(b.campaignId, 'campaignId', { min: 1 }) ?? (mine[0]?.id as number);
  const campaign = ctx.world.campaigns.find((c) => c.id === campaignId);
  if (!campaign) throw notFound(`Campaign ${campaignId} not found`);
  const type = (enumValue(b.type ?? b.returnType, 'type', ['UNREDEEMED', 'RETURN']) ?? 'RETURN') as 'UNREDEEMED' | 'RETURN';
  const status = enumValue(b.status, 'status', statusesOf(campaign.program));
  const createdAt = dateTimeParam(b.createdAt, 'createdAt') ?? ctx.now();
  const itemsIn = arrayOf(b.items, 'items', (x, f) => asObject(x, f), { minItems: 1 }) ?? [{}];
  const order = existing ?? newOrder(ctx, campaign, createdAt, itemsIn);
  // Which lines of the order this return takes back, and how many units of each.
  const lines = itemsIn
    .map((it, i) => {
      const f = `items[${i}]`;
      const orderItem = existing ? existing.items.find((oi) => oi.offerId === str(it.offerId, `${f}.offerId`, { required: true })) : order.items[i];
      if (!orderItem) throw badRequest(`${f}.offerId: order ${order.id} has no line ${String(it.offerId)}`);
      const count =
        int64(it.returnCount, `${f}.returnCount`, { min: 0 }) ?? (existing ? (int64(it.count, `${f}.count`, { min: 1 }) ?? orderItem.count) : orderItem.count);
      if (count > orderItem.count) throw badRequest(`${f}: ${count} units asked, the order's line has ${orderItem.count}`);
      const images = arrayOf(it.images, `${f}.images`, (x, g) => asObject(x, g));
      const photos = images ? images.length : (int64(it.photos, `${f}.photos`, { min: 0 }) ?? 2);
      const forcedImages: Partial<ImageSpec>[] | undefined = images?.map((im, k) => ({
        format: (enumValue(im.format, `${f}.images[${k}].format`, ['jpeg', 'png']) as 'jpeg' | 'png' | undefined) ?? 'jpeg',
        width: int64(im.width, `${f}.images[${k}].width`, { min: 1 }) ?? 800,
        height: int64(im.height, `${f}.images[${k}].height`, { min: 1 }) ?? 600,
      }));
      return { orderItem, count, photos: Math.min(photos, 8), forcedImages };
    })
    .filter((l) => l.count > 0);
  if (lines.length === 0) throw badRequest('items: the return takes back no unit (every returnCount is 0)');
  const r = makeReturn(ctx.world, ctx.rng, order, {
    type,
    status: status ?? (type === 'RETURN' ? awaitingStatus(campaign.program) : undefined),
    createdAt,
    now: ctx.now(),
    fastReturn: b.fastReturn === true,
    shipmentStatus: enumValue(b.shipmentStatus, 'shipmentStatus', SHIPMENT_STATUSES),
    items: lines,
  });
  if (b.status === undefined && type === 'RETURN') {
    r.refundStatus = awaitingStatus(campaign.program);
  }
  ctx.world.returns.set(r.id, r);
  ctx.track(r);
  ctx.push('ORDER_RETURN_CREATED', {
    campaignId: r.campaignId,
    orderId: r.orderId,
    returnId: r.id,
    returnType: r.returnType,
    createdAt: isoMsk(r.createdAt),
    items: r.items.map((i) => ({ offerId: i.offerId, count: i.count })),
  });
  ctx.tick();
  return r;
}

function getReturnAdmin(ctx: SandboxContext, req: Req): ApiResult {
  const r = ctx.world.returns.get(pathId(req.params[0] as string, 'returnId'));
  if (!r) throw notFound('Return not found');
  return json(adminReturnView(r));
}

function setReturnStatus(ctx: SandboxContext, req: Req): ApiResult {
  const r = ctx.world.returns.get(pathId(req.params[0] as string, 'returnId'));
  if (!r) throw notFound('Return not found');
  const b = bodyOf(req);
  const shipment = enumValue(b.shipmentStatus, 'shipmentStatus', SHIPMENT_STATUSES);
  // A non-purchase has only a shipment status; a return may move its shipment status alone too.
  const status = enumValue(b.status, 'status', statusesOf(r.program), shipment === undefined);
  if (status !== undefined && r.returnType !== 'RETURN') throw badRequest(`status: return ${r.id} is a non-purchase; it has only a shipmentStatus`);
  if (status !== undefined && b.force !== true && !allowedNextStatuses(r.program, r.refundStatus).includes(status)) {
    throw badRequest(
      `status: ${r.refundStatus} → ${status} is not a transition of the ${r.program} model; allowed: ${allowedNextStatuses(r.program, r.refundStatus).join(', ') || 'none'} (send force: true to override)`,
    );
  }
  ctx.setStatus(r, status ?? r.refundStatus, ctx.now(), shipment);
  return json(adminReturnView(r));
}

function openDispute(ctx: SandboxContext, req: Req): ApiResult {
  const r = ctx.world.returns.get(pathId(req.params[0] as string, 'returnId'));
  if (!r) throw notFound('Return not found');
  const chat = startDispute(ctx, r);
  return json({ ...adminReturnView(r), chatId: chat.chatId });
}

/** The buyer disputes the seller's decision: PREMODERATION_DISPUTE and an ARBITRAGE chat. */
export function startDispute(ctx: SandboxContext, r: ReturnRecord): Chat {
  if (r.program === 'DBS') throw badRequest('Disputes exist only in the FBY/FBS/Express model');
  if (r.refundStatus !== 'PREMODERATION_DECISION_MADE') throw badRequest(`A dispute opens after a decision: status is ${r.refundStatus}`);
  const now = ctx.now();
  ctx.setStatus(r, 'PREMODERATION_DISPUTE', now);
  const chat = ensureChat(ctx, r, 'ARBITRAGE');
  ctx.push('CHAT_ARBITRAGE_STARTED', { businessId: r.businessId, chatId: chat.chatId, startedAt: isoMsk(now) });
  return chat;
}

/** The arbiter closes the dispute: the arbitrage chat is FINISHED and the return moves on. */
function finishDispute(ctx: SandboxContext, req: Req): ApiResult {
  const r = ctx.world.returns.get(pathId(req.params[0] as string, 'returnId'));
  if (!r) throw notFound('Return not found');
  if (r.refundStatus !== 'PREMODERATION_DISPUTE') throw badRequest(`The return is not in dispute: status is ${r.refundStatus}`);
  const b = bodyOf(req);
  const status = (enumValue(b.status, 'status', allowedNextStatuses(r.program, r.refundStatus)) ?? 'REFUND_IN_PROGRESS') as string;
  const chat = endDispute(ctx, r, status);
  return json({ ...adminReturnView(r), chatId: chat?.chatId ?? null });
}

/** The arbiter's closing message, the ARBITRAGE chat FINISHED, the return moved to `status`. */
export function endDispute(ctx: SandboxContext, r: ReturnRecord, status: string): Chat | undefined {
  const chat = [...ctx.world.chats.values()].find((c) => c.returnId === r.id && c.type === 'ARBITRAGE');
  const now = ctx.now();
  if (chat) {
    chat.messages.push({
      messageId: ctx.world.ids.nextMessageId++,
      createdAt: now,
      sender: 'MARKET',
      message: 'Спор завершён, арбитр Маркета принял решение.',
    });
    chat.status = 'FINISHED';
    chat.updatedAt = now;
  }
  ctx.setStatus(r, status, now);
  if (chat) ctx.push('CHAT_ARBITRAGE_FINISHED', { businessId: r.businessId, chatId: chat.chatId, finishedAt: isoMsk(now) });
  return chat;
}

/** A message in the return's buyer chat (created when missing), from the buyer unless `sender` says otherwise. */
function chatMessage(ctx: SandboxContext, req: Req): ApiResult {
  const r = ctx.world.returns.get(pathId(req.params[0] as string, 'returnId'));
  if (!r) throw notFound('Return not found');
  if (r.program === 'DBS') throw badRequest('Chats about returns are available for FBY, FBS and Express stores only', 'CAMPAIGN_TYPE_NOT_SUPPORTED');
  const b = bodyOf(req);
  const text = str(b.message, 'message', { minLength: 1, maxLength: 4096 }) ?? 'Здравствуйте! Когда будет решение по возврату?';
  const sender = (enumValue(b.sender, 'sender', ['CUSTOMER', 'MARKET', 'SUPPORT']) ?? 'CUSTOMER') as 'CUSTOMER' | 'MARKET' | 'SUPPORT';
  const type = (enumValue(b.chatType, 'chatType', ['CHAT', 'ARBITRAGE']) ?? 'CHAT') as 'CHAT' | 'ARBITRAGE';
  return json(postChatMessage(ctx, r, text, sender, type), 201);
}

/** A message in the return's chat of `type` (the buyer chat is created when missing), notified as the Market does. */
export function postChatMessage(
  ctx: SandboxContext,
  r: ReturnRecord,
  text: string,
  sender: 'CUSTOMER' | 'MARKET' | 'SUPPORT',
  type: 'CHAT' | 'ARBITRAGE',
): { chatId: number; messageId: number; status: string } {
  if (r.program === 'DBS') throw badRequest('Chats about returns are available for FBY, FBS and Express stores only', 'CAMPAIGN_TYPE_NOT_SUPPORTED');
  const existed = [...ctx.world.chats.values()].some((c) => c.returnId === r.id && c.type === type);
  if (type === 'ARBITRAGE' && !existed) throw badRequest('There is no arbitrage chat: open a dispute first');
  const chat = ensureChat(ctx, r, type);
  if (chat.status === 'FINISHED') throw badRequest(`Chat ${chat.chatId} is finished`);
  if (!existed) ctx.push('CHAT_CREATED', { businessId: r.businessId, chatId: chat.chatId, createdAt: isoMsk(chat.createdAt) });
  const now = ctx.now();
  const messageId = ctx.world.ids.nextMessageId++;
  chat.messages.push({ messageId, createdAt: now, sender, message: text });
  chat.updatedAt = now;
  if (type === 'CHAT' && sender === 'CUSTOMER') chat.status = 'WAITING_FOR_PARTNER';
  // ChatMessageSentNotificationDTO: messageId is a string there.
  ctx.push('CHAT_MESSAGE_SENT', { businessId: r.businessId, chatId: chat.chatId, messageId: String(messageId), sentAt: isoMsk(now) });
  return { chatId: chat.chatId, messageId, status: chat.status };
}

export function ensureChat(ctx: SandboxContext, r: ReturnRecord, type: 'CHAT' | 'ARBITRAGE'): Chat {
  for (const c of ctx.world.chats.values()) if (c.returnId === r.id && c.type === type) return c;
  const now = ctx.now();
  const order = ctx.world.orders.get(r.orderId);
  const chat: Chat = {
    chatId: ctx.world.ids.nextChatId++,
    businessId: r.businessId,
    campaignId: r.campaignId,
    contextType: 'RETURN',
    orderId: r.orderId,
    returnId: r.id,
    type,
    status: type === 'ARBITRAGE' ? 'WAITING_FOR_ARBITER' : 'NEW',
    createdAt: now,
    updatedAt: now,
    customerName: order?.buyerName ?? 'Покупатель',
    customerId: `cust-${r.orderId % 100000}`,
    messages:
      type === 'ARBITRAGE'
        ? [
            {
              messageId: ctx.world.ids.nextMessageId++,
              createdAt: now,
              sender: 'MARKET',
              message: 'Покупатель не согласен с решением. Открыт спор, подключён арбитр Маркета.',
            },
          ]
        : [],
  };
  ctx.world.chats.set(chat.chatId, chat);
  return chat;
}

function faults(ctx: SandboxContext, req: Req): ApiResult {
  if (req.method === 'DELETE') {
    ctx.faults.clear();
    return json({ faults: [] });
  }
  if (req.method === 'POST') return json({ added: ctx.faults.add(parseJsonBody(req.body, true)), faults: ctx.faults.all() });
  return json({ faults: ctx.faults.all() });
}

function limits(ctx: SandboxContext, req: Req): ApiResult {
  if (req.method === 'POST') {
    const b = bodyOf(req);
    // `spend`: another client of the key spent these methods' budgets in the current window (its next request is a 420).
    const spend = arrayOf(b.spend, 'spend', (x, f) => str(x, f, { required: true, minLength: 1 })!);
    if (spend === undefined || b.scale !== undefined || b.limitScale !== undefined) {
      const scale = Number(b.scale ?? b.limitScale);
      if (!(scale > 0)) throw badRequest('scale must be a positive number (e.g. 0.01)');
      ctx.limiter.scale = scale;
      if (b.resetUsage !== false) ctx.limiter.reset();
    }
    if (spend) ctx.limiter.spend(ctx.options.apiKey, spend, ctx.now());
  }
  return json({ scale: ctx.limiter.scale });
}

function stats(ctx: SandboxContext): ApiResult {
  return json({
    total: ctx.stats.total,
    byOperation: ctx.stats.byOperation,
    byStatus: ctx.stats.byStatus,
    maxConcurrentPerKey: Object.fromEntries(
      [...ctx.limiter.maxInFlight].map(([k, v]) => [k === ctx.options.apiKey ? 'apiKey' : k === ctx.options.otherApiKey ? 'otherApiKey' : 'unknown', v]),
    ),
    count420: ctx.limiter.count420,
  });
}

function soak(ctx: SandboxContext, req: Req): ApiResult {
  if (req.method === 'DELETE') {
    ctx.soak = undefined;
    return json({ soak: null });
  }
  if (req.method === 'POST') {
    const script = new SoakScript(ctx, parseJsonBody(req.body, true));
    ctx.soak = script;
    script.play();
    return json({ startedAt: new Date(script.startedAt).toISOString(), endsAt: new Date(script.endsAt).toISOString(), arrivals: script.arrivals.length }, 201);
  }
  if (!(ctx.soak instanceof SoakScript)) throw notFound('No soak script runs: POST /_sandbox/soak starts one');
  const { limiter } = ctx;
  return json({
    ...ctx.soak.report(),
    requestsPerHour: [...limiter.hourly].sort(([a], [b]) => a - b).map(([hour, byOperation]) => ({ hour: new Date(hour).toISOString(), byOperation })),
    budgets: Object.fromEntries(Object.keys(RESOURCE_LIMITS).map((op) => [op, RESOURCE_LIMITS[op]])),
    count420: { parallel: limiter.count420By.parallel, budget: limiter.count420By.budget },
    // A budget 420 after the first in the same method and window: a client that kept asking after being told.
    budgetOverruns: [...limiter.budget420ByWindow.values()].reduce((n, v) => n + Math.max(0, v - 1), 0),
    // Each window with more than one: the method, the window's start and when each 420 was answered.
    budgetOverrunWindows: [...limiter.budget420Times]
      .filter(([, times]) => times.length > 1)
      .map(([key, times]) => ({ window: key, at: times.map((t) => new Date(t).toISOString()) })),
  });
}

/** GET /_sandbox/soak/polls: each store's last poll and the gap before it, cheap enough to ask many times a second. */
function soakPolls(ctx: SandboxContext): ApiResult {
  if (!(ctx.soak instanceof SoakScript)) throw notFound('No soak script runs: POST /_sandbox/soak starts one');
  return json(ctx.soak.pollState());
}

function push(ctx: SandboxContext, req: Req): ApiResult {
  if (req.method === 'POST') {
    const b = bodyOf(req);
    const url = str(b.url, 'url');
    if (url && !/^https?:\/\//.test(url)) throw badRequest('url must be an http(s) URL');
    ctx.pushUrl = url || undefined;
  }
  if (req.method === 'DELETE') ctx.pushUrl = undefined;
  return json({ url: ctx.pushUrl ?? null, deliveries: ctx.pushes });
}

function files(ctx: SandboxContext, req: Req): ApiResult {
  const key = req.path.slice('/_files/'.length);
  const m = /^pictures\/([^/]+)\.jpg$/.exec(key);
  if (m) {
    const spec: ImageSpec = { hash: `catalog:${m[1]}`, format: 'jpeg', width: 800, height: 800 };
    const img = imageFor(spec);
    return { status: 200, body: img.data, contentType: img.contentType };
  }
  const f = ctx.files.get(key);
  if (!f) throw notFound(`File ${key} not found`);
  return { status: 200, body: f.data, contentType: f.contentType };
}

export const adminRoutes: AdminRoute[] = [
  { method: 'GET', pattern: /^\/_sandbox\/clock$/, handler: clock },
  { method: 'POST', pattern: /^\/_sandbox\/clock$/, handler: clock },
  { method: 'POST', pattern: /^\/_sandbox\/returns$/, handler: createReturn },
  { method: 'GET', pattern: /^\/_sandbox\/returns\/([^/]+)$/, handler: getReturnAdmin },
  { method: 'POST', pattern: /^\/_sandbox\/returns\/([^/]+)\/status$/, handler: setReturnStatus },
  { method: 'POST', pattern: /^\/_sandbox\/returns\/([^/]+)\/dispute$/, handler: openDispute },
  { method: 'POST', pattern: /^\/_sandbox\/returns\/([^/]+)\/dispute\/finish$/, handler: finishDispute },
  { method: 'POST', pattern: /^\/_sandbox\/returns\/([^/]+)\/chat$/, handler: chatMessage },
  { method: 'GET', pattern: /^\/_sandbox\/faults$/, handler: faults },
  { method: 'POST', pattern: /^\/_sandbox\/faults$/, handler: faults },
  { method: 'DELETE', pattern: /^\/_sandbox\/faults$/, handler: faults },
  { method: 'GET', pattern: /^\/_sandbox\/received$/, handler: (ctx) => json({ received: ctx.received }) },
  { method: 'GET', pattern: /^\/_sandbox\/stats$/, handler: stats },
  { method: 'GET', pattern: /^\/_sandbox\/soak$/, handler: soak },
  { method: 'GET', pattern: /^\/_sandbox\/soak\/polls$/, handler: soakPolls },
  { method: 'POST', pattern: /^\/_sandbox\/soak$/, handler: soak },
  { method: 'DELETE', pattern: /^\/_sandbox\/soak$/, handler: soak },
  { method: 'GET', pattern: /^\/_sandbox\/limits$/, handler: limits },
  { method: 'POST', pattern: /^\/_sandbox\/limits$/, handler: limits },
  { method: 'POST', pattern: /^\/_sandbox\/reset$/, handler: (ctx) => (ctx.reset(), json({ ok: true })) },
  { method: 'GET', pattern: /^\/_sandbox\/push$/, handler: push },
  { method: 'POST', pattern: /^\/_sandbox\/push$/, handler: push },
  { method: 'DELETE', pattern: /^\/_sandbox\/push$/, handler: push },
  { method: 'POST', pattern: /^\/_sandbox\/reports\/fail-next$/, handler: (ctx) => (ctx.failNextReports++, json({ failNext: ctx.failNextReports })) },
  {
    method: 'GET',
    pattern: /^\/_sandbox\/info$/,
    handler: (ctx) =>
      json({
        apiKey: ctx.options.apiKey,
        otherApiKey: ctx.options.otherApiKey,
        businesses: ctx.world.businesses.map((b) => ({ id: b.id, name: b.name, key: b.apiKey === ctx.options.apiKey ? 'apiKey' : 'otherApiKey' })),
        campaigns: ctx.world.campaigns.map((c) => ({ id: c.id, businessId: c.businessId, program: c.program, domain: c.domain })),
        returns: ctx.world.returns.size,
        orders: ctx.world.orders.size,
        images: ctx.world.images.size,
      }),
  },
  { method: 'GET', pattern: /^\/_files\/(.+)$/, handler: files },
];
