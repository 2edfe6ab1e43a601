// A scripted week at the Market (POST /_sandbox/soak): returns arriving at a daytime-peaked rate, buyers who
// write in the chat, disputes after decisions, and faults switched on and off on a schedule, all on the
// sandbox clock and played lazily as requests arrive, so an accelerated clock needs no driver in step.
import { isoMsk } from './clock.ts';
import type { SandboxContext } from './context.ts';
import { FAULT_TYPES } from './faults.ts';
import { arrayOf, asObject, badRequest, enumValue, int64 } from './http.ts';
import { createRng, type Rng } from './rng.ts';
import { createReturnFrom, endDispute, postChatMessage, startDispute } from './routes/admin.ts';
import type { ReturnRecord } from './types.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MSK = 3 * HOUR;

/** Relative arrival weight per Moscow hour: quiet at night, a peak from late morning to evening. */
const HOUR_WEIGHTS = [0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.2, 1.5, 1.7, 1.8, 1.8, 1.7, 1.6, 1.6, 1.7, 1.8, 1.8, 1.5, 1.1, 0.7, 0.4];

export const SCHEDULED_FAULT_TYPES = [...FAULT_TYPES, 'budget', 'parallel'] as const;
type ScheduledType = (typeof SCHEDULED_FAULT_TYPES)[number];

export interface ScheduledFault {
  type: ScheduledType;
  /** Sandbox time (epoch ms) the window opens and closes. */
  from: number;
  to: number;
  path?: string;
  rate?: number;
  /** `latency`: the delay on the sandbox clock (the real delay is this over the clock's rate when the window opens). */
  latencyMs?: number;
  status?: number;
  /** `budget`: every hourly budget multiplied by this during the window (usage starts afresh). */
  scale?: number;
}

export interface Arrival {
  at: number;
  campaignId: number;
  type: 'RETURN' | 'UNREDEEMED';
  fastReturn: boolean;
  items: number;
  /** Buyer chat messages (sandbox times); FBY/FBS only. */
  chatAt: number[];
  /** Hours after the seller's decision that the buyer disputes it (FBY/FBS returns only), or null. */
  disputeAfterMs: number | null;
  returnId?: number;
}

interface Shares {
  unredeemed: number;
  fast: number;
  multiItem: number;
  chat: number;
  dispute: number;
}

export interface SoakScriptReport {
  startedAt: string;
  endsAt: string;
  arrivals: Array<{ at: string; returnId: number | null; campaignId: number; type: string; items: number }>;
  chatMessages: number;
  disputesStarted: number;
  disputesFinished: number;
  /** Returns the Market confirmed on its own at the 48-hour deadline, among every return of the world. */
  autoConfirmed: Array<{ returnId: number; deadline: string }>;
  faults: Array<ScheduledFault & { state: 'waiting' | 'on' | 'over' }>;
  /** Per store (campaign id): sandbox times its listing by status reached the Market. */
  polls: Record<string, number[]>;
}

export class SoakScript {
  readonly startedAt: number;
  readonly endsAt: number;
  readonly arrivals: Arrival[];
  readonly faults: Array<ScheduledFault & { state: 'waiting' | 'on' | 'over'; ids: number[]; previousScale?: number }>;
  private readonly ctx: SandboxContext;
  private readonly rng: Rng;
  private nextArrival = 0;
  private readonly byReturn = new Map<number, Arrival>();
  private chatMessages = 0;
  private disputesStarted = 0;
  private disputesFinished = 0;
  private readonly disputed = new Map<number, number>();
  private playing = false;
  /** When each store's listing by status (getReturns with `statuses`, first page) reached the Market: the client's fast poll as the Market sees it. */
  private readonly polls = new Map<number, number[]>();

  constructor(ctx: SandboxContext, body: unknown) {
    const b = asObject(body, 'body');
    const seed = int64(b.seed, 'seed', { min: 0 }) ?? ctx.options.seed;
    const days = Number(b.days ?? 7);
    if (!(days > 0 && days <= 60)) throw badRequest('days must be a number from 0 (exclusive) to 60');
    const perDay = int64(b.perDay, 'perDay', { min: 0 }) ?? 200;
    if (perDay > 5000) throw badRequest('perDay must be at most 5000');
    const s = asObject(b.shares ?? {}, 'shares');
    const share = (name: keyof Shares, fallback: number): number => {
      const v = s[name] === undefined ? fallback : Number(s[name]);
      if (!(v >= 0 && v <= 1)) throw badRequest(`shares.${name} must be a number from 0 to 1`);
      return v;
    };
    const shares: Shares = {
      unredeemed: share('unredeemed', 0.3),
      fast: share('fast', 0.1),
      multiItem: share('multiItem', 0.2),
      chat: share('chat', 0.25),
      dispute: share('dispute', 0.15),
    };
    const mine = ctx.campaignsOf(ctx.options.apiKey);
    const campaignIds =
      arrayOf(b.campaignIds, 'campaignIds', (x, f) => int64(x, f, { min: 1, required: true }) as number) ??
      // One store of each model: FBS (not the Express one), FBY, DBS.
      (['FBS', 'FBY', 'DBS'] as const)
        .map((program) => mine.find((c) => c.program === program && !/express/i.test(c.domain ?? ''))?.id ?? mine.find((c) => c.program === program)?.id)
        .filter((id): id is number => id !== undefined);
    for (const id of campaignIds) if (!mine.some((c) => c.id === id)) throw badRequest(`campaignIds: ${id} is not a store of the demo key`);
    if (campaignIds.length === 0) throw badRequest('campaignIds: no store to send returns to');
    this.ctx = ctx;
    this.rng = createRng(seed ^ 0x50a4);
    this.startedAt = ctx.now();
    this.endsAt = this.startedAt + days * DAY;
    this.arrivals = this.scheduleArrivals(days, perDay, shares, campaignIds);
    this.faults = (arrayOf(b.faults, 'faults', (x, f) => this.parseFault(x, f)) ?? []).map((f) => ({ ...f, state: 'waiting' as const, ids: [] }));
  }

  private parseFault(x: unknown, f: string): ScheduledFault {
    const o = asObject(x, f);
    const type = enumValue(o.type, `${f}.type`, SCHEDULED_FAULT_TYPES, true) as ScheduledType;
    const from = int64(o.from, `${f}.from`, { required: true }) as number;
    const to = int64(o.to, `${f}.to`, { required: true }) as number;
    if (to <= from) throw badRequest(`${f}.to must be after ${f}.from`);
    const scale = o.scale === undefined ? undefined : Number(o.scale);
    if (type === 'budget' && !(scale !== undefined && scale > 0 && scale <= 1))
      throw badRequest(`${f}.scale must be a number from 0 (exclusive) to 1 for a budget window`);
    const spec = { ...o, from: undefined, to: undefined, scale: undefined };
    // The fault itself is checked as POST /_sandbox/faults checks it (then taken out again).
    if (type !== 'budget' && type !== 'parallel') this.ctx.faults.remove(this.ctx.faults.add(spec).map((added) => added.id));
    return {
      type,
      from,
      to,
      ...(typeof o.path === 'string' ? { path: o.path } : {}),
      ...(o.rate !== undefined ? { rate: Number(o.rate) } : {}),
      ...(o.latencyMs !== undefined ? { latencyMs: Number(o.latencyMs) } : {}),
      ...(o.status !== undefined ? { status: Number(o.status) } : {}),
      ...(scale !== undefined ? { scale } : {}),
    };
  }

  private scheduleArrivals(days: number, perDay: number, shares: Shares, campaignIds: number[]): Arrival[] {
    const rng = this.rng;
    const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
    const out: Arrival[] = [];
    const dayCount = Math.ceil(days);
    for (let day = 0; day < dayCount; day++) {
      // About perDay a day (±15 %), spread by the hour weights of the Moscow day.
      const n = Math.round(perDay * (0.85 + 0.3 * rng.next()));
      for (let i = 0; i < n; i++) {
        let pick = rng.next() * total;
        let hour = 0;
        while (hour < 23 && pick >= HOUR_WEIGHTS[hour]!) pick -= HOUR_WEIGHTS[hour++]!;
        const mskMidnight = Math.floor((this.startedAt + MSK) / DAY) * DAY - MSK + day * DAY;
        // Whole seconds, as the Market writes its dates.
        const at = mskMidnight + hour * HOUR + Math.floor(rng.next() * 3600) * 1000;
        if (at < this.startedAt || at >= this.endsAt) continue;
        const campaignId = rng.pick(campaignIds);
        const program = this.ctx.world.campaigns.find((c) => c.id === campaignId)?.program;
        const type = rng.chance(shares.unredeemed) ? 'UNREDEEMED' : 'RETURN';
        const chats = program !== 'DBS' && type === 'RETURN' && rng.chance(shares.chat) ? rng.int(1, 3) : 0;
        out.push({
          at,
          campaignId,
          type,
          fastReturn: type === 'RETURN' && rng.chance(shares.fast),
          items: rng.chance(shares.multiItem) ? rng.int(2, 3) : 1,
          chatAt: Array.from({ length: chats }, () => at + rng.int(5, 40 * 60) * 60_000).sort((a, b) => a - b),
          disputeAfterMs: program !== 'DBS' && type === 'RETURN' && rng.chance(shares.dispute) ? rng.int(1, 30) * HOUR : null,
        });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** A request reached the Market (before any fault): a first page of returns by status is a poll. */
  requested(operationId: string, path: string, query: URLSearchParams, now: number): void {
    if (operationId !== 'getReturns' || !query.has('statuses') || query.has('pageToken') || query.has('page_token')) return;
    const campaignId = Number(/campaigns\/(\d+)/.exec(path)?.[1]);
    if (!Number.isFinite(campaignId)) return;
    const times = this.polls.get(campaignId) ?? [];
    times.push(now);
    this.polls.set(campaignId, times);
  }

  /** Per store: the last poll and the gap before it (sandbox ms), for a driver that paces the clock. */
  pollState(): { now: number; stores: Array<{ campaignId: number; polls: number; last: number | null; lastGap: number | null }> } {
    return {
      now: this.ctx.now(),
      stores: [...this.polls].map(([campaignId, times]) => ({
        campaignId,
        polls: times.length,
        last: times.at(-1) ?? null,
        lastGap: times.length > 1 ? times.at(-1)! - times.at(-2)! : null,
      })),
    };
  }

  /** Plays everything due by the sandbox's now: arrivals, buyer messages, disputes, fault windows. */
  play(): void {
    if (this.playing) return;
    this.playing = true;
    try {
      const now = this.ctx.now();
      this.playFaults(now);
      while (this.nextArrival < this.arrivals.length && this.arrivals[this.nextArrival]!.at <= now) {
        const a = this.arrivals[this.nextArrival++]!;
        const r = createReturnFrom(this.ctx, {
          campaignId: a.campaignId,
          type: a.type,
          createdAt: isoMsk(a.at),
          fastReturn: a.fastReturn,
          items: Array.from({ length: a.items }, (_, k) => ({ count: 1 + ((a.at + k) % 2), photos: 1 })),
        });
        a.returnId = r.id;
        this.byReturn.set(r.id, a);
      }
      this.playBuyers(now);
    } finally {
      this.playing = false;
    }
  }

  /** Opens and closes the fault windows due by the sandbox's now (cheap: every request asks, before any fault). */
  playFaultWindows(): void {
    this.playFaults(this.ctx.now());
  }

  private playBuyers(now: number): void {
    for (const [returnId, a] of this.byReturn) {
      const r = this.ctx.world.returns.get(returnId);
      if (!r) continue;
      while (a.chatAt.length > 0 && a.chatAt[0]! <= now) {
        a.chatAt.shift();
        postChatMessage(this.ctx, r, this.rng.pick(BUYER_LINES), 'CUSTOMER', 'CHAT');
        this.chatMessages++;
      }
      this.playDispute(r, a, now);
    }
  }

  private playDispute(r: ReturnRecord, a: Arrival, now: number): void {
    if (a.disputeAfterMs === null) return;
    const opened = this.disputed.get(r.id);
    if (opened === undefined && r.refundStatus === 'PREMODERATION_DECISION_MADE' && !r.autoConfirmed && now >= r.updatedAt + a.disputeAfterMs) {
      startDispute(this.ctx, r);
      this.disputed.set(r.id, now);
      this.disputesStarted++;
    } else if (opened !== undefined && r.refundStatus === 'PREMODERATION_DISPUTE' && now >= opened + DAY) {
      endDispute(this.ctx, r, this.rng.chance(0.5) ? 'REFUND_IN_PROGRESS' : 'REJECTED');
      this.disputesFinished++;
    }
  }

  private playFaults(now: number): void {
    const { faults, limiter } = this.ctx;
    for (const f of this.faults) {
      if (f.state === 'waiting' && now >= f.from && now < f.to) {
        f.state = 'on';
        if (f.type === 'budget') {
          f.previousScale = limiter.scale;
          limiter.scale = f.scale ?? 0.01;
          limiter.resetUsage();
          // Another integration of the cabinet read heavily: the sync's methods are spent for this hour already.
          limiter.spend(this.ctx.options.apiKey, SPENT_IN_BUDGET_WINDOW, now);
        } else if (f.type === 'parallel') {
          limiter.reservedSlots++;
          limiter.contention = f.rate ?? 0.25;
        } else {
          // A slow answer is slow on the Market's clock: at 1500× a 60 ms delay would be a 90 s answer.
          const latencyMs = f.latencyMs === undefined ? undefined : Math.max(1, Math.round(f.latencyMs / this.ctx.clock.rate));
          f.ids = faults.add({ type: f.type, path: f.path, rate: f.rate, latencyMs, status: f.status }).map((x) => x.id);
        }
      }
      if (f.state !== 'over' && now >= f.to) {
        if (f.state === 'on') {
          if (f.type === 'budget') {
            limiter.scale = f.previousScale ?? 1;
            limiter.resetUsage();
          } else if (f.type === 'parallel') {
            limiter.reservedSlots = Math.max(0, limiter.reservedSlots - 1);
            if (limiter.reservedSlots === 0) limiter.contention = 0;
          } else faults.remove(f.ids);
        }
        f.state = 'over';
      }
    }
  }

  report(): SoakScriptReport {
    const autoConfirmed = [...this.ctx.world.returns.values()]
      .filter((r) => r.autoConfirmed && r.createdAt >= this.startedAt - 2 * DAY)
      .map((r) => ({ returnId: r.id, deadline: new Date(r.createdAt + 48 * HOUR).toISOString() }));
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      endsAt: new Date(this.endsAt).toISOString(),
      arrivals: this.arrivals
        .slice(0, this.nextArrival)
        .map((a) => ({ at: new Date(a.at).toISOString(), returnId: a.returnId ?? null, campaignId: a.campaignId, type: a.type, items: a.items })),
      chatMessages: this.chatMessages,
      disputesStarted: this.disputesStarted,
      disputesFinished: this.disputesFinished,
      autoConfirmed,
      faults: this.faults.map(({ ids: _ids, previousScale: _scale, ...f }) => f),
      polls: Object.fromEntries(this.polls),
    };
  }
}

/** What a `budget` window finds spent by another client: the reads a sync makes (decisions keep their budget). */
const SPENT_IN_BUDGET_WINDOW = ['getReturns', 'getReturn', 'getBusinessOrders', 'getReturnAvailableDecisions', 'getChats'];

const BUYER_LINES = [
  'Здравствуйте! Когда будет решение по возврату?',
  'Товар пришёл с браком, фото приложил.',
  'Подскажите, деньги вернутся на карту?',
  'Прошло два дня, ответа нет.',
  'Можно заменить на другой размер?',
];
