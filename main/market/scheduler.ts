import { createHash } from 'node:crypto';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { budgetFileMemory } from './budget-file.ts';
import { SchedulerStoppedError } from './errors.ts';

/** Who is waiting: decisions (outbox) first, then what the operator looks at, then polling, then prefetch. */
export type Priority = 'decision' | 'interactive' | 'poll' | 'background';
export const PRIORITIES: readonly Priority[] = ['decision', 'interactive', 'poll', 'background'];

export interface TimerOptions {
  /**
   * Someone awaits this timer (a retry, a queued request, a drain's deadline): it holds the process
   * open, so a one-shot command is not cut short. Background timers (polls, probes) do not.
   */
  keepAlive?: boolean;
}

/** Time and timers, injectable so tests need not wait for the wall clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number, options?: TimerOptions): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms, options) => {
    const handle = setTimeout(fn, ms);
    if (!options?.keepAlive) handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `clock` (or at once for ms <= 0); the caller awaits it, so it keeps the process alive. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      ms,
      { keepAlive: true },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface MethodLimit {
  /** Requests allowed per period. */
  amount: number;
  periodMs: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Hourly (or per-minute) budgets per method, from `x-resource-limit-config` of the official spec
 * (the `none`/`medium` tiers, which are equal for these methods). The server's X-RateLimit-Resource-*
 * headers override them at run time.
 */
export const RESOURCE_LIMITS: Readonly<Record<string, MethodLimit>> = {
  getCampaigns: { amount: 1000, periodMs: HOUR },
  getReturns: { amount: 5000, periodMs: HOUR },
  getReturn: { amount: 7000, periodMs: HOUR },
  getReturnApplication: { amount: 5000, periodMs: HOUR },
  getReturnPhoto: { amount: 5000, periodMs: HOUR },
  getReturnAvailableDecisions: { amount: 5000, periodMs: HOUR },
  submitReturnDecision: { amount: 5000, periodMs: HOUR },
  getBusinessOrders: { amount: 10000, periodMs: HOUR },
  getOfferMappings: { amount: 100, periodMs: MINUTE },
  createChat: { amount: 1000, periodMs: HOUR },
  getChats: { amount: 5000, periodMs: HOUR },
  getChat: { amount: 1000, periodMs: HOUR },
  getChatHistory: { amount: 10000, periodMs: HOUR },
  sendMessageToChat: { amount: 1000, periodMs: HOUR },
  generateUnitedReturnsReport: { amount: 1, periodMs: 2 * MINUTE },
  getReportInfo: { amount: 100, periodMs: MINUTE },
};

/** Share of a method's budget each priority must leave for the ones above it. */
const DEFAULT_RESERVE: Record<Priority, number> = { decision: 0, interactive: 0.02, poll: 0.1, background: 0.2 };

export interface BudgetState {
  limit: number;
  remaining: number;
  /** Epoch ms when the budget refills. */
  resetAt: number;
}

export interface SchedulerStats {
  inFlight: number;
  maxInFlightSeen: number;
  queued: Record<Priority, number>;
  started: number;
  pausedUntil: number;
  halted: boolean;
  budgets: Record<string, BudgetState>;
}

/**
 * Budget 420s outlive the process: the app may be restarted (or killed) inside the window a 420 closed,
 * and a new process that asked again would only earn another 420 in that window.
 */
export interface BudgetMemory {
  /** Methods whose budget a 420 spent, and until when (epoch ms of the scheduler's clock). */
  load(): Record<string, number>;
  save(spent: Record<string, number>): void;
}

export interface SchedulerOptions {
  /** Parallel requests per key; the Market allows 2 per login. */
  maxInFlight?: number;
  limits?: Readonly<Record<string, MethodLimit>>;
  reserve?: Partial<Record<Priority, number>>;
  clock?: Clock;
  logger?: Logger;
  /**
   * What we know of a method's budget is this old at most before a request of it goes alone: the budget is the
   * login's (limits.md: "from a single login"), so another integration may spend it between our polls, and two
   * requests sent together would then both be answered 420.
   */
  staleAfterMs?: number;
  memory?: BudgetMemory;
}

/** Shorter than the shortest poll interval (15 s): each poll's first request of a method learns the budget alone. */
export const STALE_BUDGET_MS = 10_000;

export interface RunOptions {
  signal?: AbortSignal;
  /** Reject instead of queueing when the method's budget reopens later than this from now. */
  maxWaitMs?: number;
  /** The error for a wait longer than maxWaitMs, given when the budget reopens (epoch ms). */
  tooLong?: (retryAt: number) => Error;
}

interface Task {
  method: string;
  priority: Priority;
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  maxWaitMs: number;
  tooLong: ((retryAt: number) => Error) | undefined;
}

/**
 * One scheduler per API key: at most `maxInFlight` requests at once, per-method budgets,
 * strict priority, a global pause after a parallel-limit 420, and a halt after 401/403.
 */
export class KeyScheduler {
  private readonly maxInFlight: number;
  private readonly limits: Readonly<Record<string, MethodLimit>>;
  private readonly reserve: Record<Priority, number>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly queues: Record<Priority, Task[]> = { decision: [], interactive: [], poll: [], background: [] };
  private readonly budgets = new Map<string, BudgetState>();
  /** Requests of each method in flight. */
  private readonly inFlightOf = new Map<string, number>();
  /** When an answer last told us the method's budget was not spent (our clock); none since its last 420. */
  private readonly answeredAt = new Map<string, number>();
  /** The end of the window each method's last 420 closed (told once, remembered once). */
  private readonly spentUntil = new Map<string, number>();
  private readonly staleAfterMs: number;
  private readonly memory: BudgetMemory | undefined;
  private inFlight = 0;
  private maxInFlightSeen = 0;
  private started = 0;
  private pausedUntil = 0;
  private haltedWith: Error | undefined;
  private wakeHandle: unknown;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(options: SchedulerOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.limits = options.limits ?? RESOURCE_LIMITS;
    this.reserve = { ...DEFAULT_RESERVE, ...options.reserve };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.staleAfterMs = options.staleAfterMs ?? STALE_BUDGET_MS;
    this.memory = options.memory;
    this.recall();
  }

  /** Runs `task` when a slot, the method's budget and the priority order allow. */
  run<T>(method: string, priority: Priority, task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const signal = options.signal;
    if (this.haltedWith) return Promise.reject(this.haltedWith);
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    return new Promise<T>((resolve, reject) => {
      const entry: Task = {
        method,
        priority,
        run: task,
        resolve: resolve as (value: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
        maxWaitMs: options.maxWaitMs ?? Number.POSITIVE_INFINITY,
        tooLong: options.tooLong,
      };
      if (signal) {
        entry.onAbort = () => {
          const queue = this.queues[priority];
          const index = queue.indexOf(entry);
          if (index >= 0) {
            queue.splice(index, 1);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          }
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queues[priority].push(entry);
      this.pump();
    });
  }

  /** Applies X-RateLimit-Resource-* headers of a response to the method's budget. */
  observeLimits(method: string, headers: { limit?: number; remaining?: number; until?: number }): void {
    const budget = this.budget(method);
    if (!budget) return;
    const now = this.clock.now();
    if (headers.limit !== undefined && headers.limit > 0) budget.limit = headers.limit;
    // A later Until means the server opened a new window: its count is the truth; otherwise keep the lower.
    const newWindow = headers.until !== undefined && headers.until > budget.resetAt + 1000;
    if (headers.remaining !== undefined && headers.remaining >= 0) {
      // The answer counted this request, not the others of the method still in flight (called while this one is).
      const remaining = Math.max(0, headers.remaining - Math.max(0, (this.inFlightOf.get(method) ?? 0) - 1));
      budget.remaining = newWindow ? remaining : Math.min(budget.remaining, remaining);
      if (headers.remaining > 0 && !(budget.remaining === 0 && budget.resetAt > now)) this.answeredAt.set(method, now);
    }
    if (headers.until !== undefined && headers.until > now) budget.resetAt = headers.until;
  }

  /**
   * A resource 420: nothing more for this method until `untilMs` — queued requests, retries, and a new process
   * (through `memory`). A 420 of a request that was already in flight changes nothing (never an earlier end).
   */
  exhaust(method: string, untilMs: number): void {
    const budget = this.budget(method) ?? this.ensureBudget(method);
    const now = this.clock.now();
    // The answer's headers (observeLimits) may have set the same end already; an earlier one never counts.
    const already = budget.remaining === 0 && budget.resetAt > now ? budget.resetAt : 0;
    budget.remaining = 0;
    budget.resetAt = Math.max(untilMs, now + 1, already);
    this.answeredAt.delete(method);
    if (this.spentUntil.get(method) === budget.resetAt) return;
    this.spentUntil.set(method, budget.resetAt);
    this.logger.warn('method budget exhausted', { method, until: new Date(budget.resetAt).toISOString() });
    this.remember();
  }

  /** A parallel-limit 420 (another app on the same login?): everyone waits until `untilMs`. */
  pauseAll(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /** Rejects queued and future work with `error` (a 401/403 or a key change). */
  halt(error: Error): void {
    this.haltedWith = error;
    for (const priority of PRIORITIES) {
      const queue = this.queues[priority].splice(0);
      for (const task of queue) {
        this.detach(task);
        task.reject(error);
      }
    }
    this.clearWake();
  }

  /** Accepts work again after a halt (a new key was entered). */
  resume(): void {
    this.haltedWith = undefined;
    this.pump();
  }

  get halted(): Error | undefined {
    return this.haltedWith;
  }

  /** Rejects every queued task (without halting) — e.g. when the app shuts down. */
  cancelQueued(reason = 'scheduler stopped'): void {
    for (const priority of PRIORITIES) {
      for (const task of this.queues[priority].splice(0)) {
        this.detach(task);
        task.reject(new SchedulerStoppedError(reason));
      }
    }
    this.clearWake();
  }

  /**
   * Requests of `method` that `priority` may still start in this budget window without eating into
   * the share kept for higher priorities (decisions, what the operator looks at).
   */
  spare(method: string, priority: Priority): number {
    const budget = this.budget(method);
    if (!budget) return Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    if (this.availableAt(method, priority, now) > now) return 0;
    return Math.max(0, budget.remaining - Math.floor(budget.limit * this.reserve[priority]));
  }

  stats(): SchedulerStats {
    const budgets: Record<string, BudgetState> = {};
    for (const [method, budget] of this.budgets) budgets[method] = { ...budget };
    return {
      inFlight: this.inFlight,
      maxInFlightSeen: this.maxInFlightSeen,
      queued: {
        decision: this.queues.decision.length,
        interactive: this.queues.interactive.length,
        poll: this.queues.poll.length,
        background: this.queues.background.length,
      },
      started: this.started,
      pausedUntil: this.pausedUntil,
      halted: this.haltedWith !== undefined,
      budgets,
    };
  }

  private budget(method: string): BudgetState | undefined {
    const existing = this.budgets.get(method);
    if (existing) return existing;
    if (!this.limits[method]) return undefined;
    return this.ensureBudget(method);
  }

  private ensureBudget(method: string): BudgetState {
    const limit = this.limits[method] ?? { amount: Number.MAX_SAFE_INTEGER, periodMs: HOUR };
    const state: BudgetState = { limit: limit.amount, remaining: limit.amount, resetAt: this.clock.now() + limit.periodMs };
    this.budgets.set(method, state);
    return state;
  }

  /** Epoch ms when `method` may run at `priority`; `now` or earlier means now. */
  private availableAt(method: string, priority: Priority, now: number): number {
    const budget = this.budget(method);
    if (!budget) return now;
    if (now >= budget.resetAt) {
      const period = this.limits[method]?.periodMs ?? HOUR;
      budget.remaining = budget.limit;
      budget.resetAt = now + period;
    }
    const floor = Math.floor(budget.limit * this.reserve[priority]);
    return budget.remaining > floor ? now : budget.resetAt;
  }

  private pump(): void {
    if (this.haltedWith) return;
    const now = this.clock.now();
    if (now < this.pausedUntil) {
      if (this.hasQueued()) this.wake(this.pausedUntil);
      return;
    }
    let earliestBlocked = Number.POSITIVE_INFINITY;
    while (this.inFlight < this.maxInFlight) {
      let picked: Task | undefined;
      for (const priority of PRIORITIES) {
        const queue = this.queues[priority];
        for (let i = 0; i < queue.length; i++) {
          const task = queue[i]!;
          const at = this.availableAt(task.method, priority, now);
          if (at <= now) {
            // Its budget not known to be open: one request asks alone; the others follow its answer (see start).
            if (this.mustGoAlone(task.method, now)) continue;
            picked = task;
            queue.splice(i, 1);
            break;
          }
          if (at - now > task.maxWaitMs) {
            // Waiting that long would freeze the caller; let it decide (the poller retries next tick).
            queue.splice(i, 1);
            i--;
            this.detach(task);
            task.reject(task.tooLong ? task.tooLong(at) : new Error(`${task.method}: budget exhausted until ${new Date(at).toISOString()}`));
            continue;
          }
          earliestBlocked = Math.min(earliestBlocked, at);
        }
        if (picked) break;
      }
      if (!picked) break;
      this.start(picked);
    }
    if (earliestBlocked < Number.POSITIVE_INFINITY && this.hasQueued()) this.wake(earliestBlocked);
  }

  private start(task: Task): void {
    this.detach(task);
    const budget = this.budget(task.method);
    if (budget) budget.remaining = Math.max(0, budget.remaining - 1);
    this.inFlightOf.set(task.method, (this.inFlightOf.get(task.method) ?? 0) + 1);
    this.inFlight++;
    this.started++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
    let promise: Promise<unknown>;
    try {
      promise = task.run();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        this.settled(task.method);
        // An answer without limit headers still says the budget was open.
        if (budget && !(budget.remaining === 0 && budget.resetAt > this.clock.now())) this.answeredAt.set(task.method, this.clock.now());
        task.resolve(value);
        this.pump();
      },
      (error: unknown) => {
        this.settled(task.method);
        task.reject(error);
        this.pump();
      },
    );
  }

  private settled(method: string): void {
    this.inFlight--;
    const n = (this.inFlightOf.get(method) ?? 1) - 1;
    if (n > 0) this.inFlightOf.set(method, n);
    else this.inFlightOf.delete(method);
  }

  /** Another request of the method is out and what we know of its budget is stale (or a 420 said it is spent). */
  private mustGoAlone(method: string, now: number): boolean {
    if ((this.inFlightOf.get(method) ?? 0) === 0 || !this.budget(method)) return false;
    const at = this.answeredAt.get(method);
    return at === undefined || now - at >= this.staleAfterMs;
  }

  /** Budgets a 420 spent before this process started (or before the key's scheduler was made again). */
  private recall(): void {
    if (!this.memory) return;
    let spent: Record<string, number>;
    try {
      spent = this.memory.load();
    } catch (error) {
      this.logger.warn('spent budgets could not be read; every method starts open', { error: (error as Error).message });
      return;
    }
    const now = this.clock.now();
    for (const [method, until] of Object.entries(spent)) {
      if (!(Number.isFinite(until) && until > now)) continue;
      const budget = this.budget(method) ?? this.ensureBudget(method);
      budget.remaining = 0;
      budget.resetAt = until;
      this.spentUntil.set(method, until);
      this.logger.info('method budget still spent from before', { method, until: new Date(until).toISOString() });
    }
  }

  private remember(): void {
    if (!this.memory) return;
    const now = this.clock.now();
    const spent: Record<string, number> = {};
    for (const [method, budget] of this.budgets) if (budget.remaining === 0 && budget.resetAt > now) spent[method] = budget.resetAt;
    try {
      this.memory.save(spent);
    } catch (error) {
      this.logger.warn('spent budgets could not be saved', { error: (error as Error).message });
    }
  }

  private detach(task: Task): void {
    if (task.signal && task.onAbort) task.signal.removeEventListener('abort', task.onAbort);
  }

  private hasQueued(): boolean {
    return PRIORITIES.some((priority) => this.queues[priority].length > 0);
  }

  private wake(at: number): void {
    if (at >= this.wakeAt && this.wakeHandle !== undefined) return;
    this.clearWake();
    this.wakeAt = at;
    // Set only while requests wait in the queue: their callers await them.
    this.wakeHandle = this.clock.setTimeout(
      () => {
        this.wakeHandle = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
      { keepAlive: true },
    );
  }

  private clearWake(): void {
    if (this.wakeHandle !== undefined) this.clock.clearTimeout(this.wakeHandle);
    this.wakeHandle = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }
}

const shared = new Map<string, KeyScheduler>();

/**
 * The one scheduler of a key at a base URL; every client of that key shares it. The key itself is not kept.
 * With `budgetFile`, budgets a 420 spent are kept there (and read back when the scheduler is made).
 */
export function sharedScheduler(baseUrl: string, apiKey: string, options?: SchedulerOptions & { budgetFile?: string }): KeyScheduler {
  const id = createHash('sha256').update(`${baseUrl}\u0000${apiKey}`).digest('hex');
  let scheduler = shared.get(id);
  if (!scheduler) {
    const { budgetFile, ...rest } = options ?? {};
    scheduler = new KeyScheduler(budgetFile ? { memory: budgetFileMemory(budgetFile, id.slice(0, 16)), ...rest } : rest);
    shared.set(id, scheduler);
  }
  return scheduler;
}

/** Forgets shared schedulers (after a key change, and between tests). */
export function resetSharedSchedulers(): void {
  for (const scheduler of shared.values()) scheduler.cancelQueued('API key changed');
  shared.clear();
}
