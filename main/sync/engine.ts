import { EventEmitter } from 'node:events';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { MarketClient, ReturnFilters, SkippedItem } from '../market/client.ts';
import { MarketAuthError, MarketError, SchedulerStoppedError, describeError } from '../market/errors.ts';
import type { Clock, Priority } from '../market/scheduler.ts';
import { systemClock } from '../market/scheduler.ts';
import type { ReturnDTO } from '../market/schemas.ts';
import { AWAITING_STATUSES, type CampaignRow, type Store } from '../store/store.ts';
import { DECISION_OPTIONS_MAX_AGE_MS, toAvailableDecisions } from './decision-options.ts';

const DAY = 86_400_000;

/** Returns (or orders) written per transaction: a page is stored in chunks with a turn of the event loop between them, so the UI process never waits long. */
export const WRITE_CHUNK = 50;

/**
 * Turns of the event loop for write chunks, one chunk per turn: every store syncs at once, and a plain
 * setImmediate per chunk would run each store's next chunk in the same turn (three chunks, ~50 ms, before a timer or the UI).
 * Before each turn it is granted, the chunk waits for `hold` (the store's WAL restart): no chunk writes while it runs.
 */
export class WriteTurns {
  readonly #waiting: Array<() => void> = [];
  readonly #hold: () => Promise<void> | null;
  #scheduled = false;

  constructor(hold: () => Promise<void> | null = () => null) {
    this.#hold = hold;
  }

  /** Resolves on a later turn of the event loop, after the chunks that asked before it, one per turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#grant);
      }
    });
  }

  readonly #grant = (): void => {
    const held = this.#hold();
    // Still scheduled: chunks asking meanwhile queue behind, and the grant comes a turn after the hold ends.
    if (held) return void held.then(() => setImmediate(this.#grant));
    this.#waiting.shift()?.();
    // Queued behind the chunk just let go (it runs as the next microtask), so the next turn is asked for after it.
    queueMicrotask(() => {
      if (this.#waiting.length > 0) setImmediate(this.#grant);
      else this.#scheduled = false;
    });
  };
}

/** What went wrong, without the key: kind, words, and for the Market's errors the status, cause and when to retry. */
export type SyncProblem = ReturnType<typeof describeError>;

export interface SyncOptions {
  /** First sync reads returns updated in this many days. */
  backfillDays: number;
  /** Incremental polls re-read from the watermark minus this, so nothing at a boundary is missed. */
  overlapMs: number;
  /** Fast lane: returns awaiting a decision. */
  fastIntervalMs: number;
  /** Slow lane: everything updated since the watermark, plus store discovery and missing orders. */
  slowIntervalMs: number;
  /** Returns per page (the Market allows up to 100). */
  pageLimit: number;
  /** Fast lane looks this far back by update date (awaiting returns are at most 48 h old). */
  awaitingLookbackDays: number;
  /** At most this many stale "awaiting" returns are re-read one by one per fast tick. */
  maxRereadsPerTick: number;
  /** Safety stop for a server that pages forever. */
  maxPagesPerRun: number;
  /** Available decisions of an awaiting return are fetched again after this long, even if it did not change. */
  decisionOptionsMaxAgeMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  backfillDays: 60,
  overlapMs: 10 * 60_000,
  fastIntervalMs: 60_000,
  slowIntervalMs: 10 * 60_000,
  pageLimit: 100,
  awaitingLookbackDays: 3,
  maxRereadsPerTick: 50,
  maxPagesPerRun: 10_000,
  decisionOptionsMaxAgeMs: DECISION_OPTIONS_MAX_AGE_MS,
};

export type Lane = 'fast' | 'slow';

export interface LaneResult {
  campaignId: number;
  lane: Lane;
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  ordersFetched: number;
  /** Available decisions fetched for returns awaiting a decision. */
  optionsFetched: number;
  /** Awaiting returns whose available decisions wait for the method's hourly budget. */
  optionsDeferred: number;
  error?: SyncProblem;
}

export interface StoreSummary {
  campaignId: number;
  name: string | null;
  placementType: string | null;
  fetched: number;
  inserted: number;
  updated: number;
  skipped: number;
  ordersFetched: number;
  stored: number;
  awaiting: number;
  /** Awaiting returns whose available decisions are kept and current: they can be decided offline. */
  optionsKept: number;
  optionsFetched: number;
  optionsDeferred: number;
  errors: Array<SyncProblem>;
}

export interface SyncSummary {
  startedAt: string;
  finishedAt: string;
  stores: StoreSummary[];
  totals: { fetched: number; inserted: number; updated: number; skipped: number; ordersFetched: number; awaiting: number };
  /** Discovery or auth failure that stopped the whole run. */
  error?: SyncProblem;
}

export interface ChangedEvent {
  campaignId: number;
  returnIds: number[];
  orderIds: number[];
}

export interface ProgressEvent {
  campaignId: number;
  lane: Lane;
  phase: 'backfill' | 'incremental' | 'awaiting' | 'reread' | 'orders' | 'options' | 'done';
  pages: number;
  fetched: number;
}

export interface SyncErrorEvent {
  campaignId: number | null;
  lane: Lane | 'discover';
  error: SyncProblem;
}

export interface SkippedEvent {
  campaignId: number;
  entity: 'return' | 'order' | 'campaign' | 'decision-options';
  items: Array<{ id: string | null; reason: string }>;
}

/** One lane has run for a set of stores (a timer tick, syncNow, syncCampaign): work that follows a poll hooks here. */
export interface RoundEvent {
  lane: Lane;
  campaignIds: number[];
}

export interface SyncEvents {
  changed: [ChangedEvent];
  round: [RoundEvent];
  progress: [ProgressEvent];
  error: [SyncErrorEvent];
  skipped: [SkippedEvent];
}

export interface CampaignStatus {
  campaignId: number;
  name: string | null;
  businessId: number | null;
  placementType: string | null;
  watched: boolean;
  backfillDone: boolean;
  syncing: boolean;
  running: Lane[];
  lastSuccess: string | null;
  lastError: string | null;
  returnsKnown: number;
}

export interface SyncEngineDeps {
  client: MarketClient;
  store: Store;
  logger?: Logger;
  clock?: Clock;
  options?: Partial<SyncOptions>;
  /** The watched-stores setting, read at each discovery and start (null: every store); absent: the stores' own flags. */
  watchedStores?: () => readonly number[] | null;
}

/** Keeps the local store in step with the Market, per watched store, in a fast and a slow lane. */
export class SyncEngine {
  readonly options: SyncOptions;
  private readonly client: MarketClient;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly emitter = new EventEmitter();
  private readonly running = new Map<string, Promise<LaneResult>>();
  private timers: { fast: unknown; slow: unknown } = { fast: undefined, slow: undefined };
  /** When each lane's last poll began: the next is due an interval after it (a poll's own time is not added to the gap). */
  private lastPollStart: { fast: number; slow: number } = { fast: 0, slow: 0 };
  /** The watched-stores setting (null: every store), when the host has one. */
  private readonly watchedStores: (() => readonly number[] | null) | undefined;
  private started = false;
  private haltedWith: MarketAuthError | undefined;
  /** Aborted by stop(): requests and retry waits of running lanes end instead of outliving the engine. */
  private abort = new AbortController();
  /** Shared by every store's lanes: one write chunk per turn of the event loop, none while the WAL restarts. */
  private readonly turns: WriteTurns;

  constructor(deps: SyncEngineDeps) {
    this.client = deps.client;
    this.store = deps.store;
    this.logger = (deps.logger ?? silentLogger).child({ component: 'sync' });
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
    this.watchedStores = deps.watchedStores;
    this.turns = new WriteTurns(() => this.store.checkpointer?.beforeWrite() ?? null);
    // An 'error' event with no listener must not crash the process.
    this.emitter.on('error', () => {});
  }

  on<E extends keyof SyncEvents>(event: E, listener: (...args: SyncEvents[E]) => void): () => void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return () => this.emitter.off(event, listener as (...args: unknown[]) => void);
  }

  private emit<E extends keyof SyncEvents>(event: E, ...args: SyncEvents[E]): void {
    this.emitter.emit(event, ...args);
  }

  /** The auth error that stopped syncing, if any (cleared by a new key → new engine). */
  get halted(): MarketAuthError | undefined {
    return this.haltedWith;
  }

  /** Reads the stores of the key (GET v2/campaigns) into the store; new stores are watched. */
  async discover(priority: Priority = 'poll'): Promise<CampaignRow[]> {
    try {
      const { campaigns, skipped } = await this.client.listCampaigns({ priority, signal: this.abort.signal });
      const now = this.clock.now();
      this.store.upsertCampaigns(campaigns, now);
      this.applyWatched();
      if (skipped.length) {
        this.store.recordSkips(0, 'campaign', skipped, now);
        this.emit('skipped', { campaignId: 0, entity: 'campaign', items: skipped.map(({ id, reason }) => ({ id, reason })) });
      }
      return this.store.listCampaigns();
    } catch (error) {
      this.onError(null, 'discover', error);
      throw error;
    }
  }

  status(): CampaignStatus[] {
    return this.store.listCampaigns().map((c) => {
      const cursor = this.store.getCursor(c.id);
      const running: Lane[] = (['fast', 'slow'] as const).filter((lane) => this.running.has(`${c.id}:${lane}`));
      return {
        campaignId: c.id,
        name: c.domain ?? c.businessName,
        businessId: c.businessId,
        placementType: c.placementType,
        watched: c.watched,
        backfillDone: cursor.backfillDone,
        syncing: running.length > 0,
        running,
        lastSuccess: cursor.lastSuccess === null ? null : new Date(cursor.lastSuccess).toISOString(),
        lastError: cursor.lastError,
        returnsKnown: this.store.countReturns(c.id),
      };
    });
  }

  /** Discovers stores and runs both lanes for every watched one (or `campaignIds`) now. */
  async syncNow(options: { campaignIds?: number[]; priority?: Priority } = {}): Promise<SyncSummary> {
    if (this.abort.signal.aborted) this.abort = new AbortController();
    const startedAt = new Date(this.clock.now()).toISOString();
    const summary: SyncSummary = {
      startedAt,
      finishedAt: startedAt,
      stores: [],
      totals: { fetched: 0, inserted: 0, updated: 0, skipped: 0, ordersFetched: 0, awaiting: 0 },
    };
    try {
      await this.discover(options.priority ?? 'poll');
    } catch (error) {
      summary.error = describeError(error);
      // Unreachable after the client's retries: every store would fail the same way, only slower.
      const unreachable = error instanceof MarketError && (error.kind === 'network' || error.kind === 'timeout');
      if (error instanceof MarketAuthError || unreachable || this.store.listCampaigns().length === 0) {
        summary.finishedAt = new Date(this.clock.now()).toISOString();
        return summary;
      }
      // Discovery failed but stores are known from before: sync them anyway.
    }
    const campaigns = this.store.watchedCampaigns().filter((c) => !options.campaignIds || options.campaignIds.includes(c.id));
    const results = await Promise.all(
      campaigns.map(async (c) => {
        const slow = await this.runLane(c, 'slow', true);
        const fast = await this.runLane(c, 'fast', true);
        return { campaign: c, lanes: [slow, fast] };
      }),
    );
    this.emit('round', { lane: 'fast', campaignIds: campaigns.map((c) => c.id) });
    const now = this.clock.now();
    for (const { campaign, lanes } of results) {
      const store: StoreSummary = {
        campaignId: campaign.id,
        name: campaign.domain ?? campaign.businessName,
        placementType: campaign.placementType,
        fetched: 0,
        inserted: 0,
        updated: 0,
        skipped: 0,
        ordersFetched: 0,
        stored: this.store.countReturns(campaign.id),
        awaiting: this.store.awaitingDecision(now, [campaign.id]).length,
        optionsKept: this.store.decisionOptionsCoverage(campaign.id).kept,
        optionsFetched: 0,
        optionsDeferred: 0,
        errors: [],
      };
      for (const lane of lanes) {
        store.fetched += lane.fetched;
        store.inserted += lane.inserted;
        store.updated += lane.updated;
        store.skipped += lane.skipped;
        store.ordersFetched += lane.ordersFetched;
        store.optionsFetched += lane.optionsFetched;
        store.optionsDeferred += lane.optionsDeferred;
        if (lane.error) store.errors.push(lane.error);
      }
      summary.stores.push(store);
      summary.totals.fetched += store.fetched;
      summary.totals.inserted += store.inserted;
      summary.totals.updated += store.updated;
      summary.totals.skipped += store.skipped;
      summary.totals.ordersFetched += store.ordersFetched;
      summary.totals.awaiting += store.awaiting;
    }
    if (this.haltedWith && !summary.error) summary.error = describeError(this.haltedWith);
    summary.finishedAt = new Date(this.clock.now()).toISOString();
    return summary;
  }

  /** Runs one lane of one known store now (e.g. "refresh this store" from the UI). */
  async syncCampaign(campaignId: number, lane: Lane): Promise<LaneResult> {
    const campaign = this.store.getCampaign(campaignId);
    if (!campaign) throw new Error(`campaignId ${campaignId} is not a known store`);
    const result = await this.runLane(campaign, lane, true);
    this.emit('round', { lane, campaignIds: [campaignId] });
    return result;
  }

  /**
   * Re-reads these returns of one store now — a push notification or an arbitrage chat said they
   * changed, and neither lane would see it before the slow one — and stores what changed. Returns the
   * ids of returns that changed; a return the Market no longer knows is skipped with its reason.
   */
  async refreshReturns(campaignId: number, refs: ReadonlyArray<{ orderId: number; returnId: number }>, priority: Priority = 'poll'): Promise<number[]> {
    const campaign = this.store.getCampaign(campaignId);
    if (!campaign) throw new Error(`campaignId ${campaignId} is not a known store`);
    const fresh: ReturnDTO[] = [];
    for (const ref of refs) {
      try {
        fresh.push(await this.client.getReturn(campaign.id, ref.orderId, ref.returnId, { priority, signal: this.abort.signal }));
      } catch (error) {
        if (error instanceof MarketError && error.kind === 'not-found') {
          this.logger.warn('return to refresh not found at the Market', { campaignId, returnId: ref.returnId });
          continue;
        }
        throw error;
      }
    }
    const result: LaneResult = {
      campaignId,
      lane: 'fast',
      pages: 0,
      fetched: fresh.length,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      ordersFetched: 0,
      optionsFetched: 0,
      optionsDeferred: 0,
    };
    const changedOrders = new Set<number>();
    const changed = await this.ingest(campaign, fresh, [], result, changedOrders);
    await this.fetchOrders(campaign, 'fast', [...changedOrders], result, priority);
    return changed;
  }

  /** Starts the timers: both lanes at once, then every fastIntervalMs / slowIntervalMs. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.applyWatched();
    // The fast lane needs the stores: discover first when none are known yet.
    const known = this.store.listCampaigns().length > 0;
    const first = known
      ? Promise.resolve()
      : this.discover('poll').then(
          () => undefined,
          () => undefined,
        );
    void first.then(() => {
      this.tick('slow', !known);
      this.tick('fast');
    });
  }

  /**
   * New poll intervals (and backfill window) take effect now: a lane waiting for its next poll is
   * rescheduled to its last poll's start plus the new interval (at once if that has passed).
   */
  configure(patch: Partial<Pick<SyncOptions, 'fastIntervalMs' | 'slowIntervalMs' | 'backfillDays'>>): void {
    Object.assign(this.options, patch);
    for (const lane of ['fast', 'slow'] as const) {
      if (!this.started || this.timers[lane] === undefined) continue; // a running lane schedules itself with the new interval
      this.clock.clearTimeout(this.timers[lane]);
      this.schedule(lane, Math.max(0, this.lastPollStart[lane] + this.intervalOf(lane) - this.clock.now()));
    }
  }

  /**
   * Marks the known stores watched or not as the watched-stores setting says (null: every store);
   * returns the stores whose flag changed. Without the setting, the stores keep their own flags.
   */
  applyWatched(): { started: number[]; stopped: number[] } {
    const changed = { started: [] as number[], stopped: [] as number[] };
    if (!this.watchedStores) return changed;
    const ids = this.watchedStores();
    for (const c of this.store.listCampaigns()) {
      const watched = ids === null || ids.includes(c.id);
      if (watched === c.watched) continue;
      this.store.setWatched(c.id, watched);
      (watched ? changed.started : changed.stopped).push(c.id);
    }
    return changed;
  }

  private intervalOf(lane: Lane): number {
    return lane === 'fast' ? this.options.fastIntervalMs : this.options.slowIntervalMs;
  }

  private schedule(lane: Lane, delayMs: number): void {
    this.timers[lane] = this.clock.setTimeout(() => {
      this.timers[lane] = undefined;
      this.tick(lane);
    }, delayMs);
  }

  private tick(lane: Lane, discovered = false): void {
    if (!this.started) return;
    const startedAt = this.clock.now();
    const run = async (): Promise<void> => {
      if (lane === 'slow' && !discovered) {
        try {
          await this.discover('poll');
        } catch {
          // Reported through 'error'; known stores are still polled.
        }
      }
      const campaigns = this.store.watchedCampaigns();
      await Promise.all(campaigns.map((c) => this.runLane(c, lane, false)));
      this.emit('round', { lane, campaignIds: campaigns.map((c) => c.id) });
    };
    run()
      .catch((error: unknown) => this.logger.error('sync tick failed', { lane, error: describeError(error) }))
      .finally(() => {
        if (!this.started || this.haltedWith) return;
        this.lastPollStart[lane] = startedAt;
        // A poll every interval, as the settings say; one that ran long is followed after a tenth of one, not at once.
        const interval = this.intervalOf(lane);
        this.schedule(lane, Math.max(startedAt + interval - this.clock.now(), interval / 10));
      });
  }

  /** Stops the timers, cancels what running lanes wait for, and waits for them to end. */
  async stop(): Promise<void> {
    this.started = false;
    for (const lane of ['fast', 'slow'] as const) {
      if (this.timers[lane] !== undefined) this.clock.clearTimeout(this.timers[lane]);
      this.timers[lane] = undefined;
    }
    this.abort.abort(new SchedulerStoppedError('sync stopped'));
    await Promise.allSettled([...this.running.values()]);
  }

  /**
   * Runs one lane for one store; a lane already running is joined (or, when `again`, awaited and
   * then run afresh). Never throws: errors are recorded on the cursor and emitted.
   */
  private async runLane(campaign: CampaignRow, lane: Lane, again: boolean): Promise<LaneResult> {
    const key = `${campaign.id}:${lane}`;
    const current = this.running.get(key);
    if (current) {
      if (!again) return current;
      await current.catch(() => undefined);
    }
    const promise = this.laneBody(campaign, lane).finally(() => {
      if (this.running.get(key) === promise) this.running.delete(key);
    });
    this.running.set(key, promise);
    return promise;
  }

  private async laneBody(campaign: CampaignRow, lane: Lane): Promise<LaneResult> {
    const result: LaneResult = {
      campaignId: campaign.id,
      lane,
      pages: 0,
      fetched: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      ordersFetched: 0,
      optionsFetched: 0,
      optionsDeferred: 0,
    };
    if (this.haltedWith) {
      result.error = describeError(this.haltedWith);
      return result;
    }
    const changedOrders = new Set<number>();
    try {
      if (lane === 'slow') await this.slowLane(campaign, result, changedOrders);
      else await this.fastLane(campaign, result, changedOrders);
      await this.fetchOrders(
        campaign,
        lane,
        [...changedOrders],
        result,
        lane === 'slow' && !this.store.getCursor(campaign.id).backfillDone ? 'background' : 'poll',
      );
      if (lane === 'slow') await this.fetchMissingOrders(campaign, result);
      if (lane === 'fast') await this.keepDecisionOptions(campaign, result);
      const now = this.clock.now();
      this.store.saveCursor(campaign.id, {
        lastSuccess: now,
        ...(lane === 'fast' ? { lastFast: now } : { lastSlow: now }),
        lastError: null,
        lastErrorAt: null,
      });
      this.emit('progress', { campaignId: campaign.id, lane, phase: 'done', pages: result.pages, fetched: result.fetched });
    } catch (error) {
      result.error = describeError(error);
      this.onError(campaign.id, lane, error);
    }
    return result;
  }

  private async slowLane(campaign: CampaignRow, result: LaneResult, changedOrders: Set<number>): Promise<void> {
    const cursor = this.store.getCursor(campaign.id);
    const now = this.clock.now();
    if (!cursor.backfillDone) {
      const fromDate = cursor.backfillFrom ?? dayOf(now - this.options.backfillDays * DAY);
      let pageToken = cursor.backfillPageToken ?? undefined;
      this.store.saveCursor(campaign.id, { backfillFrom: fromDate });
      let complete: boolean;
      try {
        complete = await this.pages(campaign, 'slow', 'backfill', { fromDate }, pageToken, 'background', result, changedOrders, (next) => {
          pageToken = next;
          this.store.saveCursor(campaign.id, { backfillPageToken: next ?? null });
        });
      } catch (error) {
        // A page token the server no longer accepts: restart the window next time (upserts are idempotent).
        if (error instanceof MarketError && error.kind === 'bad-request' && pageToken) {
          this.store.saveCursor(campaign.id, { backfillPageToken: null });
        }
        throw error;
      }
      if (complete) this.store.saveCursor(campaign.id, { backfillDone: true, backfillPageToken: null });
      return;
    }
    // min: a watermark an older version let run ahead of now.
    const since = Math.min(cursor.watermark ?? now, now) - this.options.overlapMs;
    await this.pages(campaign, 'slow', 'incremental', { fromDate: dayOf(since) }, undefined, 'poll', result, changedOrders);
  }

  private async fastLane(campaign: CampaignRow, result: LaneResult, changedOrders: Set<number>): Promise<void> {
    const cursor = this.store.getCursor(campaign.id);
    const now = this.clock.now();
    // Both clocks: the server's (watermark) and ours, whichever is earlier.
    const base = Math.min(now, cursor.watermark ?? now) - this.options.awaitingLookbackDays * DAY;
    const seen = new Set<number>();
    await this.pages(
      campaign,
      'fast',
      'awaiting',
      { fromDate: dayOf(base), statuses: [...AWAITING_STATUSES] },
      undefined,
      'poll',
      result,
      changedOrders,
      undefined,
      seen,
    );
    // Returns we hold as awaiting that the listing no longer shows: decided elsewhere or auto-confirmed.
    const stale = this.store.awaitingReturnRefs(campaign.id).filter((r) => !seen.has(r.id));
    if (stale.length === 0) return;
    this.emit('progress', { campaignId: campaign.id, lane: 'fast', phase: 'reread', pages: result.pages, fetched: result.fetched });
    const fresh: ReturnDTO[] = [];
    for (const ref of stale.slice(0, this.options.maxRereadsPerTick)) {
      try {
        fresh.push(await this.client.getReturn(campaign.id, ref.orderId, ref.id, { priority: 'poll', signal: this.abort.signal }));
      } catch (error) {
        if (error instanceof MarketError && (error.kind === 'not-found' || error.kind === 'malformed')) {
          // Keep what we have; say why it could not be refreshed.
          this.store.recordSkips(campaign.id, 'return', [{ id: String(ref.id), reason: `re-read failed: ${error.message}`, raw: null }], this.clock.now());
          this.logger.warn('awaiting return could not be re-read', { campaignId: campaign.id, returnId: ref.id, kind: error.kind });
          continue;
        }
        throw error;
      }
    }
    result.fetched += fresh.length;
    await this.ingest(campaign, fresh, [], result, changedOrders);
  }

  /** Pages through getReturns with `filters`, ingesting each page as it arrives. */
  private async pages(
    campaign: CampaignRow,
    lane: Lane,
    phase: ProgressEvent['phase'],
    filters: ReturnFilters,
    firstToken: string | undefined,
    priority: Priority,
    result: LaneResult,
    changedOrders: Set<number>,
    onPage?: (nextToken: string | undefined) => void,
    seen?: Set<number>,
  ): Promise<boolean> {
    let pageToken = firstToken;
    const tokens = new Set<string>();
    for (let page = 0; page < this.options.maxPagesPerRun; page++) {
      const response = await this.client.listReturns(campaign.id, filters, pageToken, this.options.pageLimit, { priority, signal: this.abort.signal });
      result.pages++;
      result.fetched += response.returns.length;
      if (seen) for (const r of response.returns) seen.add(r.id);
      await this.ingest(campaign, response.returns, response.skipped, result, changedOrders);
      let next = response.nextPageToken;
      if (next && tokens.has(next)) {
        this.logger.warn('server repeated a page token; stopping this listing', { campaignId: campaign.id, lane });
        next = undefined;
      }
      if (response.returns.length === 0 && response.skipped.length === 0) next = undefined;
      onPage?.(next);
      this.emit('progress', { campaignId: campaign.id, lane, phase, pages: result.pages, fetched: result.fetched });
      if (!next) return true;
      tokens.add(next);
      pageToken = next;
    }
    this.logger.warn('page limit per run reached; continuing next run', { campaignId: campaign.id, lane, pages: result.pages });
    return false;
  }

  /**
   * Stores one page of returns; gives the ids of those that were new or changed. Each chunk commits on
   * its own (upserts are idempotent); the skips and the watermark commit with the last chunk, so a crash
   * mid-page leaves the cursor before this page and the next sync reads it again.
   */
  private async ingest(campaign: CampaignRow, returns: ReturnDTO[], skipped: SkippedItem[], result: LaneResult, changedOrders: Set<number>): Promise<number[]> {
    const changed: number[] = [];
    for (let start = 0; start === 0 || start < returns.length; start += WRITE_CHUNK) {
      // The first chunk too: the page was just decoded in this turn.
      await this.turns.next();
      const chunk = returns.slice(start, start + WRITE_CHUNK);
      const last = start + WRITE_CHUNK >= returns.length;
      const now = this.clock.now();
      const upsert = this.store.transaction(() => {
        const r = this.store.upsertReturns(campaign.id, chunk, now);
        if (last) this.commitPage(campaign.id, returns, skipped, now);
        return r;
      });
      result.inserted += upsert.inserted.length;
      result.updated += upsert.updated.length;
      result.unchanged += upsert.unchanged;
      changed.push(...upsert.inserted, ...upsert.updated);
    }
    result.skipped += skipped.length;
    if (changed.length) {
      const changedSet = new Set(changed);
      for (const dto of returns) if (changedSet.has(dto.id)) changedOrders.add(dto.orderId);
      this.emit('changed', { campaignId: campaign.id, returnIds: changed, orderIds: [] });
    }
    if (skipped.length) {
      this.emit('skipped', { campaignId: campaign.id, entity: 'return', items: skipped.map(({ id, reason }) => ({ id, reason })) });
    }
    return changed;
  }

  /** The page's bookkeeping, in the transaction of its last chunk: its skips, and the watermark moved past it. */
  private commitPage(campaignId: number, returns: readonly ReturnDTO[], skipped: SkippedItem[], now: number): void {
    this.store.recordSkips(campaignId, 'return', skipped, now);
    this.store.clearSkips(
      campaignId,
      'return',
      returns.map((x) => x.id),
    );
    let watermark = this.store.getCursor(campaignId).watermark ?? Number.NEGATIVE_INFINITY;
    // Nothing seen can be newer than now: a date ahead of it (bad data, or the Market's clock ahead of ours) counts as
    // now. A watermark a day ahead made the slow lane ask from tomorrow, so non-purchases of today were never stored.
    for (const dto of returns) {
      const updated = dto.updateDate ? Math.min(Date.parse(dto.updateDate), now) : Number.NaN;
      if (!Number.isNaN(updated) && updated > watermark) watermark = updated;
    }
    if (Number.isFinite(watermark)) this.store.saveCursor(campaignId, { watermark });
  }

  /** getBusinessOrders in batches of 50 ids. */
  private async fetchOrders(campaign: CampaignRow, lane: Lane, orderIds: number[], result: LaneResult, priority: Priority): Promise<void> {
    if (orderIds.length === 0) return;
    if (!campaign.businessId) {
      this.logger.warn('store has no business id; orders not fetched', { campaignId: campaign.id });
      return;
    }
    this.emit('progress', { campaignId: campaign.id, lane, phase: 'orders', pages: result.pages, fetched: result.fetched });
    for (let i = 0; i < orderIds.length; i += 50) {
      const batch = orderIds.slice(i, i + 50);
      let pageToken: string | undefined;
      const tokens = new Set<string>();
      do {
        const page = await this.client.getBusinessOrders(campaign.businessId, { orderIds: batch, campaignIds: [campaign.id] }, pageToken, {
          priority,
          signal: this.abort.signal,
        });
        const now = this.clock.now();
        const written: number[] = [];
        for (let start = 0; start < page.orders.length; start += WRITE_CHUNK) {
          await this.turns.next();
          written.push(...this.store.upsertOrders(page.orders.slice(start, start + WRITE_CHUNK), now));
        }
        result.ordersFetched += written.length;
        if (page.skipped.length) {
          this.store.recordSkips(campaign.id, 'order', page.skipped, now);
          this.emit('skipped', { campaignId: campaign.id, entity: 'order', items: page.skipped.map(({ id, reason }) => ({ id, reason })) });
        }
        if (written.length) {
          this.store.clearSkips(campaign.id, 'order', written);
          this.emit('changed', { campaignId: campaign.id, returnIds: [], orderIds: written });
        }
        pageToken = page.nextPageToken && !tokens.has(page.nextPageToken) && page.orders.length > 0 ? page.nextPageToken : undefined;
        if (pageToken) tokens.add(pageToken);
      } while (pageToken);
    }
  }

  /**
   * Keeps the available decisions of every return of the store that awaits one: fetched when missing,
   * when the return changed since, or when old; within the method's hourly budget, leaving the share
   * kept for decisions and the operator. What the budget cannot cover now waits for a later tick.
   */
  private async keepDecisionOptions(campaign: CampaignRow, result: LaneResult): Promise<void> {
    const businessId = campaign.businessId;
    const wanted = this.store.returnsWantingDecisionOptions(campaign.id, this.clock.now() - this.options.decisionOptionsMaxAgeMs);
    this.store.pruneDecisionOptions();
    if (wanted.length === 0) return;
    if (!businessId) {
      this.logger.warn('store has no business id; available decisions not fetched', { campaignId: campaign.id });
      return;
    }
    this.emit('progress', { campaignId: campaign.id, lane: 'fast', phase: 'options', pages: result.pages, fetched: result.fetched });
    const method = 'getReturnAvailableDecisions';
    const queue = [...wanted];
    let deferred = false;
    const worker = async (): Promise<void> => {
      while (queue.length > 0 && !deferred) {
        if (this.client.scheduler.spare(method, 'poll') < 1) {
          deferred = true;
          return;
        }
        const ref = queue.shift()!;
        const sentAt = this.clock.now();
        try {
          // No waiting for budget here: what the budget does not cover now waits for a later tick, not the lane.
          const answer = await this.client.getAvailableDecisions(businessId, campaign.id, ref.id, {
            priority: 'poll',
            signal: this.abort.signal,
            maxBudgetWaitMs: 0,
          });
          this.store.saveDecisionOptions(ref.id, toAvailableDecisions(answer), sentAt);
          this.store.clearSkips(campaign.id, 'decision-options', [ref.id]);
          result.optionsFetched++;
        } catch (error) {
          if (error instanceof MarketError && error.kind === 'rate-limited') {
            queue.unshift(ref);
            deferred = true;
            return;
          }
          if (error instanceof MarketError && (error.kind === 'not-found' || error.kind === 'bad-request')) {
            // The return moved on since the listing (or the Market will not say): the next listing tells.
            const reason = `available decisions not read: ${error.message}`;
            this.store.recordSkips(campaign.id, 'decision-options', [{ id: String(ref.id), reason, raw: null }], this.clock.now());
            this.emit('skipped', { campaignId: campaign.id, entity: 'decision-options', items: [{ id: String(ref.id), reason }] });
            continue;
          }
          throw error;
        }
      }
    };
    // Two at a time: the key's parallel limit, shared with the other lanes through the scheduler.
    const results = await Promise.allSettled([worker(), worker()]);
    result.optionsDeferred = queue.length;
    if (deferred && queue.length > 0) this.logger.info('available decisions wait for the hourly budget', { campaignId: campaign.id, waiting: queue.length });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Orders of stored returns that are still missing (an earlier fetch failed). */
  private async fetchMissingOrders(campaign: CampaignRow, result: LaneResult): Promise<void> {
    const orderIds = this.store.ordersMissingForCampaign(campaign.id, 500);
    // Orders the Market does not return stay missing; skip those already recorded as such.
    const skippedKeys = new Set(
      this.store
        .listSkips(campaign.id)
        .filter((s) => s.entity === 'order-missing')
        .map((s) => s.itemId),
    );
    const wanted = orderIds.filter((id) => !skippedKeys.has(String(id)));
    if (wanted.length === 0) return;
    await this.fetchOrders(campaign, 'slow', wanted, result, 'background');
    const stillMissing = this.store.missingOrderIds(wanted);
    if (stillMissing.length) {
      this.store.recordSkips(
        campaign.id,
        'order-missing',
        stillMissing.map((id) => ({ id: String(id), reason: 'getBusinessOrders did not return this order', raw: null })),
        this.clock.now(),
      );
    }
  }

  private onError(campaignId: number | null, lane: Lane | 'discover', error: unknown): void {
    if (error instanceof SchedulerStoppedError || this.abort.signal.aborted) return;
    const described = describeError(error);
    if (error instanceof MarketAuthError) {
      if (!this.haltedWith) this.logger.error('API key rejected; syncing stopped', { kind: error.kind, status: error.status });
      this.haltedWith = error;
      this.started = false;
      for (const l of ['fast', 'slow'] as const) {
        if (this.timers[l] !== undefined) this.clock.clearTimeout(this.timers[l]);
        this.timers[l] = undefined;
      }
    } else {
      this.logger.warn('sync failed', { campaignId, lane, error: described });
    }
    try {
      if (campaignId !== null) this.store.saveCursor(campaignId, { lastError: `${described.kind}: ${described.message}`, lastErrorAt: this.clock.now() });
    } catch (saveError) {
      // A full disk fails this write too; the error is still reported below.
      this.logger.warn('the sync error could not be saved', { campaignId, error: describeError(saveError) });
    }
    this.emit('error', { campaignId, lane, error: described });
  }
}

/** YYYY-MM-DD in UTC — never later than the Market's Moscow date, so a day filter cannot skip ahead. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The watched-stores setting after the operator (un)watches one store: the list of watched ids, or
 * null (every store, including ones the key gains later) once every known store is watched.
 */
export function watchedAfter(current: readonly number[] | null, known: readonly number[], campaignId: number, watched: boolean): number[] | null {
  const ids = new Set(current ?? known);
  if (watched) ids.add(campaignId);
  else ids.delete(campaignId);
  if (known.every((id) => ids.has(id))) return null;
  return [...ids].sort((a, b) => a - b);
}
