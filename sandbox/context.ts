// Shared state of one running sandbox, seen by every route module.
import { SandboxClock, isoMsk } from './clock.ts';
import { generateWorld, type World } from './data.ts';
import { Faults } from './faults.ts';
import { forbidden, notFound } from './http.ts';
import { Limiter } from './limits.ts';
import { createRng, type Rng } from './rng.ts';
import { autoConfirmedStatus, awaitingStatus, decisionDeadline } from './state-machine.ts';
import type { Business, Campaign, Report, ReturnRecord } from './types.ts';

export interface ReceivedDecision {
  time: string;
  sandboxTime: string;
  operationId: string;
  method: string;
  path: string;
  campaignId?: number;
  orderId?: number;
  returnId?: number;
  statusCode: number;
  requestBody: unknown;
  responseBody: unknown;
}

export interface PushDelivery {
  time: string;
  notificationType: string;
  payload: unknown;
  status?: number;
  error?: string;
}

export interface ContextOptions {
  seed: number;
  returns: number;
  startTime?: Date;
  /** The Market's clock ahead of (negative: behind) this machine's; ignored when startTime is given. */
  skewMs?: number;
  apiKey: string;
  otherApiKey: string;
  limitScale: number;
}

export class SandboxContext {
  readonly options: ContextOptions;
  clock: SandboxClock;
  world: World;
  rng: Rng;
  readonly limiter: Limiter;
  faults: Faults;
  received: ReceivedDecision[] = [];
  pushes: PushDelivery[] = [];
  pushUrl: string | undefined;
  reports = new Map<string, Report>();
  failNextReports = 0;
  files = new Map<string, { contentType: string; data: Buffer }>();
  stats = { total: 0, byOperation: {} as Record<string, number>, byStatus: {} as Record<string, number> };
  baseUrl = '';
  /** A scripted week (POST /_sandbox/soak), played on every request. */
  soak: { play(): void; playFaultWindows?(): void; requested?(operationId: string, path: string, query: URLSearchParams, now: number): void } | undefined;
  /** returns whose status can still change by the passage of time */
  private pending = new Set<ReturnRecord>();
  private byCampaign = new Map<number, ReturnRecord[]>();
  private sortedCache = new Map<number, ReturnRecord[]>();

  constructor(options: ContextOptions) {
    this.options = options;
    this.limiter = new Limiter(options.limitScale);
    this.clock = new SandboxClock(options.startTime, options.skewMs);
    this.rng = createRng(options.seed ^ 0x5eed);
    this.faults = new Faults(createRng(options.seed ^ 0xfa17));
    this.world = generateWorld({
      seed: options.seed,
      returns: options.returns,
      startTime: this.clock.startTime,
      apiKey: options.apiKey,
      otherApiKey: options.otherApiKey,
    });
    this.indexReturns();
  }

  reset(): void {
    this.clock = new SandboxClock(this.options.startTime, this.options.skewMs);
    this.rng = createRng(this.options.seed ^ 0x5eed);
    this.faults = new Faults(createRng(this.options.seed ^ 0xfa17));
    this.world = generateWorld({
      seed: this.options.seed,
      returns: this.options.returns,
      startTime: this.clock.startTime,
      apiKey: this.options.apiKey,
      otherApiKey: this.options.otherApiKey,
    });
    this.limiter.reset();
    this.limiter.scale = this.options.limitScale;
    this.received = [];
    this.pushes = [];
    this.pushUrl = undefined;
    this.reports.clear();
    this.failNextReports = 0;
    this.files.clear();
    this.soak = undefined;
    this.stats = { total: 0, byOperation: {}, byStatus: {} };
    this.indexReturns();
  }

  private indexReturns(): void {
    this.pending.clear();
    this.byCampaign.clear();
    this.sortedCache.clear();
    for (const r of this.world.returns.values()) this.track(r);
  }

  /** Registers a new or changed return with the indexes. */
  track(r: ReturnRecord): void {
    let list = this.byCampaign.get(r.campaignId);
    if (!list) this.byCampaign.set(r.campaignId, (list = []));
    if (!this.world.returns.has(r.id)) this.world.returns.set(r.id, r);
    if (!list.includes(r)) list.push(r);
    if (r.returnType === 'RETURN' && (r.refundStatus === 'STARTED_BY_USER' || r.refundStatus === awaitingStatus(r.program))) this.pending.add(r);
    else this.pending.delete(r);
    this.sortedCache.delete(r.campaignId);
  }

  now(): number {
    return this.clock.now();
  }

  /** Lets time act on returns: moderation ends, undecided returns are confirmed by the Market after 48 hours. */
  tick(): void {
    this.soak?.play();
    const now = this.now();
    for (const r of [...this.pending]) {
      if (r.refundStatus === 'STARTED_BY_USER' && now >= r.createdAt + r.moderationDelayMs) {
        this.setStatus(r, awaitingStatus(r.program), r.createdAt + r.moderationDelayMs, r.fastReturn ? undefined : 'CREATED');
      }
      if (r.refundStatus === awaitingStatus(r.program) && now >= decisionDeadline(r)) {
        r.autoConfirmed = true;
        this.setStatus(r, autoConfirmedStatus(r.program), decisionDeadline(r));
      }
    }
  }

  /**
   * Moves a return to `status` (and `shipmentStatus` when given) and notifies: the notification carries
   * "only the status that was changed", and for a non-purchase only `shipmentStatus` (sendNotification,
   * NotificationUpdatedReturnStatusesDTO); nothing changed, nothing sent.
   */
  setStatus(r: ReturnRecord, status: string | undefined, at: number, shipmentStatus?: string): void {
    const changed: Record<string, string> = {};
    if (r.returnType === 'RETURN' && status !== undefined && r.refundStatus !== status) {
      r.refundStatus = status;
      changed.refundStatus = status;
    }
    if (shipmentStatus !== undefined && r.shipmentStatus !== shipmentStatus) {
      r.shipmentStatus = shipmentStatus;
      changed.shipmentStatus = shipmentStatus;
    }
    r.updatedAt = Math.max(at, r.updatedAt);
    this.track(r);
    if (Object.keys(changed).length === 0) return;
    this.push('ORDER_RETURN_STATUS_UPDATED', {
      campaignId: r.campaignId,
      orderId: r.orderId,
      returnId: r.id,
      statuses: changed,
      updatedAt: isoMsk(r.updatedAt),
    });
  }

  sortedReturns(campaignId: number): ReturnRecord[] {
    let sorted = this.sortedCache.get(campaignId);
    if (!sorted) {
      sorted = [...(this.byCampaign.get(campaignId) ?? [])].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
      this.sortedCache.set(campaignId, sorted);
    }
    return sorted;
  }

  businessesOf(apiKey: string): Business[] {
    return this.world.businesses.filter((b) => b.apiKey === apiKey);
  }

  campaignsOf(apiKey: string): Campaign[] {
    const ids = new Set(this.businessesOf(apiKey).map((b) => b.id));
    return this.world.campaigns.filter((c) => ids.has(c.businessId));
  }

  isKnownKey(apiKey: string): boolean {
    return this.world.businesses.some((b) => b.apiKey === apiKey);
  }

  /** 404 for an unknown campaign, 403 for a campaign of another seller. */
  campaignFor(apiKey: string, campaignId: number): Campaign {
    const c = this.world.campaigns.find((x) => x.id === campaignId);
    if (!c) throw notFound(`Campaign ${campaignId} not found`);
    const b = this.world.businesses.find((x) => x.id === c.businessId);
    if (!b || b.apiKey !== apiKey) throw forbidden(`Access denied to campaign ${campaignId}`);
    return c;
  }

  businessFor(apiKey: string, businessId: number): Business {
    const b = this.world.businesses.find((x) => x.id === businessId);
    if (!b) throw notFound(`Business ${businessId} not found`);
    if (b.apiKey !== apiKey) throw forbidden(`Access denied to business ${businessId}`);
    return b;
  }

  business(id: number): Business {
    return this.world.businesses.find((b) => b.id === id) as Business;
  }

  returnFor(campaign: Campaign, orderId: number, returnId: number): ReturnRecord {
    const r = this.world.returns.get(returnId);
    if (!r || r.campaignId !== campaign.id || r.orderId !== orderId) throw notFound(`Return ${returnId} of order ${orderId} not found`);
    return r;
  }

  push(notificationType: string, payload: Record<string, unknown>): void {
    const url = this.pushUrl;
    if (!url) return;
    const body = { notificationType, ...payload };
    const delivery: PushDelivery = { time: new Date().toISOString(), notificationType, payload: body };
    this.pushes.push(delivery);
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        delivery.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((e: unknown) => {
        delivery.error = (e as Error).message;
      });
  }
}
