// Reports (united returns) and the catalogue (offer mappings).
import { isoMsk, mskDayStart } from '../clock.ts';
import type { SandboxContext } from '../context.ts';
import {
  arrayOf,
  asObject,
  badRequest,
  dateParam,
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
  type ApiResult,
} from '../http.ts';
import type { Req, Route } from '../server.ts';
import { RETURN_TYPES, SHIPMENT_STATUSES } from './returns.ts';

const isNum = (k: unknown): k is number => Number.isInteger(k);

function generate(ctx: SandboxContext, req: Req): ApiResult {
  const format = enumValue(req.query.get('format') ?? undefined, 'format', ['FILE', 'CSV', 'JSON']) ?? 'FILE';
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const businessId = int64(body.businessId, 'businessId', { min: 1, required: true }) as number;
  ctx.businessFor(req.apiKey, businessId);
  const dateFrom = dateParam(str(body.dateFrom, 'dateFrom', { required: true }), 'dateFrom') as string;
  const dateTo = dateParam(str(body.dateTo, 'dateTo', { required: true }), 'dateTo') as string;
  if (dateFrom > dateTo) throw badRequest('dateFrom must not be later than dateTo');
  const campaignIds = arrayOf(body.campaignIds, 'campaignIds', (x, f) => int64(x, f, { min: 1, required: true }) as number, { minItems: 1, unique: true });
  const returnType = enumValue(body.returnType, 'returnType', RETURN_TYPES);
  const returnStatusTypes = arrayOf(body.returnStatusTypes, 'returnStatusTypes', (x, f) => enumValue(x, f, SHIPMENT_STATUSES, true) as string, {
    minItems: 1,
    unique: true,
  });
  const reportId = `sandbox-united-returns-${ctx.rng.hex(16)}`;
  const fail = ctx.failNextReports > 0;
  if (fail) ctx.failNextReports--;
  ctx.reports.set(reportId, {
    reportId,
    businessId,
    apiKey: req.apiKey,
    requestedAt: ctx.now(),
    polls: 0,
    fail,
    format: format === 'JSON' ? 'JSON' : 'CSV',
    request: { dateFrom, dateTo, campaignIds, returnType, returnStatusTypes },
  });
  return ok({ reportId, estimatedGenerationTime: 3000 });
}

function reportRows(ctx: SandboxContext, reportId: string): Record<string, string | number>[] {
  const rep = ctx.reports.get(reportId);
  if (!rep) return [];
  const from = mskDayStart(rep.request.dateFrom);
  const to = mskDayStart(rep.request.dateTo) + 86400_000;
  const rows: Record<string, string | number>[] = [];
  for (const r of ctx.world.returns.values()) {
    if (r.businessId !== rep.businessId || r.createdAt < from || r.createdAt >= to) continue;
    if (rep.request.campaignIds && !rep.request.campaignIds.includes(r.campaignId)) continue;
    if (rep.request.returnType && r.returnType !== rep.request.returnType) continue;
    if (rep.request.returnStatusTypes && !(r.shipmentStatus && rep.request.returnStatusTypes.includes(r.shipmentStatus))) continue;
    for (const it of r.items) {
      rows.push({
        campaignId: r.campaignId,
        orderId: r.orderId,
        returnId: r.id,
        returnType: r.returnType,
        createdAt: isoMsk(r.createdAt),
        refundStatus: r.refundStatus ?? '',
        shipmentStatus: r.shipmentStatus ?? '',
        offerId: it.offerId,
        count: it.count,
        amountRub: it.unitValue * it.count,
        reason: it.reasonType ?? '',
      });
    }
  }
  return rows;
}

function info(ctx: SandboxContext, req: Req): ApiResult {
  const id = req.params[0] as string;
  if (id.length > 255) throw badRequest('Length of reportId must be less than or equal to 255');
  const rep = ctx.reports.get(id);
  if (!rep) throw notFound(`Report ${id} not found`);
  if (rep.apiKey !== req.apiKey) throw notFound(`Report ${id} not found`);
  rep.polls++;
  const elapsed = ctx.now() - rep.requestedAt;
  // PENDING on the first poll, PROCESSING on the second, finished from the third poll or after 5 sandbox seconds.
  const done = rep.polls >= 3 || elapsed >= 5000;
  const base = { generationRequestedAt: isoMsk(rep.requestedAt) };
  if (!done) return ok({ ...base, status: rep.polls === 1 ? 'PENDING' : 'PROCESSING', estimatedGenerationTime: 3000 });
  rep.finishedAt ??= ctx.now();
  if (rep.fail) return ok({ ...base, status: 'FAILED', generationFinishedAt: isoMsk(rep.finishedAt) });
  const rows = reportRows(ctx, id);
  const key = `reports/${id}.${rep.format === 'JSON' ? 'json' : 'csv'}`;
  if (!ctx.files.has(key)) {
    if (rep.format === 'JSON') ctx.files.set(key, { contentType: 'application/json', data: Buffer.from(JSON.stringify(rows)) });
    else {
      const cols = [
        'campaignId',
        'orderId',
        'returnId',
        'returnType',
        'createdAt',
        'refundStatus',
        'shipmentStatus',
        'offerId',
        'count',
        'amountRub',
        'reason',
      ];
      const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => `"${String(r[c] ?? '').replace(/"/g, '""')}"`).join(','))];
      ctx.files.set(key, { contentType: 'text/csv; charset=utf-8', data: Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n') });
    }
  }
  return ok({
    ...base,
    status: 'DONE',
    ...(rows.length === 0 ? { subStatus: 'NO_DATA' } : {}),
    generationFinishedAt: isoMsk(rep.finishedAt),
    file: `${ctx.baseUrl}/_files/${key}`,
  });
}

function offerMappings(ctx: SandboxContext, req: Req): ApiResult {
  const business = ctx.businessFor(
    req.apiKey,
    Number(/^\d+$/.test(req.params[0] ?? '') ? req.params[0] : NaN) ||
      (() => {
        throw badRequest('Path parameter businessId must be a positive integer');
      })(),
  );
  const limit = queryInt(req.query, 'limit', { min: 1, max: 100, truncate: true }) ?? 50;
  enumValue(req.query.get('language') ?? undefined, 'language', ['RU', 'UZ']);
  const parsed = parseJsonBody(req.body, false);
  const body = parsed === undefined ? {} : asObject(parsed, 'body');
  const offerIds = arrayOf(body.offerIds, 'offerIds', (x, f) => str(x, f, { required: true, minLength: 1, maxLength: 255 }) as string, {
    minItems: 1,
    maxItems: 100,
    unique: true,
  });
  const vendorNames = arrayOf(body.vendorNames, 'vendorNames', (x, f) => str(x, f, { required: true }) as string, { minItems: 1, unique: true });
  const catalog = ctx.world.catalogs.get(business.id) ?? [];
  const cursor = decodeToken(pageTokenParam(req.query), isNum);
  const filtered = catalog
    .map((p, i) => ({ p, i }))
    .filter(
      ({ p, i }) => (cursor === undefined || i > cursor) && (!offerIds || offerIds.includes(p.offerId)) && (!vendorNames || vendorNames.includes(p.vendor)),
    );
  const page = filtered.slice(0, limit);
  const last = page[page.length - 1];
  return ok({
    paging: filtered.length > limit && last ? { nextPageToken: encodeToken(last.i) } : {},
    offerMappings: page.map(({ p }) => ({
      offer: {
        offerId: p.offerId,
        name: p.name,
        marketCategoryId: p.categoryId,
        category: p.category,
        pictures: [`${ctx.baseUrl}/_files/pictures/${encodeURIComponent(p.offerId)}.jpg`],
        vendor: p.vendor,
        vendorCode: p.offerId,
        basicPrice: { value: p.price, currencyId: 'RUR', updatedAt: isoMsk(ctx.clock.startTime) },
        cardStatus: 'HAS_CARD_CAN_UPDATE',
        archived: false,
      },
      mapping: { marketSku: p.marketSku, marketSkuName: p.name, marketModelName: p.name, marketCategoryId: p.categoryId, marketCategoryName: p.category },
    })),
  });
}

export const miscRoutes: Route[] = [
  { method: 'POST', pattern: /^\/v2\/reports\/united-returns\/generate$/, operationId: 'generateUnitedReturnsReport', handler: generate },
  { method: 'GET', pattern: /^\/v2\/reports\/info\/([^/]+)$/, operationId: 'getReportInfo', handler: info },
  { method: 'POST', pattern: /^\/v2\/businesses\/([^/]+)\/offer-mappings$/, operationId: 'getOfferMappings', handler: offerMappings },
];
