// Returns: list, one, application PDF, photos, available decisions, submit/set decision.
import { isoMsk, mskDayStart } from '../clock.ts';
import type { SandboxContext } from '../context.ts';
import { returnDto } from '../dto.ts';
import {
  ApiError,
  arrayOf,
  asObject,
  badRequest,
  dateParam,
  decodeToken,
  encodeToken,
  enumValue,
  errorBody,
  int64,
  notFound,
  ok,
  pageTokenParam,
  parseJsonBody,
  pathId,
  queryEnumList,
  queryInt,
  queryList,
  str,
  type ApiResult,
} from '../http.ts';
import { imageFor } from '../images.ts';
import { applyPhotoFault } from './photo-faults.ts';
import { returnApplicationPdf } from '../pdf.ts';
import type { Req, Route } from '../server.ts';
import { availableDecisions, decisionDeadline, decisionMadeStatus, isAwaitingDecision, percentOf, positionAmount } from '../state-machine.ts';
import type { ItemDecision, ReturnRecord } from '../types.ts';

export const REFUND_STATUSES = [
  'STARTED_BY_USER',
  'REFUND_IN_PROGRESS',
  'REFUNDED',
  'FAILED',
  'WAITING_FOR_DECISION',
  'DECISION_MADE',
  'REFUNDED_WITH_BONUSES',
  'REFUNDED_BY_SHOP',
  'CANCELLED',
  'REJECTED',
  'COMPLETE_WITHOUT_REFUND',
  'PREMODERATION_DISPUTE',
  'PREMODERATION_DECISION_WAITING',
  'PREMODERATION_DECISION_MADE',
  'PREMODERATION_SELECT_DELIVERY',
  'UNKNOWN',
];
export const SHIPMENT_STATUSES = [
  'CREATED',
  'RECEIVED',
  'IN_TRANSIT',
  'READY_FOR_PICKUP',
  'PICKED',
  'LOST',
  'EXPIRED',
  'CANCELLED',
  'FULFILMENT_RECEIVED',
  'PREPARED_FOR_UTILIZATION',
  'NOT_IN_DEMAND',
  'UTILIZED',
  'READY_FOR_EXPROPRIATION',
  'RECEIVED_FOR_EXPROPRIATION',
  'UNKNOWN',
];
export const RETURN_TYPES = ['UNREDEEMED', 'RETURN'];
export const DECISION_TYPES = [
  'FAST_REFUND_MONEY',
  'REFUND_MONEY',
  'REFUND_MONEY_INCLUDING_SHIPMENT',
  'REPAIR',
  'REPLACE',
  'SEND_TO_EXAMINATION',
  'DECLINE_REFUND',
  'PARTIAL_MONEY_REFUND',
  'OTHER_DECISION',
];
export const DECISION_REASONS = [
  'ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED',
  'MECHANICAL_DAMAGE',
  'WARRANTY_PERIOD_HAS_EXPIRED',
  'CONFIGURATION_OR_PACKAGING_COMPROMISED',
  'PRODUCT_APPEARANCE_COMPROMISED',
  'WARRANTY_TERMS_VIOLATED',
  'DEVICE_ACTIVATED',
];

const isCursor = (k: unknown): k is [number, number] => Array.isArray(k) && k.length === 2 && k.every((x) => Number.isInteger(x));

function getReturns(ctx: SandboxContext, req: Req): ApiResult {
  const campaign = ctx.campaignFor(req.apiKey, pathId(req.params[0] as string, 'campaignId'));
  const q = req.query;
  const limit = queryInt(q, 'limit', { min: 1, max: 100, truncate: true }) ?? 50;
  const orderIdsRaw = queryList(q, 'orderIds');
  let orderIds: Set<number> | undefined;
  if (orderIdsRaw) {
    if (orderIdsRaw.length > 50) throw badRequest('Size of parameter orderIds must be less than or equal to 50');
    orderIds = new Set(
      orderIdsRaw.map((v) => {
        if (!/^\d+$/.test(v)) throw badRequest(`Parameter orderIds must contain integers, got ${JSON.stringify(v)}`);
        return Number(v);
      }),
    );
  }
  const statuses = queryEnumList(q, 'statuses', REFUND_STATUSES);
  const shipmentStatuses = queryEnumList(q, 'shipmentStatuses', SHIPMENT_STATUSES);
  const typeList = queryEnumList(q, 'type', RETURN_TYPES);
  if (typeList && typeList.length > 1) throw badRequest('Parameter type takes one value: UNREDEEMED or RETURN');
  const type = typeList?.[0];
  const fromDate = dateParam(q.get('fromDate') ?? q.get('from_date') ?? undefined, q.has('fromDate') ? 'fromDate' : 'from_date');
  const toDate = dateParam(q.get('toDate') ?? q.get('to_date') ?? undefined, q.has('toDate') ? 'toDate' : 'to_date');
  const from = fromDate ? mskDayStart(fromDate) : -Infinity;
  const to = toDate ? mskDayStart(toDate) + 86400_000 : Infinity;
  if (from >= to) throw badRequest('Parameter fromDate must not be later than toDate');
  const cursor = decodeToken(pageTokenParam(q), isCursor);

  const all = ctx.sortedReturns(campaign.id);
  // Binary search for the first record after the cursor key (updatedAt, id).
  let lo = 0;
  if (cursor) {
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = all[mid] as ReturnRecord;
      if (r.updatedAt < cursor[0] || (r.updatedAt === cursor[0] && r.id <= cursor[1])) lo = mid + 1;
      else hi = mid;
    }
  }
  const page: ReturnRecord[] = [];
  let hasMore = false;
  for (let i = lo; i < all.length; i++) {
    const r = all[i] as ReturnRecord;
    if (r.updatedAt < from || r.updatedAt >= to) continue;
    if (orderIds && !orderIds.has(r.orderId)) continue;
    if (statuses && !(r.refundStatus && statuses.includes(r.refundStatus))) continue;
    if (shipmentStatuses && !(r.shipmentStatus && shipmentStatuses.includes(r.shipmentStatus))) continue;
    if (type && r.returnType !== type) continue;
    if (page.length === limit) {
      hasMore = true;
      break;
    }
    page.push(r);
  }
  const last = page[page.length - 1];
  const result: Record<string, unknown> = { returns: page.map(returnDto) };
  result.paging = hasMore && last ? { nextPageToken: encodeToken([last.updatedAt, last.id]) } : {};
  return ok(result);
}

function locate(ctx: SandboxContext, req: Req): ReturnRecord {
  const campaign = ctx.campaignFor(req.apiKey, pathId(req.params[0] as string, 'campaignId'));
  const orderId = pathId(req.params[1] as string, 'orderId');
  const returnId = pathId(req.params[2] as string, 'returnId');
  return ctx.returnFor(campaign, orderId, returnId);
}

function getReturn(ctx: SandboxContext, req: Req): ApiResult {
  return ok(returnDto(locate(ctx, req)));
}

function getApplication(ctx: SandboxContext, req: Req): ApiResult {
  const r = locate(ctx, req);
  if (r.returnType !== 'RETURN') throw notFound(`Return application for ${r.id} not found: non-purchases have no application`);
  const order = ctx.world.orders.get(r.orderId);
  const campaign = ctx.world.campaigns.find((c) => c.id === r.campaignId);
  return {
    status: 200,
    body: returnApplicationPdf(r, order, campaign),
    contentType: 'application/pdf',
    headers: { 'Content-Disposition': `attachment; filename="return-application-${r.id}.pdf"` },
  };
}

async function getPhoto(ctx: SandboxContext, req: Req): Promise<ApiResult> {
  const r = locate(ctx, req);
  const itemId = pathId(req.params[3] as string, 'itemId');
  const hash = req.params[4] as string;
  const item = r.items.find((i) => i.returnItemId === itemId);
  if (!item) throw notFound(`Item ${itemId} not found in return ${r.id}`);
  const spec = ctx.world.images.get(hash);
  if (!spec || !item.images.includes(hash)) throw notFound(`Image ${hash} not found for item ${itemId}`);
  const served = applyPhotoFault(ctx, hash, imageFor(spec));
  return { status: 200, body: served.body, contentType: served.contentType };
}

function getAvailableDecisions(ctx: SandboxContext, req: Req): ApiResult {
  const business = ctx.businessFor(req.apiKey, pathId(req.params[0] as string, 'businessId'));
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const campaignId = int64(body.campaignId, 'campaignId', { min: 1, required: true }) as number;
  const returnId = int64(body.returnId, 'returnId', { min: 1, required: true }) as number;
  const campaign = ctx.campaignFor(req.apiKey, campaignId);
  if (campaign.businessId !== business.id) throw badRequest(`Campaign ${campaignId} does not belong to business ${business.id}`);
  const r = ctx.world.returns.get(returnId);
  if (!r || r.campaignId !== campaign.id) throw notFound(`Return ${returnId} not found`);
  return ok({ availableDecisions: availableDecisions(r) });
}

function parseItemDecision(x: unknown, f: string, withReason: boolean): { returnItemId: number; decision: ItemDecision } {
  const o = asObject(x, f);
  const returnItemId = int64(o.returnItemId, `${f}.returnItemId`, { required: true }) as number;
  const decisionType = enumValue(o.decisionType, `${f}.decisionType`, DECISION_TYPES, true) as string;
  const decision: ItemDecision = { decisionType };
  if (withReason) {
    const reason = enumValue(o.decisionReasonType, `${f}.decisionReasonType`, DECISION_REASONS);
    if (reason) decision.decisionReasonType = reason;
  }
  const comment = str(o.comment, `${f}.comment`, { maxLength: 4096 });
  if (comment !== undefined) decision.comment = comment;
  if (o.compensation !== undefined && o.compensation !== null) {
    const c = asObject(o.compensation, `${f}.compensation`);
    if (typeof c.value !== 'number' || !Number.isFinite(c.value)) throw badRequest(`Field ${f}.compensation.value must be a number`);
    if (c.value <= 0) throw badRequest(`Value of field ${f}.compensation.value must be greater than 0`);
    if (Math.round(c.value * 100) !== c.value * 100) throw badRequest(`Value of field has too high scale: '${f}.compensation.value'`);
    const currency = enumValue(c.currencyId, `${f}.compensation.currencyId`, ['RUR', 'USD', 'EUR', 'UAH', 'KZT', 'BYN'], true);
    if (currency !== 'RUR') throw badRequest(`Field ${f}.compensation.currencyId must be RUR for this campaign`, 'INVALID_CURRENCY');
    decision.compensation = c.value;
  }
  return { returnItemId, decision };
}

/** Checks every rule the Market applies to a decision; throws 400 naming the field. */
function validateDecisions(ctx: SandboxContext, r: ReturnRecord, decisions: { returnItemId: number; decision: ItemDecision }[]): void {
  if (r.returnType !== 'RETURN') throw badRequest(`Return ${r.id} is a non-purchase: no decision is needed`, 'STATUS_NOT_ALLOWED');
  if (!isAwaitingDecision(r)) throw badRequest(`Return ${r.id} does not await a decision: its status is ${r.refundStatus}`, 'STATUS_NOT_ALLOWED');
  if (ctx.now() >= decisionDeadline(r))
    throw badRequest(`The decision deadline for return ${r.id} has passed (${isoMsk(decisionDeadline(r))})`, 'STATUS_NOT_ALLOWED');
  const available = availableDecisions(r);
  const seen = new Set<number>();
  decisions.forEach(({ returnItemId, decision }, i) => {
    const f = `returnItemDecisions[${i}]`;
    const item = r.items.find((it) => it.returnItemId === returnItemId);
    if (!item) throw badRequest(`${f}.returnItemId: item ${returnItemId} is not in return ${r.id}`, 'ITEM_NOT_FOUND');
    if (seen.has(returnItemId)) throw badRequest(`${f}.returnItemId: item ${returnItemId} has more than one decision`, 'ITEM_DUPLICATE');
    seen.add(returnItemId);
    const allowed = available.find((a) => a.decisionType === decision.decisionType);
    if (!allowed)
      throw badRequest(
        `${f}.decisionType: ${decision.decisionType} is not available for return ${r.id}; available: ${available.map((a) => a.decisionType).join(', ')}`,
      );
    if (decision.decisionType === 'DECLINE_REFUND') {
      if (!decision.decisionReasonType) throw badRequest(`${f}.decisionReasonType is required for DECLINE_REFUND`, 'DECLINE_REASON_ARE_REQUIRED_ERROR');
      if (!allowed.decisionReasonTypes?.includes(decision.decisionReasonType))
        throw badRequest(`${f}.decisionReasonType: ${decision.decisionReasonType} is not available; available: ${allowed.decisionReasonTypes?.join(', ')}`);
    } else if (decision.decisionReasonType) {
      throw badRequest(`${f}.decisionReasonType is allowed only with DECLINE_REFUND`);
    }
    if (decision.decisionType === 'PARTIAL_MONEY_REFUND') {
      const b = allowed.partialCompensationBounds;
      if (decision.compensation === undefined) throw badRequest(`${f}.compensation is required for PARTIAL_MONEY_REFUND`, 'MISSING_PARAM');
      const itemMax = percentOf(positionAmount(item), b?.maxPercent ?? 0);
      const max = Math.min(b?.maxAmount.value ?? 0, itemMax);
      if (b && (decision.compensation < b.minAmount.value || decision.compensation > max)) {
        throw badRequest(
          `${f}.compensation.value ${decision.compensation} is out of bounds: from ${b.minAmount.value} to ${max} RUR (at most ${b.maxPercent}% of the position's ${positionAmount(item)} RUR)`,
        );
      }
    } else if (decision.compensation !== undefined) {
      throw badRequest(`${f}.compensation is allowed only with PARTIAL_MONEY_REFUND`);
    }
  });
}

function applyDecisions(ctx: SandboxContext, r: ReturnRecord, decisions: { returnItemId: number; decision: ItemDecision }[]): void {
  for (const { returnItemId, decision } of decisions) {
    const item = r.items.find((i) => i.returnItemId === returnItemId);
    if (item) {
      item.decision = decision;
      item.pendingDecision = undefined;
    }
  }
  ctx.setStatus(r, decisionMadeStatus(r.program), ctx.now());
}

function logged(ctx: SandboxContext, req: Req, operationId: string, run: () => { r?: ReturnRecord; result: ApiResult }): ApiResult {
  let requestBody: unknown;
  try {
    requestBody = req.body.length ? JSON.parse(req.body.toString('utf8')) : null;
  } catch {
    requestBody = req.body.toString('utf8').slice(0, 10_000);
  }
  const entry = {
    time: new Date().toISOString(),
    sandboxTime: isoMsk(ctx.now()),
    operationId,
    method: req.method,
    path: req.path,
    campaignId: Number(req.params[0]) || undefined,
    orderId: Number(req.params[1]) || undefined,
    returnId: Number(req.params[2]) || undefined,
    statusCode: 0,
    requestBody,
    responseBody: undefined as unknown,
  };
  ctx.received.push(entry);
  try {
    const { result } = run();
    entry.statusCode = result.status;
    entry.responseBody = result.body;
    return result;
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(500, 'INTERNAL_ERROR', (e as Error).message);
    entry.statusCode = err.status;
    entry.responseBody = errorBody(err.code, err.message);
    throw e;
  }
}

function submitDecision(ctx: SandboxContext, req: Req): ApiResult {
  return logged(ctx, req, 'submitReturnDecision', () => {
    const r = locate(ctx, req);
    const parsed = parseJsonBody(req.body, false);
    let decisions: { returnItemId: number; decision: ItemDecision }[];
    if (
      parsed === undefined ||
      (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && (parsed as Record<string, unknown>).returnItemDecisions === undefined)
    ) {
      // No body: confirm what was chosen with the deprecated setReturnDecision.
      decisions = r.items.filter((i) => i.pendingDecision).map((i) => ({ returnItemId: i.returnItemId, decision: i.pendingDecision as ItemDecision }));
      if (decisions.length === 0) throw badRequest('Missing field: returnItemDecisions (no decision was chosen for this return)', 'MISSING_PARAM');
    } else {
      const body = asObject(parsed, 'body');
      decisions = arrayOf(body.returnItemDecisions, 'returnItemDecisions', (x, f) => parseItemDecision(x, f, true), { minItems: 1 }) ?? [];
    }
    validateDecisions(ctx, r, decisions);
    const covered = new Set(decisions.map((d) => d.returnItemId));
    for (const it of r.items)
      if (!covered.has(it.returnItemId) && it.pendingDecision) decisions.push({ returnItemId: it.returnItemId, decision: it.pendingDecision });
    const missing = r.items.filter((it) => !decisions.some((d) => d.returnItemId === it.returnItemId));
    if (missing.length)
      throw badRequest(`returnItemDecisions: no decision for item(s) ${missing.map((m) => m.returnItemId).join(', ')} of return ${r.id}`, 'MISSING_PARAM');
    applyDecisions(ctx, r, decisions);
    return { r, result: ok() };
  });
}

function setDecision(ctx: SandboxContext, req: Req): ApiResult {
  return logged(ctx, req, 'setReturnDecision', () => {
    const r = locate(ctx, req);
    // The OpenAPI tags setReturnDecision `dbs` only: other models decide through submitReturnDecision.
    if (r.program !== 'DBS')
      throw badRequest(
        `setReturnDecision is for DBS stores only; campaign ${r.campaignId} is ${r.program}: use POST …/decision/submit with returnItemDecisions`,
        'CAMPAIGN_TYPE_NOT_SUPPORTED',
      );
    const body = parseJsonBody(req.body, true);
    const d = parseItemDecision(body, 'body', false);
    validateDecisions(ctx, r, [d]);
    const item = r.items.find((i) => i.returnItemId === d.returnItemId);
    if (item) item.pendingDecision = d.decision;
    return { r, result: ok() };
  });
}

const C = '/v2/campaigns/([^/]+)/orders/([^/]+)/returns/([^/]+)';
export const returnRoutes: Route[] = [
  { method: 'GET', pattern: /^\/v2\/campaigns\/([^/]+)\/returns$/, operationId: 'getReturns', handler: getReturns },
  { method: 'GET', pattern: new RegExp(`^${C}$`), operationId: 'getReturn', handler: getReturn },
  { method: 'GET', pattern: new RegExp(`^${C}/application$`), operationId: 'getReturnApplication', handler: getApplication },
  { method: 'GET', pattern: new RegExp(`^${C}/decision/([^/]+)/image/([^/]+)$`), operationId: 'getReturnPhoto', handler: getPhoto },
  { method: 'POST', pattern: /^\/v1\/businesses\/([^/]+)\/returns\/decisions$/, operationId: 'getReturnAvailableDecisions', handler: getAvailableDecisions },
  { method: 'POST', pattern: new RegExp(`^${C}/decision/submit$`), operationId: 'submitReturnDecision', handler: submitDecision },
  { method: 'POST', pattern: new RegExp(`^${C}/decision$`), operationId: 'setReturnDecision', handler: setDecision },
];
