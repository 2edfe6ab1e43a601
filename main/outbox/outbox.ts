/**
 * The durable queue of return decisions. A decision is committed to SQLite before `submit()`
 * returns; the drain loop sends it through the key's scheduler at `decision` priority with
 * submitReturnDecision, confirms it by re-reading the return, and never sends it twice: a row found
 * in `sending` (after a crash or an unknown outcome) is reconciled against the server first.
 */
import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { AvailableDecisions, DecisionDraft, OutboxEntry, type AuditEntry, type DraftIssue, type OutboxState } from '../../preload/contract.ts';
import { checkDraft, draftIssue, draftSchemaIssues, type RuleLocale, type SubmitRule } from '../../preload/decision-rules.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import { MarketError } from '../market/errors.ts';
import { systemClock, type Clock } from '../market/scheduler.ts';
import { REFUND_STATUSES, RETURN_DECISION_TYPES } from '../market/schemas.ts';
import type { ReturnDTO, ReturnItemDecisionInput } from '../market/schemas.ts';
import {
  SqliteAuditRepository,
  SqliteOutboxRepository,
  type AuditRepository,
  type DraftDescriber,
  type OutboxChange,
  type OutboxRecord,
  type OutboxRepository,
} from '../store/outbox-repository.ts';
import { awaitsDecision, type Store } from '../store/store.ts';
import { DECISION_OPTIONS_MAX_AGE_MS, toAvailableDecisions } from '../sync/decision-options.ts';
import { auditCsv } from './csv.ts';
import { DraftRejectedError, OutboxRefusedError, ReturnNotKnownError } from './errors.ts';
import { explain, type Explanation } from './texts.ts';

export interface OutboxBackoff {
  /** First retry delay after a transient failure. */
  baseMs: number;
  maxMs: number;
  /** First probe delay after going offline; doubles up to probeMaxMs. */
  probeBaseMs: number;
  probeMaxMs: number;
  /** Wait after the Market refused the key (the scheduler is halted until the key changes). */
  authRetryMs: number;
  /** Re-reads after a 200 before an invisible decision is declared failed. */
  confirmChecks: number;
}

export const DEFAULT_BACKOFF: OutboxBackoff = {
  baseMs: 2_000,
  maxMs: 5 * 60_000,
  probeBaseMs: 1_000,
  probeMaxMs: 60_000,
  authRetryMs: 5 * 60_000,
  confirmChecks: 5,
};

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

type Params = Record<string, string | number>;

type Row = OutboxRecord;

type Verdict =
  | { kind: 'match' }
  /** Every item shows a decision, but of a type this app does not know (the API grew): ours cannot be recognised. */
  | { kind: 'unrecognised'; decisions: string; status: string | null }
  | { kind: 'differs'; decisions: string; status: string | null }
  | { kind: 'absent'; awaiting: boolean; status: string | null };

const AUTO_CONFIRMED_STATUSES = new Set(['PREMODERATION_SELECT_DELIVERY', 'REFUND_IN_PROGRESS']);
const CANCELLED_STATUSES = new Set(['CANCELLED']);
const DISPUTE_STATUSES = new Set(['PREMODERATION_DISPUTE']);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The OS user, or 'operator' where the OS will not say. */
export function defaultOperator(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

/** `123:REFUND_MONEY; 124:DECLINE_REFUND:MECHANICAL_DAMAGE` — the items of a decision in one line. */
export function itemsSummary(draft: DecisionDraft): string {
  return draft.items
    .map((i) =>
      [i.returnItemId, i.decisionType, i.reasonType, i.compensation === undefined ? undefined : `${i.compensation} RUB`]
        .filter((x) => x !== undefined && x !== '')
        .join(':'),
    )
    .join('; ');
}

/** The body item of submitReturnDecision for one drafted item. */
export function toDecisionInput(item: DecisionDraft['items'][number]): ReturnItemDecisionInput {
  return {
    returnItemId: item.returnItemId,
    decisionType: item.decisionType as ReturnItemDecisionInput['decisionType'],
    ...(item.reasonType ? { decisionReasonType: item.reasonType as NonNullable<ReturnItemDecisionInput['decisionReasonType']> } : {}),
    ...(item.comment?.trim() ? { comment: item.comment.trim() } : {}),
    ...(item.compensation !== undefined ? { compensation: { value: item.compensation, currencyId: 'RUR' } } : {}),
  };
}

/** Per item: does the return on the server already carry our decision, another one, or none? */
export function compareWithServer(draft: DecisionDraft, dto: ReturnDTO, placementType: string | null): Verdict {
  const server = new Map<number, string>();
  for (const item of dto.items) {
    for (const d of item.decisions ?? []) {
      if (typeof d.returnItemId === 'number' && d.decisionType && d.decisionType !== 'UNKNOWN') server.set(d.returnItemId, d.decisionType);
    }
  }
  const status = dto.refundStatus ?? null;
  const mine = draft.items;
  if (mine.every((i) => server.get(i.returnItemId) === i.decisionType)) return { kind: 'match' };
  const known = new Set<string>(RETURN_DECISION_TYPES);
  const unrecognised = mine.filter((i) => server.has(i.returnItemId) && !known.has(server.get(i.returnItemId)!));
  if (unrecognised.length > 0 && mine.every((i) => server.get(i.returnItemId) === i.decisionType || unrecognised.includes(i))) {
    return { kind: 'unrecognised', decisions: [...server].map(([id, type]) => `${id}:${type}`).join(', '), status };
  }
  if (server.size > 0) return { kind: 'differs', decisions: [...server].map(([id, type]) => `${id}:${type}`).join(', '), status };
  return { kind: 'absent', awaiting: awaitsDecision(placementType, status), status };
}

export class Outbox extends EventEmitter<OutboxEvents> {
  private readonly store: Store;
  private readonly client: MarketClient;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly localeOf: () => RuleLocale;
  private readonly operatorOf: () => string;
  private readonly backoff: OutboxBackoff;
  private readonly concurrency: number;
  private readonly availableMaxAgeMs: number;
  private readonly stopGraceMs: number;
  private readonly holdOf: () => number;
  private readonly repo: OutboxRepository<'sync'>;
  private readonly auditLog: AuditRepository<'sync'>;
  private readonly inFlight = new Map<number, Promise<void>>();
  private running = false;
  private stopping = false;
  private online = true;
  private abort = new AbortController();
  private wakeHandle: unknown;
  private wakeAt = Number.POSITIVE_INFINITY;
  private probeHandle: unknown;
  private probing = false;
  private probeFailures = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: OutboxOptions) {
    super();
    this.store = options.store;
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'outbox' });
    this.random = options.random ?? Math.random;
    this.localeOf = options.locale ?? (() => 'en');
    this.operatorOf = options.operator ?? defaultOperator;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
    this.availableMaxAgeMs = options.availableMaxAgeMs ?? DECISION_OPTIONS_MAX_AGE_MS;
    this.stopGraceMs = options.stopGraceMs ?? 5_000;
    this.holdOf = options.holdMs ?? (() => 0);
    this.repo = options.repository ?? new SqliteOutboxRepository(this.store);
    this.auditLog = options.auditRepository ?? new SqliteAuditRepository(this.store);
    // Any request of this key that succeeds (a sync, a chat) proves the Market is back: resume at once.
    this.client.reachability.on('change', (state) => {
      if (state.online) this.setOnline(true);
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
      this.store.saveDecisionOptions(returnId, decisions, now);
      this.setOnline(true);
      return AvailableDecisions.parse({ returnId, decisions, items: this.itemsOf(returnId), source: 'market', fetchedAt: new Date(now).toISOString() });
    } catch (error) {
      const cached = this.cachedAvailable(returnId);
      if (error instanceof MarketError && isUnreachable(error)) {
        if (error.kind === 'network' || error.kind === 'timeout') this.setOnline(false);
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
    const stored = this.repo.enqueue(
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
    const entry = this.entryOf(this.mustLoad(id));
    this.logger.info('decision queued', { outboxId: id, returnId: draft.returnId, items: draft.items.length, holdMs: hold });
    this.emitChanged(id);
    this.kick();
    return { entry, checkedAgainst: available };
  }

  /** Replaces a decision that is still queued; refused once sending has begun. */
  async edit(outboxId: number, draftInput: unknown, operator?: string): Promise<OutboxEntry> {
    const row = this.load(outboxId);
    if (!row) throw this.refused('not-found', outboxId, null);
    const schema = draftSchemaIssues(draftInput, this.localeOf());
    if (schema.length) throw new DraftRejectedError(schema);
    const draft = DecisionDraft.parse(draftInput);
    if (draft.returnId !== row.returnId) throw this.refused('return-mismatch', outboxId, row.state);
    if (row.state !== 'queued' || this.inFlight.has(outboxId)) throw this.refused('not-editable', outboxId, row.state);
    const available = await this.availableForSubmit(draft.returnId);
    const issues = checkDraft(draft, available, this.localeOf());
    if (issues.length) throw new DraftRejectedError(issues);
    const who = (operator ?? '').trim() || this.operatorOf();
    const now = this.clock.now();
    // A decision changed while held is held again from now: the operator gets the same time to take the new one back.
    const held = this.isHeld(row, now);
    const changed = this.repo.replaceDraft(
      outboxId,
      { draft, at: this.marketNow(), nextAttemptAt: held ? now + this.hold() : row.nextAttemptAt, explanationCode: held ? 'held' : 'edited', operator: who },
      describeDraft,
    );
    if (!changed || this.inFlight.has(outboxId)) throw this.refused('not-editable', outboxId, this.load(outboxId)?.state ?? null);
    this.emitChanged(outboxId);
    this.kick();
    return this.entryOf(this.mustLoad(outboxId));
  }

  /** Cancels a decision that is still queued; refused once sending has begun. */
  cancel(outboxId: number, operator?: string): OutboxEntry {
    const row = this.load(outboxId);
    if (!row) throw this.refused('not-found', outboxId, null);
    if (row.state !== 'queued' || this.inFlight.has(outboxId)) throw this.refused('not-cancellable', outboxId, row.state);
    const who = (operator ?? '').trim() || this.operatorOf();
    const changed = this.repo.cancel(outboxId, this.marketNow(), who, describeDraft);
    if (!changed) throw this.refused('not-cancellable', outboxId, this.load(outboxId)?.state ?? null);
    this.emitChanged(outboxId);
    return this.entryOf(this.mustLoad(outboxId));
  }

  // ------------------------------------------------------------ outbox.* and audit.* channels

  list(filter: ListFilter = {}): OutboxEntry[] {
    const ids = this.repo.ids(filter);
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      const row = this.load(id);
      if (row) out.push(this.entryOf(row));
    }
    return out;
  }

  /** Decisions queued or being sent: when each was queued, whether the Market already accepted it, and why it waits. */
  pending(): PendingEntry[] {
    return this.repo.pending().map((r) => ({
      id: r.id,
      returnId: r.returnId,
      state: r.state,
      queuedAt: r.createdAt,
      acceptedAt: r.acceptedAt,
      explanationCode: r.explanationCode,
    }));
  }

  get(outboxId: number): OutboxEntry | undefined {
    const row = this.load(outboxId);
    return row ? this.entryOf(row) : undefined;
  }

  /** Sends queued decisions now instead of at their next retry (one, or all); probes at once when offline. */
  retry(outboxId?: number, operator?: string): { scheduled: number } {
    const now = this.clock.now();
    let chosen: number[] | 'all' = 'all';
    if (outboxId !== undefined) {
      const row = this.load(outboxId);
      if (!row) throw this.refused('not-found', outboxId, null);
      chosen = row.state === 'queued' || row.state === 'sending' ? [row.id] : [];
    }
    const who = (operator ?? '').trim() || this.operatorOf();
    const ids = this.repo.requestSendNow(chosen, { dueAt: now, at: this.marketNow() }, who);
    if (!this.online) {
      this.probeFailures = 0;
      this.clearProbe();
    }
    for (const id of ids) this.emitChanged(id);
    this.kick();
    return { scheduled: ids.length };
  }

  status(): OutboxStatus {
    const { byState: counts, quarantined } = this.repo.counts();
    return {
      queued: counts.queued ?? 0,
      sending: counts.sending ?? 0,
      failed: counts.failed ?? 0,
      conflict: counts.conflict ?? 0,
      online: this.online,
      quarantined,
    };
  }

  /** Unreadable rows set aside by the queue, as stored. */
  quarantined(): QuarantinedRow[] {
    return this.repo.quarantined();
  }

  /** The audit log, oldest first: the last `limit` rows, of one return or of all. */
  audit(returnId?: number, limit = 500): AuditEntry[] {
    const cap = Math.min(Math.max(1, Math.floor(limit)), 100_000);
    return this.auditLog.latest(returnId, cap);
  }

  /** Writes the audit log (of one return or all) as CSV: UTF-8 with BOM, RFC 4180 quoting. Returns the rows written. */
  async exportAuditCsv(target: string | Writable, options: { returnId?: number; locale?: RuleLocale } = {}): Promise<number> {
    const rows = this.auditLog.all(options.returnId);
    const text = auditCsv(rows, options.locale ?? this.localeOf());
    const stream = typeof target === 'string' ? createWriteStream(target, { encoding: 'utf8', mode: 0o600 }) : target;
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
    if (typeof target === 'string') await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return rows.length;
  }

  // ------------------------------------------------------------ the drain loop

  /** Starts sending; rows left in `sending` by a previous run are reconciled before anything is re-sent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.abort = new AbortController();
    this.scanQuarantine();
    const unknown = this.repo.counts().byState.sending ?? 0;
    if (unknown > 0) this.logger.warn('decisions found in sending at start: their outcome is checked before any resend', { count: unknown });
    this.kick();
  }

  /** Stops sending; waits for requests in flight (up to stopGraceMs), then aborts the rest (they are reconciled next time). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.clearWake();
    this.clearProbe();
    const pending = [...this.inFlight.values()];
    if (pending.length) {
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, this.stopGraceMs, { keepAlive: true });
      });
      await Promise.race([Promise.allSettled(pending), grace]);
      this.clock.clearTimeout(timer);
      this.abort.abort(new Error('outbox stopped'));
      await Promise.allSettled([...this.inFlight.values()]);
    }
    this.stopping = false;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Resolves true once nothing is queued or sending (quarantined rows aside), false after `timeoutMs`. */
  whenIdle(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onIdle = (): void => done(true);
      const onAbort = (): void => done(false);
      // The caller waits for this: it holds a one-shot command (outbox drain) open until idle, the timeout or the abort.
      const timer = this.clock.setTimeout(() => done(false), timeoutMs, { keepAlive: true });
      this.idleWaiters.push(onIdle);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Requests of this outbox in flight right now (for benchmarks and diagnostics). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private isIdle(): boolean {
    const s = this.status();
    return s.queued === 0 && s.sending === 0 && this.inFlight.size === 0;
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  private kick(): void {
    if (!this.running) return;
    queueMicrotask(() => this.pump());
  }

  private pump(): void {
    if (!this.running) return;
    if (!this.online) {
      this.scheduleProbe();
      return;
    }
    const now = this.clock.now();
    const free = this.concurrency - this.inFlight.size;
    if (free > 0) {
      const due = this.repo
        .due(now, free + this.inFlight.size)
        .filter((id) => !this.inFlight.has(id))
        .slice(0, free);
      for (const id of due) {
        const work = this.attempt(id)
          .catch((error: unknown) => this.logger.error('outbox attempt crashed', { outboxId: id, error: error instanceof Error ? error : String(error) }))
          .finally(() => {
            this.inFlight.delete(id);
            this.notifyIdle();
            this.kick();
          });
        this.inFlight.set(id, work);
      }
    }
    const next = this.repo.nextAttemptAfter(now);
    if (next !== null) this.wake(next);
    this.notifyIdle();
  }

  private wake(at: number): void {
    if (this.wakeHandle !== undefined && at >= this.wakeAt) return;
    this.clearWake();
    this.wakeAt = at;
    this.wakeHandle = this.clock.setTimeout(
      () => {
        this.wakeHandle = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  private clearWake(): void {
    if (this.wakeHandle !== undefined) this.clock.clearTimeout(this.wakeHandle);
    this.wakeHandle = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  // ------------------------------------------------------------ online / offline

  private setOnline(online: boolean): void {
    // Requests aborted by stop() say nothing about the connection.
    if (this.online === online || (!online && (this.stopping || this.abort.signal.aborted))) return;
    this.online = online;
    this.logger.info(online ? 'the Market is reachable again: resuming the outbox' : 'the Market cannot be reached: outbox paused', {});
    if (online) {
      this.probeFailures = 0;
      this.clearProbe();
      // What waited for the connection goes now, not at its backed-off retry time.
      const now = this.clock.now();
      this.repo.resumeWaiting(['offline', 'unknownOutcome'], now);
    }
    this.emit('status', this.status());
    if (online) this.kick();
  }

  private scheduleProbe(): void {
    if (!this.running || this.probing || this.probeHandle !== undefined) return;
    const ceiling = Math.min(this.backoff.probeMaxMs, this.backoff.probeBaseMs * 2 ** Math.min(this.probeFailures, 20));
    const delay = this.probeFailures === 0 ? this.backoff.probeBaseMs : Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    this.probeHandle = this.clock.setTimeout(() => {
      this.probeHandle = undefined;
      void this.probe();
    }, delay);
  }

  private clearProbe(): void {
    if (this.probeHandle !== undefined) this.clock.clearTimeout(this.probeHandle);
    this.probeHandle = undefined;
  }

  /** A cheap read (the oldest waiting decision's return) at decision priority: does the Market answer? */
  private async probe(): Promise<void> {
    if (!this.running || this.online) return;
    const head = this.repo.oldestWaiting();
    if (!head) return; // nothing waits: the next submit probes again
    this.probing = true;
    try {
      await this.client.getReturn(head.campaignId, head.orderId, head.returnId, { priority: 'decision', signal: this.abort.signal });
      this.setOnline(true);
    } catch (error) {
      if (error instanceof MarketError && !isUnreachable(error)) this.setOnline(true);
      else {
        this.probeFailures++;
        this.logger.debug('probe failed: still offline', { failures: this.probeFailures, error: describe(error) });
      }
    } finally {
      this.probing = false;
    }
    if (!this.online) this.scheduleProbe();
  }

  // ------------------------------------------------------------ one attempt

  private async attempt(id: number): Promise<void> {
    const row = this.load(id);
    if (!row || (row.state !== 'queued' && row.state !== 'sending')) return;
    if (row.state === 'queued') {
      const claimed = this.transition(
        row,
        {
          state: 'sending',
          attempts: row.attempts + 1,
          nextAttemptAt: null,
          ...(row.explanationCode === 'held' ? { explanation: ['queued', {}] as [Explanation, Params] } : {}),
        },
        'sending',
        null,
      );
      if (!claimed) return;
      await this.send(claimed);
      return;
    }
    // `sending` and not in flight here: the previous send's outcome is unknown (crash, lost answer),
    // or the Market accepted it and we wait to see it. Re-read before anything is sent again.
    await this.reconcile(row);
  }

  private async send(row: Row): Promise<void> {
    try {
      await this.client.submitReturnDecision(row.campaignId, row.orderId, row.returnId, row.draft.items.map(toDecisionInput), {
        priority: 'decision',
        signal: this.abort.signal,
      });
    } catch (error) {
      await this.onSendError(row, error);
      return;
    }
    this.setOnline(true);
    const accepted = this.transition(row, { acceptedAt: this.marketNow(), explanation: ['notConfirmedYet', {}], serverMessage: null }, 'accepted', 'OK');
    if (accepted) await this.reconcile(accepted);
  }

  /** Re-reads the return and settles the row: delivered, conflict, resend (never after a 200), or check again later. */
  private async reconcile(row: Row): Promise<void> {
    let dto: ReturnDTO;
    try {
      dto = await this.client.getReturn(row.campaignId, row.orderId, row.returnId, { priority: 'decision', signal: this.abort.signal });
    } catch (error) {
      this.onReadError(row, error);
      return;
    }
    this.setOnline(true);
    this.refreshStore(row.campaignId, dto);
    const verdict = compareWithServer(row.draft, dto, this.placementOf(row.campaignId));
    const seen = `refundStatus ${dto.refundStatus ?? 'none'}; decisions ${verdict.kind === 'differs' || verdict.kind === 'unrecognised' ? verdict.decisions : verdict.kind === 'match' ? itemsSummary(row.draft) : 'none'}`;
    if (verdict.kind === 'match') {
      this.transition(row, { state: 'delivered', nextAttemptAt: null, explanation: [row.acceptedAt ? 'delivered' : 'deliveredFound', {}] }, 'delivered', seen);
      return;
    }
    if (verdict.kind === 'unrecognised' && row.acceptedAt !== null) {
      // The Market answered 200 to our one submission and every item now carries a decision: that is ours,
      // shown in a type this version cannot name. Calling it "decided by someone else" would be false.
      this.transition(row, { state: 'delivered', nextAttemptAt: null, explanation: ['delivered', {}] }, 'delivered', seen);
      return;
    }
    if (row.acceptedAt !== null && verdict.kind === 'absent') {
      // Accepted but not visible yet: never resend after a 200; look again, then give up loudly.
      const checks = row.attempts;
      if (checks >= this.backoff.confirmChecks) {
        this.transition(row, { state: 'failed', nextAttemptAt: null, explanation: ['failedNotConfirmed', { checks }] }, 'failed', seen);
      } else {
        this.transition(
          row,
          { attempts: row.attempts + 1, nextAttemptAt: this.clock.now() + this.delay(row.attempts), explanation: ['notConfirmedYet', {}] },
          'confirm-pending',
          seen,
        );
      }
      return;
    }
    if (verdict.kind === 'absent' && verdict.awaiting) {
      const again = this.transition(row, { attempts: row.attempts + 1 }, 'resending', seen);
      if (again) await this.send(again);
      return;
    }
    if (verdict.kind === 'absent' && !isKnownStatus(verdict.status)) {
      this.awaitKnownStatus(row, verdict.status, seen);
      return;
    }
    this.conflict(row, verdict, null, seen);
  }

  /**
   * The return shows no decision and a status this app does not know: neither "send" nor "conflict"
   * can be told. Nothing is sent and nothing is settled; the return is re-read later, less often each time.
   */
  private awaitKnownStatus(row: Row, status: string | null, seen: string): void {
    const checks = (row.explanationCode === 'statusUnknown' ? Number(row.explanationParams.checks) || 0 : 0) + 1;
    this.transition(
      row,
      { nextAttemptAt: this.clock.now() + this.delay(row.attempts + checks), explanation: ['statusUnknown', { status: status ?? 'none', checks }] },
      'status-unknown',
      seen,
    );
  }

  private conflict(row: Row, verdict: Exclude<Verdict, { kind: 'match' }>, error: MarketError | null, seen: string): void {
    const status = verdict.status ?? '';
    let code: Explanation;
    let params: Params = {};
    if (CANCELLED_STATUSES.has(status)) code = 'conflictCancelled';
    else if (DISPUTE_STATUSES.has(status)) code = 'conflictDispute';
    else if (verdict.kind === 'differs' || verdict.kind === 'unrecognised') {
      code = 'conflictAlreadyDecided';
      params = { decisions: verdict.decisions };
    } else if (AUTO_CONFIRMED_STATUSES.has(status)) code = 'conflictAutoConfirmed';
    else if (error && /deadline/i.test(error.serverMessage ?? '')) code = 'conflictDeadlinePassed';
    else {
      code = 'conflictNotAwaiting';
      params = { status: status || 'unknown' };
    }
    const serverMessage = error?.serverMessage ?? row.serverMessage ?? null;
    this.transition(
      row,
      { state: 'conflict', nextAttemptAt: null, serverMessage, explanation: [code, params] },
      'conflict',
      error?.serverMessage ? `${error.serverMessage} | ${seen}` : seen,
    );
  }

  private async onSendError(row: Row, error: unknown): Promise<void> {
    const now = this.clock.now();
    if (!(error instanceof MarketError)) {
      if (this.stopping || this.abort.signal.aborted) return; // left in `sending`: reconciled on the next start
      // Refused by the client before any request (its own input check): permanent.
      const message = error instanceof Error ? error.message : String(error);
      this.transition(row, { state: 'failed', nextAttemptAt: null, serverMessage: message, explanation: ['failedServer', {}] }, 'failed', message);
      return;
    }
    const answer = errorAnswer(error);
    switch (error.kind) {
      case 'network':
        // The client raises a plain network error for a write only when the request never left.
        this.transition(row, { state: 'queued', nextAttemptAt: now + this.delay(row.attempts), explanation: ['offline', {}] }, 'not-sent', answer);
        this.setOnline(false);
        return;
      case 'rate-limited':
        this.transition(
          row,
          { state: 'queued', nextAttemptAt: Math.max(error.retryAt ?? 0, now + this.delay(row.attempts)), explanation: ['rateLimited', {}] },
          'not-sent',
          answer,
        );
        return;
      case 'auth':
      case 'forbidden':
        this.transition(
          row,
          { state: 'queued', nextAttemptAt: now + this.backoff.authRetryMs, serverMessage: error.serverMessage ?? null, explanation: ['authProblem', {}] },
          'not-sent',
          answer,
        );
        return;
      case 'not-found':
        this.transition(
          row,
          { state: 'failed', nextAttemptAt: null, serverMessage: error.serverMessage ?? null, explanation: ['failedNotFound', {}] },
          'failed',
          answer,
        );
        return;
      case 'bad-request':
        await this.afterRefusal(row, error);
        return;
      default: {
        // unknown-outcome (and anything that may have reached the server): keep `sending`, reconcile before resending.
        const unreachable = error.causeCode !== undefined && !['server', 'malformed', 'bad-request'].includes(error.causeCode);
        this.transition(
          row,
          { nextAttemptAt: now + this.delay(row.attempts), serverMessage: null, explanation: ['unknownOutcome', {}] },
          'unknown-outcome',
          answer,
        );
        if (unreachable || error.kind === 'timeout') this.setOnline(false);
      }
    }
  }

  /** A 4xx for the submit: ours already there, the return moved on (conflict), or a refusal (failed, verbatim). */
  private async afterRefusal(row: Row, error: MarketError): Promise<void> {
    let dto: ReturnDTO;
    try {
      dto = await this.client.getReturn(row.campaignId, row.orderId, row.returnId, { priority: 'decision', signal: this.abort.signal });
    } catch (readError) {
      // Cannot classify now: the refusal is kept and the row reconciled later (a resend would be refused again if it stands).
      this.transition(row, { serverMessage: error.serverMessage ?? null }, 'refused', errorAnswer(error));
      this.onReadError(this.load(row.id) ?? row, readError);
      return;
    }
    this.setOnline(true);
    this.refreshStore(row.campaignId, dto);
    const verdict = compareWithServer(row.draft, dto, this.placementOf(row.campaignId));
    const seen = `refundStatus ${dto.refundStatus ?? 'none'}`;
    if (verdict.kind === 'match') {
      this.transition(
        row,
        { state: 'delivered', nextAttemptAt: null, explanation: ['deliveredFound', {}] },
        'delivered',
        `${error.serverMessage ?? ''} | ${seen}; decisions already present`,
      );
      return;
    }
    if (verdict.kind === 'absent' && verdict.awaiting) {
      this.transition(
        row,
        { state: 'failed', nextAttemptAt: null, serverMessage: error.serverMessage ?? error.message, explanation: ['failedServer', {}] },
        'failed',
        errorAnswer(error),
      );
      return;
    }
    if (verdict.kind === 'absent' && !isKnownStatus(verdict.status)) {
      // The refusal is kept; a re-read that can tell decides (a resend would be refused again if it stands).
      const refused = this.transition(row, { serverMessage: error.serverMessage ?? null }, 'refused', errorAnswer(error));
      this.awaitKnownStatus(refused ?? row, verdict.status, seen);
      return;
    }
    this.conflict(row, verdict, error, seen);
  }

  private onReadError(row: Row, error: unknown): void {
    if (!(error instanceof MarketError)) {
      if (this.stopping || this.abort.signal.aborted) return;
      this.logger.error('re-reading the return failed', { outboxId: row.id, error: describe(error) });
    }
    const now = this.clock.now();
    if (error instanceof MarketError && error.kind === 'not-found') {
      this.transition(
        row,
        { state: 'failed', nextAttemptAt: null, serverMessage: error.serverMessage ?? null, explanation: ['failedNotFound', {}] },
        'failed',
        errorAnswer(error),
      );
      return;
    }
    const code: Explanation =
      error instanceof MarketError && error.kind === 'rate-limited'
        ? 'rateLimited'
        : error instanceof MarketError && (error.kind === 'auth' || error.kind === 'forbidden')
          ? 'authProblem'
          : row.acceptedAt
            ? 'notConfirmedYet'
            : 'unknownOutcome';
    const retryAt = error instanceof MarketError && error.kind === 'rate-limited' && error.retryAt ? error.retryAt : now + this.delay(row.attempts);
    this.transition(
      row,
      { nextAttemptAt: retryAt, explanation: [code, {}] },
      're-read-failed',
      error instanceof MarketError ? errorAnswer(error) : describe(error),
    );
    if (error instanceof MarketError && isUnreachable(error) && error.kind !== 'server' && error.kind !== 'malformed') this.setOnline(false);
  }

  // ------------------------------------------------------------ rows

  private transition(row: Row, change: OutboxChange & { explanation?: [Explanation, Params] }, action: string, serverAnswer: string | null): Row | undefined {
    const moved = this.repo.transition(row.id, row.state, change, {
      at: this.marketNow(),
      action,
      serverAnswer,
      ...(action === 'sending' || action === 'resending' ? { describe: describeDraft } : {}),
    });
    const next = moved ? this.load(row.id) : undefined;
    if (next) {
      this.logger.info(`outbox ${action}`, {
        outboxId: row.id,
        returnId: row.returnId,
        state: next.state,
        attempts: next.attempts,
        answer: serverAnswer ?? undefined,
      });
      this.emitChanged(row.id);
    }
    return next;
  }

  private load(id: number): Row | undefined {
    const read = this.repo.read(id);
    if (!read) return undefined;
    if ('unreadable' in read) {
      this.quarantine(id, read.unreadable);
      return undefined;
    }
    return read.record;
  }

  private mustLoad(id: number): Row {
    const row = this.load(id);
    if (!row) throw new Error(`outbox row ${id} vanished`);
    return row;
  }

  private scanQuarantine(): void {
    for (const id of this.repo.unsettledIds()) this.load(id);
  }

  /** Sets an unreadable row aside: flagged, kept byte for byte, logged, audited, announced. */
  private quarantine(id: number, reason: string): void {
    this.repo.quarantine(id, reason, this.marketNow());
    this.logger.error('unreadable outbox row quarantined: kept, not sent', { outboxId: id, reason });
    const row = this.quarantined().find((q) => q.id === id);
    if (row) this.emit('quarantined', row);
    this.emit('status', this.status());
  }

  private entryOf(row: Row): OutboxEntry {
    return OutboxEntry.parse({
      id: row.id,
      returnId: row.returnId,
      orderId: row.orderId,
      campaignId: row.campaignId,
      state: row.state,
      draft: row.draft,
      operator: row.operator,
      createdAt: new Date(row.createdAt).toISOString(),
      updatedAt: new Date(row.updatedAt).toISOString(),
      attempts: row.attempts,
      nextAttemptAt: row.state === 'queued' || row.state === 'sending' ? iso(row.nextAttemptAt) : null,
      serverMessage: row.serverMessage,
      explanation: explain(row.explanationCode, row.explanationParams, this.localeOf()),
      holdUntil: this.isHeld(row, this.clock.now()) ? iso(row.nextAttemptAt) : null,
    });
  }

  private emitChanged(id: number): void {
    const row = this.load(id);
    if (!row) return;
    const entry = this.entryOf(row);
    try {
      this.emit('changed', entry);
    } catch (error) {
      // A failing listener must not break the queue.
      this.logger.error('outbox listener failed', { error: describe(error) });
    }
  }

  private activeFor(returnId: number): Row | undefined {
    const active = this.repo.activeFor(returnId);
    return active ? this.load(active.id) : undefined;
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
    const active = this.activeFor(draft.returnId);
    if (active) throw this.rejected('return.alreadyQueued', { returnId: draft.returnId, state: active.state, outboxId: active.id });
    const available = await this.availableForSubmit(draft.returnId);
    const issues = checkDraft(draft, available, locale);
    if (issues.length) throw new DraftRejectedError(issues);
    return { draft, ret, available };
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
      this.logger.warn('unreadable cache of available decisions ignored', { returnId, error: describe(error) });
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
      this.logger.warn('could not refresh the stored return', { returnId: dto.id, error: describe(error) });
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

  /** True while a queued decision is still in its hold. */
  private isHeld(row: Row, now: number): boolean {
    return row.state === 'queued' && row.explanationCode === 'held' && row.nextAttemptAt !== null && row.nextAttemptAt > now;
  }

  private delay(attempt: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
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

/** A refund status the published enum names (its own UNKNOWN and anything newer are not). */
function isKnownStatus(status: string | null): boolean {
  return status !== null && status !== 'UNKNOWN' && (REFUND_STATUSES as readonly string[]).includes(status);
}

/** The outage kinds: the request did not get a usable answer (retry later, fall back to the cache). */
function isUnreachable(error: MarketError): boolean {
  return (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    error.kind === 'server' ||
    error.kind === 'malformed' ||
    error.kind === 'unknown-outcome' ||
    error.kind === 'rate-limited'
  );
}

function errorAnswer(error: MarketError): string {
  return [error.status ? `HTTP ${error.status}` : null, error.kind, error.serverMessage ?? error.causeCode ?? null].filter(Boolean).join(' ');
}

function describe(error: unknown): string {
  if (error instanceof MarketError) return errorAnswer(error);
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** How the audit shows a draft: the items in one line and the request body sent. */
const describeDraft: DraftDescriber = (draft) => ({
  items: itemsSummary(draft),
  payload: JSON.stringify({ returnItemDecisions: draft.items.map(toDecisionInput) }),
});
