// Campaigns and orders.
import type { SandboxContext } from '../context.ts';
import { businessOrderDto, campaignDto, orderDto } from '../dto.ts';
import {
  arrayOf,
  asObject,
  badRequest,
  bool,
  dateParam,
  dateTimeParam,
  decodeToken,
  encodeToken,
  enumValue,
  int64,
  notFound,
  pageTokenParam,
  parseJsonBody,
  pathId,
  queryInt,
  raw,
  str,
  type ApiResult,
} from '../http.ts';
import { mskDayStart } from '../clock.ts';
import type { Req, Route } from '../server.ts';
import type { Order } from '../types.ts';

const ORDER_STATUSES = [
  'PLACING',
  'RESERVED',
  'UNPAID',
  'PROCESSING',
  'DELIVERY',
  'PICKUP',
  'DELIVERED',
  'CANCELLED',
  'PENDING',
  'PARTIALLY_RETURNED',
  'RETURNED',
  'UNKNOWN',
];
const PROGRAMS = ['FBY', 'FBS', 'DBS', 'EXPRESS', 'LAAS'];
const isNum = (k: unknown): k is number => Number.isInteger(k);

function getCampaigns(ctx: SandboxContext, req: Req): ApiResult {
  const limit = queryInt(req.query, 'limit', { min: 1, max: 100 });
  const page = queryInt(req.query, 'page', { min: 1, max: 10000 }) ?? 1;
  const pageSize = queryInt(req.query, 'pageSize', { min: 1 }) ?? limit ?? 100;
  const campaigns = ctx.campaignsOf(req.apiKey);
  const start = (page - 1) * pageSize;
  const slice = campaigns.slice(start, start + pageSize);
  return raw({
    campaigns: slice.map((c) => campaignDto(c, ctx.business(c.businessId))),
    pager: {
      total: campaigns.length,
      from: start + 1,
      to: start + slice.length,
      currentPage: page,
      pagesCount: Math.max(1, Math.ceil(campaigns.length / pageSize)),
      pageSize,
    },
    paging: {},
  });
}

function getCampaign(ctx: SandboxContext, req: Req): ApiResult {
  const c = ctx.campaignFor(req.apiKey, pathId(req.params[0] as string, 'campaignId'));
  return raw({ campaign: campaignDto(c, ctx.business(c.businessId)) });
}

function getBusinessOrders(ctx: SandboxContext, req: Req): ApiResult {
  const business = ctx.businessFor(req.apiKey, pathId(req.params[0] as string, 'businessId'));
  const limit = queryInt(req.query, 'limit', { min: 1, max: 50, truncate: true }) ?? 50;
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const orderIds = arrayOf(body.orderIds, 'orderIds', (x, f) => int64(x, f, { required: true }) as number, { minItems: 1, maxItems: 50, unique: true });
  const externalOrderIds = arrayOf(body.externalOrderIds, 'externalOrderIds', (x, f) => str(x, f, { required: true, minLength: 1 }) as string, {
    minItems: 1,
    maxItems: 50,
    unique: true,
  });
  const programTypes = arrayOf(body.programTypes, 'programTypes', (x, f) => enumValue(x, f, PROGRAMS, true) as string, { minItems: 1, unique: true });
  const campaignIds = arrayOf(body.campaignIds, 'campaignIds', (x, f) => int64(x, f, { min: 1, required: true }) as number, {
    minItems: 1,
    maxItems: 50,
    unique: true,
  });
  const statuses = arrayOf(body.statuses, 'statuses', (x, f) => enumValue(x, f, ORDER_STATUSES, true) as string, { minItems: 1, unique: true });
  arrayOf(body.substatuses, 'substatuses', (x, f) => str(x, f, { required: true }) as string, { minItems: 1, unique: true });
  bool(body.fake, 'fake');
  bool(body.waitingForCancellationApprove, 'waitingForCancellationApprove');
  let range = { cFrom: -Infinity, cTo: Infinity, uFrom: -Infinity, uTo: Infinity };
  if (body.dates !== undefined && body.dates !== null) {
    const d = asObject(body.dates, 'dates');
    const cf = dateParam(str(d.creationDateFrom, 'dates.creationDateFrom'), 'dates.creationDateFrom');
    const ct = dateParam(str(d.creationDateTo, 'dates.creationDateTo'), 'dates.creationDateTo');
    range = {
      cFrom: cf ? mskDayStart(cf) : -Infinity,
      cTo: ct ? mskDayStart(ct) + 86400_000 : Infinity,
      uFrom: dateTimeParam(d.updateDateFrom, 'dates.updateDateFrom') ?? -Infinity,
      uTo: dateTimeParam(d.updateDateTo, 'dates.updateDateTo') ?? Infinity,
    };
  }
  if (campaignIds)
    for (const id of campaignIds) {
      const c = ctx.campaignFor(req.apiKey, id);
      if (c.businessId !== business.id) throw badRequest(`campaignIds: campaign ${id} does not belong to business ${business.id}`);
    }
  const cursor = decodeToken(pageTokenParam(req.query), isNum);
  const all = [...ctx.world.orders.values()].filter((o) => o.businessId === business.id).sort((a, b) => a.id - b.id);
  const out: Order[] = [];
  let more = false;
  for (const o of all) {
    if (cursor !== undefined && o.id <= cursor) continue;
    if (orderIds && !orderIds.includes(o.id)) continue;
    if (externalOrderIds && !externalOrderIds.includes(`EXT-${o.id}`)) continue;
    if (programTypes && !programTypes.includes(o.program)) continue;
    if (campaignIds && !campaignIds.includes(o.campaignId)) continue;
    if (statuses && !statuses.includes(o.status)) continue;
    if (o.createdAt < range.cFrom || o.createdAt >= range.cTo || o.updatedAt < range.uFrom || o.updatedAt > range.uTo) continue;
    if (out.length === limit) {
      more = true;
      break;
    }
    out.push(o);
  }
  const last = out[out.length - 1];
  return raw({ orders: out.map(businessOrderDto), paging: more && last ? { nextPageToken: encodeToken(last.id) } : {} });
}

function getOrder(ctx: SandboxContext, req: Req): ApiResult {
  const c = ctx.campaignFor(req.apiKey, pathId(req.params[0] as string, 'campaignId'));
  const orderId = pathId(req.params[1] as string, 'orderId');
  const o = ctx.world.orders.get(orderId);
  if (!o || o.campaignId !== c.id) throw notFound(`Order ${orderId} not found`);
  return raw({ order: orderDto(o) });
}

export const marketRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v2\/campaigns$/, operationId: 'getCampaigns', handler: getCampaigns },
  { method: 'GET', pattern: /^\/v2\/campaigns\/([^/]+)$/, operationId: 'getCampaign', handler: getCampaign },
  { method: 'POST', pattern: /^\/v1\/businesses\/([^/]+)\/orders$/, operationId: 'getBusinessOrders', handler: getBusinessOrders },
  { method: 'GET', pattern: /^\/v2\/campaigns\/([^/]+)\/orders\/([^/]+)$/, operationId: 'getOrder', handler: getOrder },
];
