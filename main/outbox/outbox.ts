/**
 * The durable queue of return decisions. A decision is committed to the store before `submit()`
 * returns; the pump sends it through the key's scheduler at `decision` priority with
 * submitReturnDecision, confirms it by re-reading the return, and never sends it twice: a row found
 * in `sending` (after a crash or an unknown outcome) is reconciled against the server first.
 * This class takes the operator's requests; the parts each own one job: rows.ts (reading and moving
 * rows), pump.ts (delivery loop), probe.ts (online probe), reconcile.ts (what the Market already
 * holds), audit.ts and csv.ts (the audit log and its export).
 */
import { EventEmitter } from 'node:events';
import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { AvailableDecisions, DecisionDraft, type AuditEntry, type DraftIssue, type OutboxEntry, type OutboxState } from '../../preload/contract.ts';
import { checkDraft, draftIssue, draftSchemaIssues, type RuleLocale, type SubmitRule } from '../../preload/decision-rules.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import { MarketError } from '../market/errors.ts';
import { systemClock, type Clock } from '../market/scheduler.ts';
import type { ReturnDTO } from '../market/schemas.ts';
import { SqliteAuditRepository, SqliteOutboxRepository, type AuditRepository, type OutboxRepository } from '../store/outbox-repository.ts';
import { diskFullOf } from '../store/disk-full.ts';
import type { Store } from '../store/store.ts';
import { DECISION_OPTIONS_MAX_AGE_MS, toAvailableDecisions } from '../sync/decision-options.ts';
import { AuditLog } from './audit.ts';
import { DEFAULT_BACKOFF, type OutboxBackoff } from './backoff.ts';
import { describeDraft } from './draft.ts';
import { DraftRejectedError, OutboxRefusedError, ReturnNotKnownError } from './errors.ts';
import { describeFailure, isUnreachable } from './market-failures.ts';
import { OnlineProbe } from './probe.ts';
import { Pump } from './pump.ts';
import { Reconciler } from './reconcile.ts';
import { OutboxRows, type Params } from './rows.ts';
import { RunState } from './run-state.ts';

export { DEFAULT_BACKOFF, type OutboxBackoff } from './backoff.ts';
export { itemsSummary, toDecisionInput } from './draft.ts';
export { compareWithServer } from './reconcile.ts';

export interface OutboxOptions {
  store: Store;
  /** Where decisions and the audit log are kept; the store's SQLite tables unless given. */
  repository?: OutboxRepository<'sync'>;
  auditRepository?: AuditRepository<'sync'>;
  client: MarketClient;
  clock?: Clock;
  logger?: Logger;
  /** Random in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Language of issues and explanations. */
  locale?: () => RuleLocale;
  /** Operator recorded when none is passed; defaults to the OS user. */
  operator?: () => string;
  backoff?: Partial<OutboxBackoff>;
  /** Decisions sent at once; the scheduler still keeps the key at 2 parallel requests. */
  concurrency?: number;
  /**
   * Kept available decisions younger than this, and fetched after the return last changed (sync
   * keeps them so), are used by submit() without asking the Market.
   */
  availableMaxAgeMs?: number;
  /** stop() waits this long for requests in flight before aborting them. */
  stopGraceMs?: number;
  /**
   * How long a new decision is held before it may leave for the Market, so the operator can take it
   * back (a decline is irreversible once sent). Held means stored and queued, not sent: a crash in the
   * hold loses nothing and sends nothing twice. 0 (the default) sends at once.
   */
  holdMs?: () => number;
}

export interface OutboxStatus {
  queued: number;
  sending: number;
  failed: number;
  conflict: number;
  online: boolean;
  /** Unreadable rows set aside (kept, not sent). */
  quarantined: number;
}

export interface QuarantinedRow {
  id: number;
  returnId: number | null;
  state: string | null;
  reason: string;
  /** The row's draft text as stored, untouched. */
  rawDraft: string | null;
}

export interface OutboxEvents {
  changed: [OutboxEntry];
  status: [OutboxStatus];
  quarantined: [QuarantinedRow];
}

/** A decision on its way (see Outbox.pending). */
export interface PendingEntry {
  id: number;
  returnId: number;
  state: 'queued' | 'sending';
  /** When the operator queued it, epoch ms on the Market's clock. */
  queuedAt: number;
  /** When the Market answered OK to it, if it did (it is then only being confirmed). */
  acceptedAt: number | null;
  explanationCode: string | null;
}

export interface ListFilter {
  returnId?: number;
  states?: readonly OutboxState[];
}

/** The OS user, or 'operator' where the OS will not say. */
export function defaultOperator(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

export class Outbox extends EventEmitter<OutboxEvents> {
  private readonly store: Store;
  private readonly client: MarketClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly localeOf: () => RuleLocale;
  private readonly operatorOf: () => string;
  private readonly availableMaxAgeMs: number;
  private readonly holdOf: () => number;
  private readonly run = new RunState();
  private readonly rows: OutboxRows;
  private readonly auditLog: AuditLog;
  private readonly probe: OnlineProbe;
  private readonly pump: Pump;

  constructor(options: OutboxOptions) {
    super();
    this.store = options.store;
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'outbox' });
    this.localeOf = options.locale ?? (() => 'en');
    this.operatorOf = options.operator ?? defaultOperator;
    this.availableMaxAgeMs = options.availableMaxAgeMs ?? DECISION_OPTIONS_MAX_AGE_MS;
    this.holdOf = options.holdMs ?? (() => 0);
    const random = options.random ?? Math.random;
    const backoff: OutboxBackoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const marketNow = (): number => this.marketNow();
    const repository = options.repository ?? new SqliteOutboxRepository(this.store);
    this.auditLog = new AuditLog(options.auditRepository ?? new SqliteAuditRepository(this.store), this.localeOf);
    this.rows = new OutboxRows({
      repository,
      clock: this.clock,
      marketNow,
      logger: this.logger,
      locale: this.localeOf,
      changed: (entry) => this.emit('changed', entry),
      quarantined: (row) => {
        if (row) this.emit('quarantined', row);
        this.emit('status', this.status());
      },
    });
    const common = { client: this.client, rows: this.rows, clock: this.clock, random, backoff, logger: this.logger, run: this.run };
    this.probe = new OnlineProbe({
      ...common,
      repository,
      changed: (online) => {
        this.emit('status', this.status());
        if (online) this.pump.kick();
      },
    });
    const reconciler = new Reconciler({
      ...common,
      online: (online) => this.probe.set(online),
      refreshStore: (campaignId, dto) => this.refreshStore(campaignId, dto),
      placementOf: (campaignId) => this.placementOf(campaignId),
      resend: (row) => this.pump.send(row),
    });
    this.pump = new Pump({
      ...common,
      probe: this.probe,
      reconciler,
      marketNow,
      concurrency: Math.max(1, Math.floor(options.concurrency ?? 2)),
      stopGraceMs: options.stopGraceMs ?? 5_000,
    });
    // Any request of this key that succeeds (a sync, a chat) proves the Market is back: resume at once.
    this.client.reachability.on('change', (state) => {
      if (state.online) this.probe.set(true);
    });
  }

  // ------------------------------------------------------------ decisions.* channels

  /** What the Market allows for the return now; the last answer (source 'cache') when it cannot be reached. */
  async available(returnId: number): Promise<AvailableDecisions> {
    const ret = this.store.getReturn(returnId);
    if (!ret) throw new ReturnNotKnownError(returnId);
    const businessId = this.store.getCampaign(ret.campaignId)?.businessId ?? null;
    if (businessId === null) {
      const cached = this.cachedAvailable(returnId);
      if (cached) return cached.available;
      throw new ReturnNotKnownError(returnId);
    }
    // Known to be unreachable (the last request reached nobody): what sync kept, now, not after the retries.
    const kept = this.client.reachability.online ? undefined : this.cachedAvailable(returnId);
    if (kept) return kept.available;
    try {
      const result = await this.client.getAvailableDecisions(businessId, ret.campaignId, returnId, { priority: 'interactive' });
      const now = this.clock.now();
      const decisions = toAvailableDecisions(result);
      this.keepAvailable(returnId, decisions, now);
      this.probe.set(true);
      return AvailableDecisions.parse({ returnId, decisions, items: this.itemsOf(returnId), source: 'market', fetchedAt: new Date(now).toISOString() });
    } catch (error) {
      const cached = this.cachedAvailable(returnId);
      if (error instanceof MarketError && isUnreachable(error)) {
        if (error.kind === 'network' || error.kind === 'timeout') this.probe.set(false);
        if (cached) return cached.available;
      }
      throw error;
    }
  }

  /** The issues of `draft` against what is known about its return (empty when it may be queued). */
  async validate(draft: unknown): Promise<DraftIssue[]> {
    try {
      await this.checked(draft);
      return [];
    } catch (error) {
      if (error instanceof DraftRejectedError) return error.issues;
      throw error;
    }
  }

  /** Queues the decision durably; the entry returned is committed. Refused, with issues, before anything is stored. */
  async submit(draftInput: unknown, operator?: string): Promise<OutboxEntry> {
    return (await this.submitChecked(draftInput, operator)).entry;
  }

  /** submit(), also saying what the decision was checked against: the Market now, or the decisions kept by sync. */
  async submitChecked(draftInput: unknown, operator?: string): Promise<{ entry: OutboxEntry; checkedAgainst: AvailableDecisions }> {
    const { draft, ret, available } = await this.checked(draftInput);
    const who = (operator ?? '').trim() || this.operatorOf();
    const now = this.clock.now();
    const hold = this.hold();
    // Re-checked inside the repository's transaction: another submit may have won while we asked the Market.
    const stored = this.rows.repository.enqueue(
      {
        returnId: draft.returnId,
        orderId: ret.orderId,
        campaignId: ret.campaignId,
        draft,
        operator: who,
        at: this.marketNow(),
        nextAttemptAt: now + hold,
        explanationCode: hold > 0 ? 'held' : 'queued',
      },
      describeDraft,
    );
    if ('active' in stored) throw this.rejected('return.alreadyQueued', { returnId: draft.returnId, state: stored.active.state, outboxId: stored.active.id });
    const id = stored.id;
    const entry = this.rows.entryOf(this.rows.mustLoad(id));
    this.logger.info('decision queued', { outboxId: id, returnId: draft.returnId, items: draft.items.length, holdMs: hold });
    this.rows.emitChanged(id);
    this.pump.kick();
    return { entry, checkedAgainst: available };
  }

  /** Replaces a decision that is still queued; refused once sending has begun. */
  async edit(outboxId: number, draftInput: unknown, operator?: string): Promise<OutboxEntry> {
    const row = this.rows.load(outboxId);
    if (!row) throw this.refused('not-found', outboxId, null);
    const schema = draftSchemaIssues(draftInput, this.localeOf());
    if (schema.length) throw new DraftRejectedError(schema);
    const draft = DecisionDraft.parse(draftInput);
    if (draft.returnId !== row.returnId) throw this.refused('return-mismatch', outboxId, row.state);
    if (row.state !== 'queued' || this.pump.isInFlight(outboxId)) throw this.refused('not-editable', outboxId, row.state);
    const available = await this.availableForSubmit(draft.returnId);
    const issues = checkDraft(draft, available, this.localeOf());
    if (issues.length) throw new DraftRejectedError(issues);
    const who = (operator ?? '').trim() || this.operatorOf();
    const now = this.clock.now();
    // A decision changed while held is held again from now: the operator gets the same time to take the new one back.
    const held = this.rows.isHeld(row, now);
    const changed = this.rows.repository.replaceDraft(
      outboxId,
      { draft, at: this.marketNow(), nextAttemptAt: held ? now + this.hold() : row.nextAttemptAt, explanationCode: held ? 'held' : 'edited', operator: who },
      describeDraft,
    );
    if (!changed || this.pump.isInFlight(outboxId)) throw this.refused('not-editable', outboxId, this.rows.load(outboxId)?.state ?? null);
    this.rows.emitChanged(outboxId);
    this.pump.kick();
    return this.rows.entryOf(this.rows.mustLoad(outboxId));
  }

  /** Cancels a decision that is still queued; refused once sending has begun. */
  cancel(outboxId: number, operator?: string): OutboxEntry {
    const row = this.rows.load(outboxId);
    if (!row) throw this.refused('not-found', outboxId, null);
    if (row.state !== 'queued' || this.pump.isInFlight(outboxId)) throw this.refused('not-cancellable', outboxId, row.state);
    const who = (operator ?? '').trim() || this.operatorOf();
    const changed = this.rows.repository.cancel(outboxId, this.marketNow(), who, describeDraft);
    if (!changed) throw this.refused('not-cancellable', outboxId, this.rows.load(outboxId)?.state ?? null);
    this.rows.emitChanged(outboxId);
    return this.rows.entryOf(this.rows.mustLoad(outboxId));
  }

  // ------------------------------------------------------------ outbox.* and audit.* channels

  list(filter: ListFilter = {}): OutboxEntry[] {
    const ids = this.rows.repository.ids(filter);
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      const row = this.rows.load(id);
      if (row) out.push(this.rows.entryOf(row));
    }
    return out;
  }

  /** Decisions queued or being sent: when each was queued, whether the Market already accepted it, and why it waits. */
  pending(): PendingEntry[] {
    return this.rows.repository.pending().map((r) => ({
      id: r.id,
      returnId: r.returnId,
      state: r.state,
      queuedAt: r.createdAt,
      acceptedAt: r.acceptedAt,
      explanationCode: r.explanationCode,
    }));
  }

  get(outboxId: number): OutboxEntry | undefined {
    const row = this.rows.load(outboxId);
    return row ? this.rows.entryOf(row) : undefined;
  }

  /** Sends queued decisions now instead of at their next retry (one, or all); probes at once when offline. */
  retry(outboxId?: number, operator?: string): { scheduled: number } {
    const now = this.clock.now();
    let chosen: number[] | 'all' = 'all';
    if (outboxId !== undefined) {
      const row = this.rows.load(outboxId);
      if (!row) throw this.refused('not-found', outboxId, null);
      chosen = row.state === 'queued' || row.state === 'sending' ? [row.id] : [];
    }
    const who = (operator ?? '').trim() || this.operatorOf();
    const ids = this.rows.repository.requestSendNow(chosen, { dueAt: now, at: this.marketNow() }, who);
    if (!this.probe.online) this.probe.restart();
    for (const id of ids) this.rows.emitChanged(id);
    this.pump.kick();
    return { scheduled: ids.length };
  }

  status(): OutboxStatus {
    const { byState: counts, quarantined } = this.rows.repository.counts();
    return {
      queued: counts.queued ?? 0,
      sending: counts.sending ?? 0,
      failed: counts.failed ?? 0,
      conflict: counts.conflict ?? 0,
      online: this.probe.online,
      quarantined,
    };
  }

  /** Unreadable rows set aside by the queue, as stored. */
  quarantined(): QuarantinedRow[] {
    return this.rows.repository.quarantined();
  }

  /** The audit log, oldest first: the last `limit` rows, of one return or of all. */
  audit(returnId?: number, limit = 500): AuditEntry[] {
    return this.auditLog.latest(returnId, limit);
  }

  /** Writes the audit log (of one return or all) as CSV: UTF-8 with BOM, RFC 4180 quoting. Returns the rows written. */
  exportAuditCsv(target: string | Writable, options: { returnId?: number; locale?: RuleLocale } = {}): Promise<number> {
    return this.auditLog.exportCsv(target, options);
  }

  // ------------------------------------------------------------ sending

  /** Starts sending; rows left in `sending` by a previous run are reconciled before anything is re-sent. */
  start(): void {
    this.pump.start();
  }

  /** Stops sending; waits for requests in flight (up to stopGraceMs), then aborts the rest (they are reconciled next time). */
  stop(): Promise<void> {
    return this.pump.stop();
  }

  get isRunning(): boolean {
    return this.run.running;
  }

  /** Resolves true once nothing is queued or sending (quarantined rows aside), false after `timeoutMs`. */
  whenIdle(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.pump.whenIdle(timeoutMs, signal);
  }

  /** Requests of this outbox in flight right now (for benchmarks and diagnostics). */
  get inFlightCount(): number {
    return this.pump.inFlightCount;
  }

  // ------------------------------------------------------------ helpers

  /** Schema, store and outbox checks, then the rules against what the Market allows. */
  private async checked(
    draftInput: unknown,
  ): Promise<{ draft: DecisionDraft; ret: NonNullable<ReturnType<Store['getReturn']>>; available: AvailableDecisions }> {
    const locale = this.localeOf();
    const schema = draftSchemaIssues(draftInput, locale);
    if (schema.length) throw new DraftRejectedError(schema);
    const draft = DecisionDraft.parse(draftInput);
    const ret = this.store.getReturn(draft.returnId);
    if (!ret) throw this.rejected('return.unknown', { returnId: draft.returnId });
    if (!ret.awaitingDecision) throw this.rejected('return.notAwaiting', { returnId: draft.returnId, status: ret.refundStatus ?? 'unknown' });
    // The deadline is the Market's: it confirms the return by its own clock, whatever this computer's says.
    if (ret.decisionDeadline && Date.parse(ret.decisionDeadline) <= this.marketNow()) {
      throw this.rejected('return.deadlinePassed', { returnId: draft.returnId, deadline: ret.decisionDeadline });
    }
    const active = this.rows.activeFor(draft.returnId);
    if (active) throw this.rejected('return.alreadyQueued', { returnId: draft.returnId, state: active.state, outboxId: active.id });
    const available = await this.availableForSubmit(draft.returnId);
    const issues = checkDraft(draft, available, locale);
    if (issues.length) throw new DraftRejectedError(issues);
    return { draft, ret, available };
  }

  /** Keeps the Market's answer for offline use; a full disk only costs the copy, never the answer the operator asked for. */
  private keepAvailable(returnId: number, decisions: ReturnType<typeof toAvailableDecisions>, now: number): void {
    try {
      this.store.saveDecisionOptions(returnId, decisions, now);
    } catch (error) {
      this.logger.warn('available decisions not kept', { returnId, error: describeFailure(diskFullOf(error, this.store.folder) ?? error) });
    }
  }

  /** The kept answer when it is current, else the Market, else any kept answer; refused when none. */
  private async availableForSubmit(returnId: number): Promise<AvailableDecisions> {
    const cached = this.cachedAvailable(returnId);
    if (cached?.current && this.clock.now() - Date.parse(cached.available.fetchedAt) < this.availableMaxAgeMs) return cached.available;
    try {
      return await this.available(returnId);
    } catch (error) {
      if (error instanceof MarketError && isUnreachable(error)) throw this.rejected('return.availableUnknown', { returnId });
      throw error;
    }
  }

  /** The available decisions kept in the store; `current` when fetched after the return last changed. */
  private cachedAvailable(returnId: number): { available: AvailableDecisions; current: boolean } | undefined {
    const row = this.store.decisionOptions(returnId);
    if (!row) return undefined;
    try {
      const available = AvailableDecisions.parse({
        returnId,
        decisions: JSON.parse(row.json),
        items: this.itemsOf(returnId),
        source: 'cache',
        fetchedAt: new Date(row.fetchedAt).toISOString(),
      });
      return { available, current: row.current };
    } catch (error) {
      this.logger.warn('unreadable cache of available decisions ignored', { returnId, error: describeFailure(error) });
      return undefined;
    }
  }

  /** The items to decide on, from the store: return items with their ids, names and position amounts. */
  private itemsOf(returnId: number): AvailableDecisions['items'] {
    const detail = this.store.returnDetail(returnId);
    if (!detail) return [];
    return detail.items
      .filter((i): i is typeof i & { returnItemId: number } => i.returnItemId !== null)
      .map((i) => ({ returnItemId: i.returnItemId, shopSku: i.shopSku, name: i.name, count: i.count, position: i.position }));
  }

  private placementOf(campaignId: number): string | null {
    return this.store.getCampaign(campaignId)?.placementType ?? null;
  }

  /** Keeps the inbox in step with what the re-read showed. */
  private refreshStore(campaignId: number, dto: ReturnDTO): void {
    try {
      this.store.upsertReturns(campaignId, [dto], this.clock.now());
    } catch (error) {
      this.logger.warn('could not refresh the stored return', { returnId: dto.id, error: describeFailure(error) });
    }
  }

  /**
   * The Market's time now, for what is recorded (when queued, changed, accepted) and compared with its
   * deadlines; waits and retries stay on this computer's clock, which the timers run on.
   */
  private marketNow(): number {
    return this.client.time.now();
  }

  /** The hold for a new decision now, in ms (settings may change between decisions). */
  private hold(): number {
    const ms = Math.floor(this.holdOf());
    return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 60_000) : 0;
  }

  private rejected(rule: SubmitRule, params: Params): DraftRejectedError {
    return new DraftRejectedError([draftIssue(this.localeOf(), null, 'return', rule, params)]);
  }

  private refused(reason: 'not-found' | 'not-editable' | 'not-cancellable' | 'return-mismatch', id: number, state: OutboxState | null): OutboxRefusedError {
    const ru = this.localeOf() === 'ru';
    const text: Record<typeof reason, string> = {
      'not-found': ru ? `Решения №${id} нет в очереди.` : `There is no decision #${id} in the outbox.`,
      'not-editable': ru
        ? `Решение №${id} уже нельзя изменить: оно в состоянии «${state}». Изменить можно только решение в очереди, до начала отправки.`
        : `Decision #${id} can no longer be changed: it is ${state}. Only a queued decision, before sending begins, can be changed.`,
      'not-cancellable': ru
        ? `Решение №${id} уже нельзя отменить: оно в состоянии «${state}». Отменить можно только решение в очереди, до начала отправки.`
        : `Decision #${id} can no longer be cancelled: it is ${state}. Only a queued decision, before sending begins, can be cancelled.`,
      'return-mismatch': ru ? `Решение №${id} относится к другому возврату.` : `Decision #${id} is for another return.`,
    };
    return new OutboxRefusedError(reason, id, state, text[reason]);
  }
}
