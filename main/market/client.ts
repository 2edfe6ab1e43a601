import type { AxiosInstance, AxiosResponse, RawAxiosResponseHeaders, AxiosResponseHeaders, CreateAxiosDefaults } from 'axios';
import type { z } from 'zod';
import { PRODUCTION_BASE_URL } from '../config.ts';
import type { Logger } from '../log.ts';
import { redact, silentLogger } from '../log.ts';
import { MarketError, MarketAuthError, marketError, type MarketErrorKind } from './errors.ts';
import {
  ApiEnvelope,
  BusinessOrderDTO,
  CampaignDTO,
  ChatDTO,
  ChatHistoryResult,
  ChatsResult,
  CreateChatResult,
  GenerateReportResult,
  LooseCampaignsPage,
  LooseOrdersPage,
  LooseReturnsPage,
  OfferMappingsResult,
  ReportInfoDTO,
  ReturnAvailableDecisionsResult,
  ReturnDTO,
  ReturnItemDecisionInput,
  describeIssues,
  readErrors,
} from './schemas.ts';
import { MarketTime } from './market-time.ts';
import { Reachability } from './reachability.ts';
import type { KeyScheduler } from './scheduler.ts';
import { sharedScheduler, sleepOn, systemClock, type Clock, type Priority } from './scheduler.ts';

export interface RetryPolicy {
  /** Attempts for transient failures (5xx, network, timeout) of reads, the first included. */
  attempts: number;
  /** Attempts after HTTP 420. */
  rateLimitAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 420 whose Until is further away than this fails at once with `rate-limited` (carrying retryAt). */
  maxRateLimitWaitMs: number;
  /** Pause of all work of the key after a parallel-limit 420 without an Until header. */
  parallelPauseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  rateLimitAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 5 * 60_000,
  parallelPauseMs: 1_000,
};

export interface MarketClientOptions {
  apiKey: string;
  /** Production by default; the sandbox's URL in demo mode and tests. */
  baseUrl?: string;
  logger?: Logger;
  /** Shared per key and base URL unless given. */
  scheduler?: KeyScheduler;
  clock?: Clock;
  /** Waits between retries; defaults to timers on `clock`. Rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random in [0, 1) for jitter. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Per request, for JSON methods. */
  timeoutMs?: number;
  /** Per request, for photos, applications and reports. */
  binaryTimeoutMs?: number;
  /** The Market's clock from the Date headers; one per client unless shared. */
  time?: MarketTime;
  /** Whether the Market answers; one per client unless shared. */
  reachability?: Reachability;
  /** Where the shared scheduler keeps the budgets a 420 spent, so a restarted app does not ask again in that window. */
  budgetFile?: string;
}

export interface ReturnFilters {
  orderIds?: number[];
  statuses?: string[];
  shipmentStatuses?: string[];
  type?: 'UNREDEEMED' | 'RETURN';
  /** YYYY-MM-DD, by update date. */
  fromDate?: string;
  toDate?: string;
}

/** A DTO the client could not read; surfaced, never dropped silently. */
export interface SkippedItem {
  id: string | null;
  reason: string;
  raw: unknown;
}

export interface ReturnsPage {
  returns: ReturnDTO[];
  skipped: SkippedItem[];
  nextPageToken: string | undefined;
  /** Bytes of the response body, for benchmarks. */
  bytes: number;
}

export interface OrdersPage {
  orders: BusinessOrderDTO[];
  skipped: SkippedItem[];
  nextPageToken: string | undefined;
}

export interface CampaignsResult {
  campaigns: CampaignDTO[];
  skipped: SkippedItem[];
}

export interface BinaryResult {
  data: Buffer;
  contentType: string;
}

export interface CallOptions {
  priority?: Priority;
  signal?: AbortSignal;
  /** How long the call may wait for its method's budget (ours or the server's 420); 0: now or a `rate-limited` error. */
  maxBudgetWaitMs?: number;
}

interface Call {
  method: string;
  httpMethod: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | boolean | readonly (string | number)[] | undefined>;
  body?: unknown;
  /** Safe to repeat after an unknown outcome (reads, including POST reads). */
  idempotent: boolean;
  binary?: boolean;
  /** Absolute URL outside the API (report files): no Api-Key unless it is the API's own origin. */
  absoluteUrl?: string;
  priority: Priority;
  signal?: AbortSignal;
  maxBudgetWaitMs?: number;
}

interface RawResult {
  status: number;
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'EHOSTUNREACH', 'ENETUNREACH']);
const MAX_BODY = 60 * 1024 * 1024;
const MAX_RAW_SKIP = 64 * 1024;

/** axios and Node's HTTP stack load with the first request, not at start-up: web mode answers its first page before any call. */
let axiosLoading: Promise<(defaults: CreateAxiosDefaults) => AxiosInstance> | null = null;
function loadAxios(): Promise<(defaults: CreateAxiosDefaults) => AxiosInstance> {
  axiosLoading ??= import('axios').then((module) => (defaults) => module.default.create(defaults));
  return axiosLoading;
}

/** The Yandex Market Partner API, for one API key. */
export class MarketClient {
  readonly baseUrl: string;
  readonly scheduler: KeyScheduler;
  /** The Market's clock as its Date headers show it. */
  readonly time: MarketTime;
  /** Online as soon as any request succeeds; offline when requests reach nobody. */
  readonly reachability: Reachability;
  // True private fields: the key and the keyed axios instance never show in inspect/JSON output.
  readonly #apiKey: string;
  #http: Promise<AxiosInstance> | null = null;
  /** For files on other hosts (report downloads): never carries the key. */
  private bareHttp: Promise<AxiosInstance> | null = null;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly binaryTimeoutMs: number;
  private requestCount = 0;

  constructor(options: MarketClientOptions) {
    if (!options.apiKey || !options.apiKey.trim()) throw new Error('apiKey is required: a non-empty Market API key');
    this.#apiKey = options.apiKey.trim();
    this.baseUrl = (options.baseUrl ?? PRODUCTION_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'market' });
    this.scheduler =
      options.scheduler ?? sharedScheduler(this.baseUrl, this.#apiKey, { clock: this.clock, logger: this.logger, budgetFile: options.budgetFile });
    this.sleep = options.sleep ?? ((ms, signal) => sleepOn(this.clock, ms, signal));
    this.random = options.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.binaryTimeoutMs = options.binaryTimeoutMs ?? 120_000;
    this.time = options.time ?? new MarketTime({ clock: this.clock });
    this.reachability = options.reachability ?? new Reachability();
  }

  /** The keyed instance for the API's own origin, or the bare one for files elsewhere; made on first use. */
  private http(sameOrigin: boolean): Promise<AxiosInstance> {
    if (sameOrigin) {
      this.#http ??= loadAxios().then((create) =>
        create({
          baseURL: this.baseUrl,
          headers: { 'Api-Key': this.#apiKey, Accept: 'application/json' },
          responseType: 'arraybuffer',
          validateStatus: () => true,
          maxContentLength: MAX_BODY,
          maxRedirects: 0,
          transformResponse: [(data: unknown) => data],
        }),
      );
      return this.#http;
    }
    this.bareHttp ??= loadAxios().then((create) =>
      create({
        responseType: 'arraybuffer',
        validateStatus: () => true,
        maxContentLength: MAX_BODY,
        maxRedirects: 3,
        transformResponse: [(data: unknown) => data],
      }),
    );
    return this.bareHttp;
  }

  /** Requests sent by this client (attempts, retries included). */
  get requestsMade(): number {
    return this.requestCount;
  }

  // ------------------------------------------------------------ campaigns

  /** GET v2/campaigns, every page. */
  async listCampaigns(options: CallOptions = {}): Promise<CampaignsResult> {
    const campaigns: CampaignDTO[] = [];
    const skipped: SkippedItem[] = [];
    let pageToken: string | undefined;
    const seenTokens = new Set<string>();
    for (let page = 0; page < 1000; page++) {
      const body = await this.json({
        method: 'getCampaigns',
        httpMethod: 'GET',
        path: '/v2/campaigns',
        query: { pageToken, limit: 100 },
        idempotent: true,
        priority: options.priority ?? 'poll',
        signal: options.signal,
      });
      const parsed = LooseCampaignsPage.safeParse(unwrapResult(body));
      if (!parsed.success) throw this.malformed('getCampaigns', describeIssues(parsed.error));
      for (const raw of parsed.data.campaigns) {
        const one = CampaignDTO.safeParse(raw);
        if (one.success) campaigns.push(one.data);
        else skipped.push(this.skip('getCampaigns', 'campaign', raw, describeIssues(one.error)));
      }
      pageToken = parsed.data.paging?.nextPageToken ?? undefined;
      if (!pageToken || seenTokens.has(pageToken) || parsed.data.campaigns.length === 0) break;
      seenTokens.add(pageToken);
    }
    return { campaigns, skipped };
  }

  // ------------------------------------------------------------ returns

  /** GET v2/campaigns/{campaignId}/returns — one page; each return parsed on its own. */
  async listReturns(campaignId: number, filters: ReturnFilters = {}, pageToken?: string, limit = 100, options: CallOptions = {}): Promise<ReturnsPage> {
    const raw = await this.raw({
      method: 'getReturns',
      httpMethod: 'GET',
      path: `/v2/campaigns/${id(campaignId, 'campaignId')}/returns`,
      query: {
        pageToken,
        limit: Math.min(Math.max(1, Math.floor(limit)), 100),
        orderIds: filters.orderIds,
        statuses: filters.statuses,
        shipmentStatuses: filters.shipmentStatuses,
        type: filters.type,
        fromDate: filters.fromDate,
        toDate: filters.toDate,
      },
      idempotent: true,
      priority: options.priority ?? 'poll',
      signal: options.signal,
    });
    const parsed = LooseReturnsPage.safeParse(this.resultOf('getReturns', raw));
    if (!parsed.success) throw this.malformed('getReturns', describeIssues(parsed.error));
    const page = this.parseReturns(parsed.data.returns);
    return { ...page, nextPageToken: parsed.data.paging?.nextPageToken || undefined, bytes: raw.body.length };
  }

  /** Parses each return on its own; a bad one becomes a skip with its id and the rule it broke. */
  parseReturns(items: readonly unknown[]): { returns: ReturnDTO[]; skipped: SkippedItem[] } {
    const returns: ReturnDTO[] = [];
    const skipped: SkippedItem[] = [];
    for (const item of items) {
      const one = ReturnDTO.safeParse(item);
      if (one.success) returns.push(one.data);
      else skipped.push(this.skip('getReturns', 'return', item, describeIssues(one.error)));
    }
    return { returns, skipped };
  }

  /** GET v2/campaigns/{campaignId}/orders/{orderId}/returns/{returnId}. */
  async getReturn(campaignId: number, orderId: number, returnId: number, options: CallOptions = {}): Promise<ReturnDTO> {
    const body = await this.json({
      method: 'getReturn',
      httpMethod: 'GET',
      path: `${returnPath(campaignId, orderId, returnId)}`,
      idempotent: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
    return this.parse('getReturn', ReturnDTO, unwrapResult(body));
  }

  /** GET …/returns/{returnId}/application — the buyer's application (PDF). */
  async getReturnApplication(campaignId: number, orderId: number, returnId: number, options: CallOptions = {}): Promise<BinaryResult> {
    return this.binary({
      method: 'getReturnApplication',
      httpMethod: 'GET',
      path: `${returnPath(campaignId, orderId, returnId)}/application`,
      idempotent: true,
      binary: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
  }

  /** GET …/returns/{returnId}/decision/{itemId}/image/{imageHash} — JPEG or PNG, as the Content-Type says. */
  async getReturnPhoto(
    campaignId: number,
    orderId: number,
    returnId: number,
    itemId: number,
    imageHash: string,
    options: CallOptions = {},
  ): Promise<BinaryResult> {
    if (!/^[A-Za-z0-9._-]{1,256}$/.test(imageHash)) throw new Error('imageHash must be 1-256 letters, digits, dots, dashes or underscores');
    return this.binary({
      method: 'getReturnPhoto',
      httpMethod: 'GET',
      path: `${returnPath(campaignId, orderId, returnId)}/decision/${id(itemId, 'itemId')}/image/${encodeURIComponent(imageHash)}`,
      idempotent: true,
      binary: true,
      priority: options.priority ?? 'background',
      signal: options.signal,
    });
  }

  /** POST v1/businesses/{businessId}/returns/decisions — what may be decided for one return (the spec takes one returnId). */
  async getAvailableDecisions(businessId: number, campaignId: number, returnId: number, options: CallOptions = {}): Promise<ReturnAvailableDecisionsResult> {
    const body = await this.json({
      method: 'getReturnAvailableDecisions',
      httpMethod: 'POST',
      path: `/v1/businesses/${id(businessId, 'businessId')}/returns/decisions`,
      body: { campaignId: id(campaignId, 'campaignId'), returnId: id(returnId, 'returnId') },
      idempotent: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
      maxBudgetWaitMs: options.maxBudgetWaitMs,
    });
    return this.parse('getReturnAvailableDecisions', ReturnAvailableDecisionsResult, unwrapResult(body));
  }

  /** Available decisions for several returns (the method takes one return per request). */
  async getAvailableDecisionsMany(
    businessId: number,
    campaignId: number,
    returnIds: readonly number[],
    options: CallOptions = {},
  ): Promise<Map<number, ReturnAvailableDecisionsResult>> {
    const ids = unique(returnIds);
    const results = await Promise.all(ids.map((returnId) => this.getAvailableDecisions(businessId, campaignId, returnId, options)));
    return new Map(ids.map((returnId, i) => [returnId, results[i]!]));
  }

  /**
   * POST …/returns/{returnId}/decision/submit. Never retried after the request may have reached the
   * server: such failures raise `unknown-outcome` and the outbox reconciles by re-reading the return.
   */
  async submitReturnDecision(
    campaignId: number,
    orderId: number,
    returnId: number,
    returnItemDecisions: ReturnItemDecisionInput[],
    options: CallOptions = {},
  ): Promise<void> {
    if (returnItemDecisions.length === 0) throw new Error('returnItemDecisions must hold at least one decision');
    const decisions = returnItemDecisions.map((decision, index) => {
      const parsed = ReturnItemDecisionInput.safeParse(decision);
      if (!parsed.success) throw new Error(`returnItemDecisions[${index}] is invalid: ${describeIssues(parsed.error)}`);
      return parsed.data;
    });
    await this.json({
      method: 'submitReturnDecision',
      httpMethod: 'POST',
      path: `${returnPath(campaignId, orderId, returnId)}/decision/submit`,
      body: { returnItemDecisions: decisions },
      idempotent: false,
      priority: options.priority ?? 'decision',
      signal: options.signal,
    });
  }

  // ------------------------------------------------------------ orders and offers

  /** POST v1/businesses/{businessId}/orders — one page (≤ 50 orders, ≤ 50 ids per filter). */
  async getBusinessOrders(
    businessId: number,
    filter: { orderIds?: number[]; campaignIds?: number[] },
    pageToken?: string,
    options: CallOptions = {},
  ): Promise<OrdersPage> {
    if (filter.orderIds && filter.orderIds.length > 50) throw new Error('orderIds must hold at most 50 ids');
    if (filter.campaignIds && filter.campaignIds.length > 50) throw new Error('campaignIds must hold at most 50 ids');
    const body = await this.json({
      method: 'getBusinessOrders',
      httpMethod: 'POST',
      path: `/v1/businesses/${id(businessId, 'businessId')}/orders`,
      query: { pageToken, limit: 50 },
      body: {
        ...(filter.orderIds?.length ? { orderIds: unique(filter.orderIds) } : {}),
        ...(filter.campaignIds?.length ? { campaignIds: unique(filter.campaignIds) } : {}),
      },
      idempotent: true,
      priority: options.priority ?? 'poll',
      signal: options.signal,
    });
    const parsed = LooseOrdersPage.safeParse(unwrapResult(body));
    if (!parsed.success) throw this.malformed('getBusinessOrders', describeIssues(parsed.error));
    const orders: BusinessOrderDTO[] = [];
    const skipped: SkippedItem[] = [];
    for (const raw of parsed.data.orders) {
      const one = BusinessOrderDTO.safeParse(raw);
      if (one.success) orders.push(one.data);
      else skipped.push(this.skip('getBusinessOrders', 'order', raw, describeIssues(one.error), 'orderId'));
    }
    return { orders, skipped, nextPageToken: parsed.data.paging?.nextPageToken || undefined };
  }

  /** POST v2/businesses/{businessId}/offer-mappings — product cards (pictures) by offer id (≤ 100). */
  async getOfferMappings(businessId: number, offerIds: string[], pageToken?: string, options: CallOptions = {}): Promise<OfferMappingsResult> {
    if (offerIds.length === 0 || offerIds.length > 100) throw new Error('offerIds must hold 1 to 100 ids');
    const body = await this.json({
      method: 'getOfferMappings',
      httpMethod: 'POST',
      path: `/v2/businesses/${id(businessId, 'businessId')}/offer-mappings`,
      query: { pageToken, limit: 100 },
      body: { offerIds: unique(offerIds) },
      idempotent: true,
      priority: options.priority ?? 'background',
      signal: options.signal,
    });
    return this.parse('getOfferMappings', OfferMappingsResult, unwrapResult(body));
  }

  // ------------------------------------------------------------ chats

  /** POST v2/businesses/{businessId}/chats/new — a chat about an order or a return. */
  async createChat(businessId: number, context: { type: 'ORDER' | 'RETURN'; id: number }, options: CallOptions = {}): Promise<number> {
    const body = await this.json({
      method: 'createChat',
      httpMethod: 'POST',
      path: `/v2/businesses/${id(businessId, 'businessId')}/chats/new`,
      body: { context: { type: context.type, id: id(context.id, 'context.id') } },
      idempotent: false,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
    return this.parse('createChat', CreateChatResult, unwrapResult(body)).chatId;
  }

  /** POST v2/businesses/{businessId}/chats — one page of chats. */
  async listChats(
    businessId: number,
    filter: {
      contexts?: Array<{ type: 'ORDER' | 'RETURN'; id: number }>;
      contextTypes?: Array<'ORDER' | 'RETURN' | 'DIRECT'>;
      statuses?: string[];
      types?: string[];
    } = {},
    pageToken?: string,
    options: CallOptions = {},
  ): Promise<ChatsResult> {
    const body = await this.json({
      method: 'getChats',
      httpMethod: 'POST',
      path: `/v2/businesses/${id(businessId, 'businessId')}/chats`,
      query: { pageToken, limit: 20 },
      body: {
        ...(filter.contexts?.length ? { contexts: filter.contexts } : {}),
        ...(filter.contextTypes?.length ? { contextTypes: filter.contextTypes } : {}),
        ...(filter.statuses?.length ? { statuses: filter.statuses } : {}),
        ...(filter.types?.length ? { types: filter.types } : {}),
      },
      idempotent: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
    return this.parse('getChats', ChatsResult, unwrapResult(body));
  }

  /** GET v2/businesses/{businessId}/chat?chatId=… — one chat, whatever its status. */
  async getChat(businessId: number, chatId: number, options: CallOptions = {}): Promise<ChatDTO> {
    const body = await this.json({
      method: 'getChat',
      httpMethod: 'GET',
      path: `/v2/businesses/${id(businessId, 'businessId')}/chat`,
      query: { chatId: id(chatId, 'chatId') },
      idempotent: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
    return this.parse('getChat', ChatDTO, unwrapResult(body));
  }

  /** POST v2/businesses/{businessId}/chats/history?chatId=… — one page of messages. */
  async getChatHistory(businessId: number, chatId: number, messageIdFrom?: number, pageToken?: string, options: CallOptions = {}): Promise<ChatHistoryResult> {
    const body = await this.json({
      method: 'getChatHistory',
      httpMethod: 'POST',
      path: `/v2/businesses/${id(businessId, 'businessId')}/chats/history`,
      query: { chatId: id(chatId, 'chatId'), pageToken, limit: 100 },
      body: messageIdFrom ? { messageIdFrom } : {},
      idempotent: true,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
    return this.parse('getChatHistory', ChatHistoryResult, unwrapResult(body));
  }

  /** POST v2/businesses/{businessId}/chats/message?chatId=… — not retried after an unknown outcome. */
  async sendChatMessage(businessId: number, chatId: number, message: string, options: CallOptions = {}): Promise<void> {
    if (message.length < 1 || message.length > 4096) throw new Error('message must be 1 to 4096 characters');
    await this.json({
      method: 'sendMessageToChat',
      httpMethod: 'POST',
      path: `/v2/businesses/${id(businessId, 'businessId')}/chats/message`,
      query: { chatId: id(chatId, 'chatId') },
      body: { message },
      idempotent: false,
      priority: options.priority ?? 'interactive',
      signal: options.signal,
    });
  }

  // ------------------------------------------------------------ united returns report

  /** POST v2/reports/united-returns/generate. */
  async generateReturnsReport(
    request: {
      businessId: number;
      dateFrom: string;
      dateTo: string;
      campaignIds?: number[];
      returnType?: 'UNREDEEMED' | 'RETURN';
      returnStatusTypes?: string[];
    },
    format: 'FILE' | 'CSV' | 'JSON' = 'FILE',
    options: CallOptions = {},
  ): Promise<{ reportId: string; estimatedGenerationTime: number | undefined }> {
    const body = await this.json({
      method: 'generateUnitedReturnsReport',
      httpMethod: 'POST',
      path: '/v2/reports/united-returns/generate',
      query: { format },
      body: {
        businessId: id(request.businessId, 'businessId'),
        dateFrom: isoDay(request.dateFrom, 'dateFrom'),
        dateTo: isoDay(request.dateTo, 'dateTo'),
        ...(request.campaignIds?.length ? { campaignIds: request.campaignIds } : {}),
        ...(request.returnType ? { returnType: request.returnType } : {}),
        // Shipment statuses of the returns to include (ReturnShipmentStatusType).
        ...(request.returnStatusTypes?.length ? { returnStatusTypes: request.returnStatusTypes } : {}),
      },
      idempotent: false,
      priority: options.priority ?? 'background',
      signal: options.signal,
    });
    const result = this.parse('generateUnitedReturnsReport', GenerateReportResult, unwrapResult(body));
    return { reportId: result.reportId, estimatedGenerationTime: result.estimatedGenerationTime ?? undefined };
  }

  /** GET v2/reports/info/{reportId}. */
  async getReportInfo(reportId: string, options: CallOptions = {}): Promise<ReportInfoDTO> {
    const body = await this.json({
      method: 'getReportInfo',
      httpMethod: 'GET',
      path: `/v2/reports/info/${encodeURIComponent(reportId)}`,
      idempotent: true,
      priority: options.priority ?? 'background',
      signal: options.signal,
    });
    return this.parse('getReportInfo', ReportInfoDTO, unwrapResult(body));
  }

  /** Downloads a ready report's `file` URL; the key is sent only to the API's own origin. */
  async downloadReport(fileUrl: string, options: CallOptions = {}): Promise<BinaryResult> {
    let url: URL;
    try {
      url = new URL(fileUrl, this.baseUrl);
    } catch {
      throw new Error('fileUrl must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('fileUrl must be an http(s) URL');
    return this.binary({
      method: 'downloadReport',
      httpMethod: 'GET',
      path: '',
      absoluteUrl: url.toString(),
      idempotent: true,
      binary: true,
      priority: options.priority ?? 'background',
      signal: options.signal,
    });
  }

  // ------------------------------------------------------------ transport

  private async json(call: Call): Promise<unknown> {
    return this.resultBody(call.method, await this.raw(call));
  }

  /** The decoded JSON body; a 200 with `status: "ERROR"` is a server error. */
  private resultBody(method: string, raw: RawResult): unknown {
    const body = this.decodeJson(method, raw);
    const envelope = ApiEnvelope.safeParse(body);
    if (envelope.success && envelope.data.status === 'ERROR') {
      throw marketError({ kind: 'server', method, status: raw.status, serverMessage: this.errorText(body), codes: readErrors(body).map((e) => e.code) });
    }
    return body;
  }

  private resultOf(method: string, raw: RawResult): unknown {
    return unwrapResult(this.resultBody(method, raw));
  }

  private async binary(call: Call): Promise<BinaryResult> {
    const raw = await this.raw(call);
    if (/json/i.test(raw.contentType)) {
      // A JSON body where a file was expected: an error envelope or drift.
      const body = this.decodeJson(call.method, raw);
      throw marketError({ kind: 'malformed', method: call.method, status: raw.status, serverMessage: this.errorText(body) ?? 'JSON instead of a file' });
    }
    if (raw.body.length === 0) throw this.malformed(call.method, 'empty file', raw.status);
    return { data: raw.body, contentType: raw.contentType.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream' };
  }

  private decodeJson(method: string, raw: RawResult): unknown {
    if (!/json/i.test(raw.contentType)) {
      this.reachability.failed('garbage', this.clock.now());
      throw this.malformed(method, `expected JSON, got Content-Type "${raw.contentType || 'none'}"`, raw.status);
    }
    try {
      return JSON.parse(raw.body.toString('utf8'));
    } catch (error) {
      this.reachability.failed('garbage', this.clock.now());
      throw this.malformed(method, `unreadable JSON (${(error as Error).message})`, raw.status);
    }
  }

  /** One call with retries; every attempt waits its turn in the key's scheduler. */
  private async raw(call: Call): Promise<RawResult> {
    let transientAttempts = 0;
    let rateLimitAttempts = 0;
    const maxBudgetWaitMs = call.maxBudgetWaitMs ?? this.retry.maxRateLimitWaitMs;
    for (;;) {
      try {
        return await this.scheduler.run(call.method, call.priority, () => this.attempt(call), {
          signal: call.signal,
          maxWaitMs: maxBudgetWaitMs,
          tooLong: (retryAt) =>
            marketError({ kind: 'rate-limited', method: call.method, retryAt, message: 'The hourly request budget of this method is spent.' }),
        });
      } catch (error) {
        if (!(error instanceof MarketError)) throw error;
        if (call.signal?.aborted) throw error;
        if (error instanceof MarketAuthError) {
          this.scheduler.halt(error);
          throw error;
        }
        if (error.kind === 'rate-limited') {
          rateLimitAttempts++;
          const waitMs = (error.retryAt ?? 0) - this.clock.now();
          if (rateLimitAttempts >= this.retry.rateLimitAttempts || waitMs > maxBudgetWaitMs) throw error;
          // The scheduler holds the work until retryAt; a short backoff spreads the retries.
          await this.sleep(this.backoff(rateLimitAttempts, 100), call.signal);
          continue;
        }
        const transient = error.kind === 'server' || error.kind === 'network' || error.kind === 'timeout' || error.kind === 'malformed';
        if (!transient) throw error;
        const neverSent = error.kind === 'network' && error.causeCode !== undefined && NOT_SENT.has(error.causeCode);
        if (!call.idempotent && !neverSent) {
          throw marketError({
            kind: 'unknown-outcome',
            method: call.method,
            status: error.status,
            serverMessage: error.serverMessage,
            codes: error.codes,
            cause: error.causeCode ?? error.kind,
          });
        }
        transientAttempts++;
        if (transientAttempts >= this.retry.attempts) throw error;
        const delay = this.backoff(transientAttempts, this.retry.baseDelayMs);
        this.logger.info('retrying market call', { method: call.method, kind: error.kind, status: error.status, attempt: transientAttempts, delayMs: delay });
        await this.sleep(delay, call.signal);
      }
    }
  }

  /** Exponential backoff with full jitter, capped. */
  private backoff(attempt: number, base: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempt(call: Call): Promise<RawResult> {
    const started = this.clock.now();
    this.requestCount++;
    let response: AxiosResponse<ArrayBuffer | Buffer>;
    const sameOrigin = !call.absoluteUrl || new URL(call.absoluteUrl).origin === new URL(this.baseUrl).origin;
    // Outside the try: an HTTP library that cannot load is a broken installation, not an unreachable Market.
    const http = await this.http(sameOrigin);
    try {
      response = await http.request<Buffer>({
        method: call.httpMethod,
        url: call.absoluteUrl ?? call.path,
        headers: {
          ...(call.httpMethod === 'POST' ? { 'Content-Type': 'application/json' } : {}),
          ...(call.binary ? { Accept: '*/*' } : {}),
        },
        params: call.query ? cleanQuery(call.query) : undefined,
        paramsSerializer: { serialize: serializeQuery },
        data: call.httpMethod === 'POST' ? JSON.stringify(call.body ?? {}) : undefined,
        timeout: call.binary ? this.binaryTimeoutMs : this.timeoutMs,
        signal: call.signal,
      });
    } catch (error) {
      const failure = this.transportError(call.method, error);
      if (sameOrigin && failure.causeCode !== 'ERR_CANCELED')
        this.reachability.failed(failure.kind === 'malformed' ? 'garbage' : 'unreachable', this.clock.now());
      throw failure;
    }
    const body = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? new ArrayBuffer(0));
    const headers = flatHeaders(response.headers);
    const contentType = headers['content-type'] ?? '';
    const status = response.status;
    if (sameOrigin) this.observeAnswer(started, status, headers);
    this.observeLimitHeaders(call.method, headers);
    this.logger.debug('market call', {
      method: call.method,
      path: call.absoluteUrl ? 'report file' : call.path,
      status,
      ms: this.clock.now() - started,
      bytes: body.length,
      priority: call.priority,
    });
    if (status >= 200 && status < 300) return { status, body, contentType, headers };
    const error = this.statusError(call.method, status, body, contentType, headers);
    // Halt before the scheduler starts the next queued request of this key.
    if (error instanceof MarketAuthError) this.scheduler.halt(error);
    throw error;
  }

  private statusError(method: string, status: number, body: Buffer, contentType: string, headers: Record<string, string>): MarketError {
    let parsed: unknown;
    if (/json/i.test(contentType)) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    const serverMessage = this.errorText(parsed) ?? this.safeText(body.toString('utf8').slice(0, 500).trim());
    const codes = readErrors(parsed).map((e) => e.code);
    const base = { method, status, serverMessage: serverMessage || undefined, codes };
    if (status === 401) return marketError({ ...base, kind: 'auth' });
    if (status === 403) return marketError({ ...base, kind: 'forbidden' });
    if (status === 404) return marketError({ ...base, kind: 'not-found' });
    if (status === 420 || status === 429) {
      const until = this.localTime(parseHttpDate(headers['x-ratelimit-resource-until']));
      const now = this.clock.now();
      const parallel = /parallel/i.test(serverMessage ?? '');
      let retryAt: number;
      if (parallel) {
        retryAt = until ?? now + this.retry.parallelPauseMs;
        this.scheduler.pauseAll(retryAt);
      } else {
        retryAt = until ?? now + 60_000;
        this.scheduler.exhaust(method, retryAt);
      }
      this.logger.warn('rate limited', { method, status, until: new Date(retryAt).toISOString(), parallel });
      return marketError({ ...base, kind: 'rate-limited', retryAt });
    }
    if (status >= 500) return marketError({ ...base, kind: 'server' });
    const kind: MarketErrorKind = 'bad-request';
    return marketError({ ...base, kind });
  }

  private transportError(method: string, error: unknown): MarketError {
    const e = error as { code?: string; message?: string; name?: string };
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (e.name === 'CanceledError' || code === 'ERR_CANCELED') {
      return marketError({ kind: 'network', method, cause: 'ERR_CANCELED', message: 'The request was cancelled.' });
    }
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) {
      return marketError({ kind: 'timeout', method, cause: code ?? 'ETIMEDOUT' });
    }
    if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/i.test(e.message ?? '')) {
      return marketError({ kind: 'malformed', method, cause: code, serverMessage: 'response larger than allowed' });
    }
    // Only the code leaves this function: the axios error holds the request headers, key included.
    return marketError({ kind: 'network', method, cause: code ?? 'ERR_NETWORK' });
  }

  /** The Market's clock and whether it answers, from one answer of the API's own origin. */
  private observeAnswer(sentAt: number, status: number, headers: Record<string, string>): void {
    const now = this.clock.now();
    this.time.observe(sentAt, now, headers.date);
    if (status === 420 || status === 429) this.reachability.failed('rate-limited', now);
    else if (status === 401 || status === 403) this.reachability.failed('auth', now);
    else if (status >= 500) this.reachability.failed('server-error', now);
    else this.reachability.ok(now);
  }

  /** The Market writes limit times on its clock; the scheduler waits on ours. */
  private localTime(marketMs: number | undefined): number | undefined {
    return marketMs === undefined ? undefined : this.time.toLocal(marketMs);
  }

  private observeLimitHeaders(method: string, headers: Record<string, string>): void {
    const limit = toNumber(headers['x-ratelimit-resource-limit']);
    const remaining = toNumber(headers['x-ratelimit-resource-remaining']);
    const until = this.localTime(parseHttpDate(headers['x-ratelimit-resource-until']));
    if (limit === undefined && remaining === undefined && until === undefined) return;
    this.scheduler.observeLimits(method, { limit, remaining, until });
  }

  private errorText(body: unknown): string | undefined {
    const errors = readErrors(body);
    if (errors.length === 0) return undefined;
    return this.safeText(errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; '));
  }

  /** Server text may be echoed anywhere; the key never is. */
  private safeText(text: string): string {
    return redact(text, [this.#apiKey]);
  }

  private malformed(method: string, detail: string, status?: number): MarketError {
    return marketError({ kind: 'malformed', method, status, serverMessage: this.safeText(detail) });
  }

  private parse<T>(method: string, schema: z.ZodType<T>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw this.malformed(method, describeIssues(parsed.error));
    return parsed.data;
  }

  private skip(method: string, what: string, raw: unknown, reason: string, idField = 'id'): SkippedItem {
    const rawId = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[idField] : undefined;
    const idText = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : null;
    this.logger.warn(`${what} skipped: unreadable`, { method, id: idText, reason });
    let kept: unknown = raw;
    try {
      if (JSON.stringify(raw).length > MAX_RAW_SKIP) kept = { truncated: true };
    } catch {
      kept = { unserializable: true };
    }
    return { id: idText, reason, raw: kept };
  }
}

/** The envelope's `result` when there is one; some methods (getCampaigns, getBusinessOrders) answer without it. */
function unwrapResult(body: unknown): unknown {
  if (body && typeof body === 'object' && 'result' in body) return (body as { result: unknown }).result;
  return body;
}

function id(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function isoDay(value: string, name: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`${name} must be a date as YYYY-MM-DD`);
  return value;
}

function returnPath(campaignId: number, orderId: number, returnId: number): string {
  return `/v2/campaigns/${id(campaignId, 'campaignId')}/orders/${id(orderId, 'orderId')}/returns/${id(returnId, 'returnId')}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function cleanQuery(query: NonNullable<Call['query']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) out[key] = value.join(',');
    } else out[key] = String(value);
  }
  return out;
}

/** Arrays go comma-separated, as the Market expects (`statuses=A,B`). */
function serializeQuery(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function flatHeaders(headers: RawAxiosResponseHeaders | AxiosResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** RFC 822/1123 (or ISO) date → epoch ms. */
function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
