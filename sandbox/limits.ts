// The Market's limits: 2 parallel requests per key, and a budget per method and period (x-resource-limit-config).
import { ApiError } from './http.ts';

/** `none` tier of x-resource-limit-config in the OpenAPI snapshot of 2026-07-17. */
export const RESOURCE_LIMITS: Record<string, { amount: number; periodMs: number }> = {
  getCampaigns: { amount: 1000, periodMs: 3600_000 },
  getCampaign: { amount: 5000, periodMs: 3600_000 },
  getReturns: { amount: 5000, periodMs: 3600_000 },
  getReturn: { amount: 7000, periodMs: 3600_000 },
  getReturnApplication: { amount: 5000, periodMs: 3600_000 },
  getReturnPhoto: { amount: 5000, periodMs: 3600_000 },
  getReturnAvailableDecisions: { amount: 5000, periodMs: 3600_000 },
  submitReturnDecision: { amount: 5000, periodMs: 3600_000 },
  setReturnDecision: { amount: 1000, periodMs: 3600_000 },
  getBusinessOrders: { amount: 10000, periodMs: 3600_000 },
  getOrder: { amount: 10000, periodMs: 3600_000 },
  getOrders: { amount: 10000, periodMs: 3600_000 },
  createChat: { amount: 1000, periodMs: 3600_000 },
  getChats: { amount: 5000, periodMs: 3600_000 },
  getChat: { amount: 1000, periodMs: 3600_000 },
  getChatHistory: { amount: 10000, periodMs: 3600_000 },
  sendMessageToChat: { amount: 1000, periodMs: 3600_000 },
  getChatMessage: { amount: 1000, periodMs: 3600_000 },
  sendFileToChat: { amount: 1000, periodMs: 3600_000 },
  generateUnitedReturnsReport: { amount: 1, periodMs: 2 * 60_000 },
  getReportInfo: { amount: 100, periodMs: 60_000 },
  getOfferMappings: { amount: 100, periodMs: 60_000 },
};

export const PARALLEL_LIMIT = 2;

interface Window {
  start: number;
  used: number;
}

export class Limiter {
  scale: number;
  private readonly windows = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  count420 = 0;
  /** Parallel slots another client of the same key holds (a scheduled fault): fewer are left for the caller. */
  reservedSlots = 0;
  /** Share of requests (0–1) that find every slot taken by that other client while it holds one: a 420 whatever the caller does. */
  contention = 0;
  private contended = 0;
  /** 420s by cause: the parallel limit, or a spent budget. */
  readonly count420By = { parallel: 0, budget: 0 };
  /** Budget 420s per method and window: more than one in a window is a client that ignored the first. */
  readonly budget420ByWindow = new Map<string, number>();
  /** When each of those 420s was answered (sandbox ms), per method and window. */
  readonly budget420Times = new Map<string, number[]>();
  /** Requests served per method per hour of the sandbox clock (hour start → method → count). */
  readonly hourly = new Map<number, Record<string, number>>();

  constructor(scale = 1) {
    this.scale = scale;
  }

  budget(operationId: string): { amount: number; periodMs: number } | undefined {
    const base = RESOURCE_LIMITS[operationId];
    if (!base) return undefined;
    return { amount: Math.max(1, Math.floor(base.amount * this.scale)), periodMs: base.periodMs };
  }

  /** Claims one of the parallel slots; throws 420 when the key already has two requests in flight. */
  enter(apiKey: string): void {
    const n = (this.inFlight.get(apiKey) ?? 0) + 1;
    // Every 1/contention-th request while another client holds a slot finds both taken (deterministic, so a seed repeats).
    const crowded = this.reservedSlots > 0 && this.contention > 0 && ++this.contended % Math.max(1, Math.round(1 / this.contention)) === 0;
    if (crowded || n + this.reservedSlots > PARALLEL_LIMIT) {
      this.count420++;
      this.count420By.parallel++;
      throw new ApiError(420, 'LIMIT_EXCEEDED', `Hit rate limit of ${PARALLEL_LIMIT} parallel requests`);
    }
    this.inFlight.set(apiKey, n);
    if (n > (this.maxInFlight.get(apiKey) ?? 0)) this.maxInFlight.set(apiKey, n);
  }

  leave(apiKey: string): void {
    const n = (this.inFlight.get(apiKey) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(apiKey);
    else this.inFlight.set(apiKey, n);
  }

  /** Spends one unit of the method's budget at sandbox time `now`; returns the X-RateLimit-* headers. */
  consume(apiKey: string, operationId: string, now: number): Record<string, string> {
    const b = this.budget(operationId);
    if (!b) return {};
    const key = `${apiKey}\u0000${operationId}`;
    const windowStart = Math.floor(now / b.periodMs) * b.periodMs;
    let w = this.windows.get(key);
    if (!w || w.start !== windowStart) {
      w = { start: windowStart, used: 0 };
      this.windows.set(key, w);
    }
    const until = new Date(windowStart + b.periodMs).toUTCString();
    if (w.used >= b.amount) {
      this.count420++;
      this.count420By.budget++;
      const windowKey = `${operationId}@${windowStart}`;
      this.budget420ByWindow.set(windowKey, (this.budget420ByWindow.get(windowKey) ?? 0) + 1);
      this.budget420Times.set(windowKey, [...(this.budget420Times.get(windowKey) ?? []), now]);
      const headers = { 'X-RateLimit-Resource-Limit': String(b.amount), 'X-RateLimit-Resource-Remaining': '0', 'X-RateLimit-Resource-Until': until };
      const period = b.periodMs >= 3600_000 ? `${b.periodMs / 3600_000} hour` : `${b.periodMs / 60_000} minute`;
      throw new ApiError(420, 'LIMIT_EXCEEDED', `Hit rate limit of ${b.amount} requests per ${period} for resource ${operationId}`, headers);
    }
    w.used++;
    const hour = Math.floor(now / 3600_000) * 3600_000;
    const perHour = this.hourly.get(hour) ?? {};
    perHour[operationId] = (perHour[operationId] ?? 0) + 1;
    this.hourly.set(hour, perHour);
    return { 'X-RateLimit-Resource-Limit': String(b.amount), 'X-RateLimit-Resource-Remaining': String(b.amount - w.used), 'X-RateLimit-Resource-Until': until };
  }

  reset(): void {
    this.windows.clear();
    this.maxInFlight.clear();
    this.count420 = 0;
    this.reservedSlots = 0;
    this.contention = 0;
    this.contended = 0;
    this.count420By.parallel = 0;
    this.count420By.budget = 0;
    this.budget420ByWindow.clear();
    this.budget420Times.clear();
    this.hourly.clear();
  }

  /** Another client of the key spent these methods' budgets in the current window: the caller's next request is a 420. */
  spend(apiKey: string, operationIds: readonly string[], now: number): void {
    for (const op of operationIds) {
      const b = this.budget(op);
      if (!b) continue;
      this.windows.set(`${apiKey}\u0000${op}`, { start: Math.floor(now / b.periodMs) * b.periodMs, used: b.amount });
    }
  }

  /** Forgets how much of each window was used (a new budget scale), keeping the counters. */
  resetUsage(): void {
    this.windows.clear();
  }
}
