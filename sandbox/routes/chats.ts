// Chats with buyers and arbitrage chats.
import { isoMsk } from '../clock.ts';
import type { SandboxContext } from '../context.ts';
import {
  arrayOf,
  asObject,
  badRequest,
  decodeToken,
  encodeToken,
  enumValue,
  int64,
  notFound,
  ok,
  pageTokenParam,
  parseJsonBody,
  queryInt,
  str,
  pathId,
  type ApiResult,
} from '../http.ts';
import type { Req, Route } from '../server.ts';
import type { Chat } from '../types.ts';
import { ensureChat } from './admin.ts';

const CHAT_STATUSES = ['NEW', 'WAITING_FOR_CUSTOMER', 'WAITING_FOR_PARTNER', 'WAITING_FOR_ARBITER', 'WAITING_FOR_MARKET', 'FINISHED'];
const isNum = (k: unknown): k is number => Number.isInteger(k);

function chatDto(c: Chat): Record<string, unknown> {
  return {
    chatId: c.chatId,
    orderId: c.orderId,
    context: {
      type: c.contextType,
      customer: { name: c.customerName, publicId: c.customerId },
      campaignId: c.campaignId,
      orderId: c.orderId,
      ...(c.returnId ? { returnId: c.returnId } : {}),
    },
    type: c.type,
    status: c.status,
    createdAt: isoMsk(c.createdAt),
    updatedAt: isoMsk(c.updatedAt),
  };
}

function chatOf(ctx: SandboxContext, req: Req): Chat {
  const business = ctx.businessFor(req.apiKey, pathId(req.params[0] as string, 'businessId'));
  const chatId = queryInt(req.query, 'chatId', { min: 1, required: true }) as number;
  const chat = ctx.world.chats.get(chatId);
  if (!chat || chat.businessId !== business.id) throw notFound(`Chat ${chatId} not found`);
  return chat;
}

function createChat(ctx: SandboxContext, req: Req): ApiResult {
  const business = ctx.businessFor(req.apiKey, pathId(req.params[0] as string, 'businessId'));
  const body = asObject(parseJsonBody(req.body, true), 'body');
  let type: string;
  let id: number;
  if (body.context !== undefined) {
    const c = asObject(body.context, 'context');
    type = enumValue(c.type, 'context.type', ['ORDER', 'RETURN'], true) as string;
    id = int64(c.id, 'context.id', { min: 1, required: true }) as number;
  } else {
    type = 'ORDER';
    id = int64(body.orderId, 'orderId', { min: 1, required: true }) as number;
  }
  if (type === 'RETURN') {
    const r = ctx.world.returns.get(id);
    if (!r || r.businessId !== business.id) throw notFound(`Return ${id} not found`);
    if (r.program === 'DBS') throw badRequest('Chats about returns are available for FBY, FBS and Express stores only', 'CAMPAIGN_TYPE_NOT_SUPPORTED');
    return ok({ chatId: ensureChat(ctx, r, 'CHAT').chatId });
  }
  const o = ctx.world.orders.get(id);
  if (!o || o.businessId !== business.id) throw notFound(`Order ${id} not found`);
  for (const c of ctx.world.chats.values()) if (c.contextType === 'ORDER' && c.orderId === id) return ok({ chatId: c.chatId });
  const now = ctx.now();
  const chat: Chat = {
    chatId: ctx.world.ids.nextChatId++,
    businessId: business.id,
    campaignId: o.campaignId,
    contextType: 'ORDER',
    orderId: id,
    type: 'CHAT',
    status: 'NEW',
    createdAt: now,
    updatedAt: now,
    customerName: o.buyerName,
    customerId: `cust-${id % 100000}`,
    messages: [],
  };
  ctx.world.chats.set(chat.chatId, chat);
  return ok({ chatId: chat.chatId });
}

function getChats(ctx: SandboxContext, req: Req): ApiResult {
  const business = ctx.businessFor(req.apiKey, pathId(req.params[0] as string, 'businessId'));
  const limit = queryInt(req.query, 'limit', { min: 1, max: 20 }) ?? 10;
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const orderIds = arrayOf(body.orderIds, 'orderIds', (x, f) => int64(x, f, { required: true }) as number, { minItems: 1, unique: true });
  const contexts = arrayOf(
    body.contexts,
    'contexts',
    (x, f) => {
      const o = asObject(x, f);
      return { type: enumValue(o.type, `${f}.type`, ['ORDER', 'RETURN'], true) as string, id: int64(o.id, `${f}.id`, { min: 1, required: true }) as number };
    },
    { minItems: 1, unique: true },
  );
  const contextTypes = arrayOf(body.contextTypes, 'contextTypes', (x, f) => enumValue(x, f, ['ORDER', 'RETURN', 'DIRECT'], true) as string, {
    minItems: 1,
    unique: true,
  });
  const types = arrayOf(body.types, 'types', (x, f) => enumValue(x, f, ['CHAT', 'ARBITRAGE'], true) as string, { minItems: 1, unique: true });
  const statuses = arrayOf(body.statuses, 'statuses', (x, f) => enumValue(x, f, CHAT_STATUSES, true) as string, { minItems: 1, unique: true });
  const cursor = decodeToken(pageTokenParam(req.query), isNum);
  const all = [...ctx.world.chats.values()].filter((c) => c.businessId === business.id).sort((a, b) => a.chatId - b.chatId);
  const out: Chat[] = [];
  let more = false;
  for (const c of all) {
    if (cursor !== undefined && c.chatId <= cursor) continue;
    if (orderIds && !(c.orderId && orderIds.includes(c.orderId))) continue;
    if (contexts && !contexts.some((x) => (x.type === 'ORDER' ? c.contextType === 'ORDER' && c.orderId === x.id : c.returnId === x.id))) continue;
    if (contextTypes && !contextTypes.includes(c.contextType)) continue;
    if (types && !types.includes(c.type)) continue;
    if (statuses && !statuses.includes(c.status)) continue;
    if (out.length === limit) {
      more = true;
      break;
    }
    out.push(c);
  }
  const last = out[out.length - 1];
  return ok({ chats: out.map(chatDto), paging: more && last ? { nextPageToken: encodeToken(last.chatId) } : {} });
}

function getChat(ctx: SandboxContext, req: Req): ApiResult {
  return ok(chatDto(chatOf(ctx, req)));
}

function history(ctx: SandboxContext, req: Req): ApiResult {
  const chat = chatOf(ctx, req);
  const limit = queryInt(req.query, 'limit', { min: 1, max: 100 }) ?? 50;
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const from = int64(body.messageIdFrom, 'messageIdFrom', { min: 1 });
  const cursor = decodeToken(pageTokenParam(req.query), isNum);
  const msgs = chat.messages.filter((m) => (from === undefined || m.messageId >= from) && (cursor === undefined || m.messageId > cursor));
  const page = msgs.slice(0, limit);
  const last = page[page.length - 1];
  return ok({
    orderId: chat.orderId,
    context: chatDto(chat).context,
    messages: page.map((m) => ({
      messageId: m.messageId,
      createdAt: isoMsk(m.createdAt),
      sender: m.sender,
      ...(m.message ? { message: m.message } : {}),
      ...(m.payload ? { payload: m.payload } : {}),
    })),
    paging: msgs.length > limit && last ? { nextPageToken: encodeToken(last.messageId) } : {},
  });
}

function sendMessage(ctx: SandboxContext, req: Req): ApiResult {
  const chat = chatOf(ctx, req);
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const message = str(body.message, 'message', { required: true, minLength: 1, maxLength: 4096 }) as string;
  if (chat.status === 'FINISHED') throw badRequest(`Chat ${chat.chatId} is finished`);
  const now = ctx.now();
  chat.messages.push({ messageId: ctx.world.ids.nextMessageId++, createdAt: now, sender: 'PARTNER', message });
  chat.updatedAt = now;
  if (chat.type === 'CHAT') chat.status = 'WAITING_FOR_CUSTOMER';
  return ok();
}

function getMessage(ctx: SandboxContext, req: Req): ApiResult {
  const chat = chatOf(ctx, req);
  const messageId = queryInt(req.query, 'messageId', { min: 1, required: true }) as number;
  const m = chat.messages.find((x) => x.messageId === messageId);
  if (!m) throw notFound(`Message ${messageId} not found`);
  return ok({
    messageId: m.messageId,
    createdAt: isoMsk(m.createdAt),
    sender: m.sender,
    ...(m.message ? { message: m.message } : {}),
    ...(m.payload ? { payload: m.payload } : {}),
  });
}

/** Minimal multipart/form-data reader: finds the part named "file". */
function readMultipartFile(req: Req): { name: string; contentType: string; data: Buffer } {
  const ct = String(req.headers['content-type'] ?? '');
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
  if (!ct.toLowerCase().startsWith('multipart/form-data') || !m)
    throw badRequest('Content-Type must be multipart/form-data with a boundary', 'UNSUPPORTED_MEDIA_TYPE');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const body = req.body;
  let pos = body.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length + 2;
    const next = body.indexOf(boundary, start);
    if (next === -1) break;
    const part = body.subarray(start, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      if (/name="file"/i.test(headers)) {
        const filename = /filename="([^"]*)"/i.exec(headers)?.[1] || 'file';
        const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
        return { name: filename, contentType: type, data: part.subarray(headerEnd + 4) };
      }
    }
    pos = next;
  }
  throw badRequest('Missing field: file', 'MISSING_PARAM');
}

function sendFile(ctx: SandboxContext, req: Req): ApiResult {
  const chat = chatOf(ctx, req);
  const file = readMultipartFile(req);
  if (file.data.length === 0) throw badRequest('file must not be empty');
  const now = ctx.now();
  const messageId = ctx.world.ids.nextMessageId++;
  const key = `chat/${chat.chatId}/${messageId}/${encodeURIComponent(file.name)}`;
  ctx.files.set(key, { contentType: file.contentType, data: Buffer.from(file.data) });
  chat.messages.push({
    messageId,
    createdAt: now,
    sender: 'PARTNER',
    payload: [{ name: file.name, url: `${ctx.baseUrl}/_files/${key}`, size: file.data.length }],
  });
  chat.updatedAt = now;
  return ok();
}

const B = '^\\/v2\\/businesses\\/([^/]+)';
export const chatRoutes: Route[] = [
  { method: 'POST', pattern: new RegExp(`${B}/chats/new$`), operationId: 'createChat', handler: createChat },
  { method: 'POST', pattern: new RegExp(`${B}/chats$`), operationId: 'getChats', handler: getChats },
  { method: 'GET', pattern: new RegExp(`${B}/chat$`), operationId: 'getChat', handler: getChat },
  { method: 'POST', pattern: new RegExp(`${B}/chats/history$`), operationId: 'getChatHistory', handler: history },
  { method: 'POST', pattern: new RegExp(`${B}/chats/message$`), operationId: 'sendMessageToChat', handler: sendMessage },
  { method: 'GET', pattern: new RegExp(`${B}/chats/message$`), operationId: 'getChatMessage', handler: getMessage },
  { method: 'POST', pattern: new RegExp(`${B}/chats/file/send$`), operationId: 'sendFileToChat', bodyLimit: 5 * 1024 * 1024, handler: sendFile },
];
