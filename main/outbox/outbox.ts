/**
 * The durable queue of return decisions. A decision is committed to SQLite before `submit()`
 * returns; the drain loop sends it through the key's scheduler at `decision` priority with
 * submitReturnDecision, confirms it by re-reading the return, and never sends it twice: a row found
 * in `sending` (after a crash or an unknown outcome) is reconciled against the server first.
 */
import { EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
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
import { awaitsDecision, type Store } from '../store/store.ts';
import { DECISION_OPTIONS_MAX_AGE_MS, toAvailableDecisions } from '../sync/decision-options.ts';
import { auditCsv } from './csv.ts';
import { DraftRejectedError, OutboxRefusedError, ReturnNotKnownError } from './errors.ts';
import { assertOutboxSchema } from './migration.ts';
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
  /** When the operator queued it, epoch ms. */
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

interface Row {
  id: number;
  returnId: number;
  orderId: number;
  campaignId: number;
  state: OutboxState;
  draft: DecisionDraft;
  operator: string;
  createdAt: number;
  updatedAt: number;
  attempts: number;
  nextAttemptAt: number | null;
  acceptedAt: number | null;
  serverMessage: string | null;
  explanationCode: string | null;
  explanationParams: Params;
}

type Verdict =
  | { kind: 'match' }
  /** Every item shows a decision, but of a type this app does not know (the API grew): ours cannot be recognised. */
  | { kind: 'unrecognised'; decisions: string; status: string | null }
  | { kind: 'differs'; decisions: string; status: string | null }
  | { kind: 'absent'; awaiting: boolean; status: string | null };

const STATES: readonly OutboxState[] = ['queued', 'sending', 'delivered', 'failed', 'conflict', 'cancelled'];
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
  private readonly statements = new Map<string, StatementSync>();
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
    assertOutboxSchema(this.store.db);
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
    const id = this.durably(() =>
      this.store.transaction(() => {
        // Re-checked inside the transaction: another submit may have won while we asked the Market.
        const active = this.activeFor(draft.returnId);
        if (active) throw this.rejected('return.alreadyQueued', { returnId: draft.returnId, state: active.state, outboxId: active.id });
        const result = this.stmt(
          `INSERT INTO outbox (return_id, order_id, campaign_id, state, draft_json, operator, created_at, updated_at, attempts, next_attempt_at, explanation_code, explanation_params)
           VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, '{}')`,
        ).run(draft.returnId, ret.orderId, ret.campaignId, JSON.stringify(draft), who, now, now, now + hold, hold > 0 ? 'held' : 'queued');
        const newId = Number(result.lastInsertRowid);
        this.writeAudit({
          at: now,
          operator: who,
          returnId: draft.returnId,
          orderId: ret.orderId,
          campaignId: ret.campaignId,
          outboxId: newId,
          action: 'queued',
          state: 'queued',
          draft,
          serverAnswer: null,
        });
        return newId;
      }),
    );
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
    const changed = this.durably(() =>
      this.store.transaction(() => {
        // The state is checked in the same statement that writes: a send claiming the row cannot interleave.
        const result = this.stmt(
          "UPDATE outbox SET draft_json = ?, updated_at = ?, next_attempt_at = ?, explanation_code = ?, explanation_params = '{}' WHERE id = ? AND state = 'queued' AND quarantined = 0",
        ).run(JSON.stringify(draft), now, held ? now + this.hold() : row.nextAttemptAt, held ? 'held' : 'edited', outboxId);
        if (Number(result.changes) === 0) return false;
        this.writeAudit({
          at: now,
          operator: who,
          returnId: row.returnId,
          orderId: row.orderId,
          campaignId: row.campaignId,
          outboxId,
          action: 'edited',
          state: 'queued',
          draft,
          serverAnswer: null,
        });
        return true;
      }),
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
    const now = this.clock.now();
    const changed = this.durably(() =>
      this.store.transaction(() => {
        const result = this.stmt(
          "UPDATE outbox SET state = 'cancelled', updated_at = ?, next_attempt_at = NULL, explanation_code = 'cancelled', explanation_params = '{}' WHERE id = ? AND state = 'queued' AND quarantined = 0",
        ).run(now, outboxId);
        if (Number(result.changes) === 0) return false;
        this.writeAudit({
          at: now,
          operator: who,
          returnId: row.returnId,
          orderId: row.orderId,
          campaignId: row.campaignId,
          outboxId,
          action: 'cancelled',
          state: 'cancelled',
          draft: row.draft,
          serverAnswer: null,
        });
        return true;
      }),
    );
    if (!changed) throw this.refused('not-cancellable', outboxId, this.load(outboxId)?.state ?? null);
    this.emitChanged(outboxId);
    return this.entryOf(this.mustLoad(outboxId));
  }

  // ------------------------------------------------------------ outbox.* and audit.* channels

  list(filter: ListFilter = {}): OutboxEntry[] {
    const where = ['quarantined = 0'];
    const params: SQLInputValue[] = [];
    if (filter.returnId !== undefined) {
      where.push('return_id = ?');
      params.push(filter.returnId);
    }
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      params.push(...filter.states);
    }
    const ids = this.store.db
      .prepare(`SELECT id FROM outbox WHERE ${where.join(' AND ')} ORDER BY id DESC`)
      .all(...params)
      .map((r) => Number((r as { id: number }).id));
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      const row = this.load(id);
      if (row) out.push(this.entryOf(row));
    }
    return out;
  }

  /** Decisions queued or being sent: when each was queued, whether the Market already accepted it, and why it waits. */
  pending(): PendingEntry[] {
    return this.stmt(
      "SELECT id, return_id, state, created_at, accepted_at, explanation_code FROM outbox WHERE state IN ('queued', 'sending') AND quarantined = 0 ORDER BY id",
    )
      .all()
      .map((r) => {
        const row = r as Record<string, SQLInputValue>;
        return {
          id: Number(row.id),
          returnId: Number(row.return_id),
          state: row.state === 'sending' ? ('sending' as const) : ('queued' as const),
          queuedAt: Number(row.created_at),
          acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
          explanationCode: typeof row.explanation_code === 'string' ? row.explanation_code : null,
        };
      });
  }

  get(outboxId: number): OutboxEntry | undefined {
    const row = this.load(outboxId);
    return row ? this.entryOf(row) : undefined;
  }

  /** Sends queued decisions now instead of at their next retry (one, or all); probes at once when offline. */
  retry(outboxId?: number, operator?: string): { scheduled: number } {
    const now = this.clock.now();
    let ids: number[];
    if (outboxId !== undefined) {
      const row = this.load(outboxId);
      if (!row) throw this.refused('not-found', outboxId, null);
      ids = row.state === 'queued' || row.state === 'sending' ? [row.id] : [];
    } else {
      // "Send everything now" leaves the decisions still held for taking back where they are.
      ids = this.store.db
        .prepare("SELECT id FROM outbox WHERE state IN ('queued', 'sending') AND quarantined = 0 AND NOT (explanation_code = 'held' AND next_attempt_at > ?)")
        .all(now)
        .map((r) => Number((r as { id: number }).id));
    }
    const who = (operator ?? '').trim() || this.operatorOf();
    this.store.transaction(() => {
      for (const id of ids) {
        this.stmt('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(now, id);
        const row = this.mustLoad(id);
        this.writeAudit({
          at: now,
          operator: who,
          returnId: row.returnId,
          orderId: row.orderId,
          campaignId: row.campaignId,
          outboxId: id,
          action: 'retry-requested',
          state: row.state,
          draft: null,
          serverAnswer: null,
        });
      }
    });
    if (!this.online) {
      this.probeFailures = 0;
      this.clearProbe();
    }
    for (const id of ids) this.emitChanged(id);
    this.kick();
    return { scheduled: ids.length };
  }

  status(): OutboxStatus {
    const counts: Record<string, number> = {};
    for (const r of this.store.db.prepare('SELECT state, COUNT(*) AS n FROM outbox WHERE quarantined = 0 GROUP BY state').all()) {
      counts[String((r as { state: string }).state)] = Number((r as { n: number }).n);
    }
    const quarantined = Number((this.store.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE quarantined = 1').get() as { n: number }).n);
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
    return this.store.db
      .prepare('SELECT id, return_id, state, quarantine_reason, draft_json FROM outbox WHERE quarantined = 1 ORDER BY id')
      .all()
      .map((r) => {
        const row = r as Record<string, SQLInputValue>;
        return {
          id: Number(row.id),
          returnId: typeof row.return_id === 'number' || typeof row.return_id === 'bigint' ? Number(row.return_id) : null,
          state: typeof row.state === 'string' ? row.state : null,
          reason: String(row.quarantine_reason ?? ''),
          rawDraft: typeof row.draft_json === 'string' ? row.draft_json : null,
        };
      });
  }

  /** The audit log, oldest first: the last `limit` rows, of one return or of all. */
  audit(returnId?: number, limit = 500): AuditEntry[] {
    const cap = Math.min(Math.max(1, Math.floor(limit)), 100_000);
    const rows = (
      returnId === undefined
        ? this.stmt('SELECT * FROM decision_audit ORDER BY id DESC LIMIT ?').all(cap)
        : this.stmt('SELECT * FROM decision_audit WHERE return_id = ? ORDER BY id DESC LIMIT ?').all(returnId, cap)
    ) as Array<Record<string, SQLInputValue>>;
    return rows.reverse().map(auditEntry);
  }

  /** Writes the audit log (of one return or all) as CSV: UTF-8 with BOM, RFC 4180 quoting. Returns the rows written. */
  async exportAuditCsv(target: string | Writable, options: { returnId?: number; locale?: RuleLocale } = {}): Promise<number> {
    const rows = (
      options.returnId === undefined
        ? this.stmt('SELECT * FROM decision_audit ORDER BY id').all()
        : this.stmt('SELECT * FROM decision_audit WHERE return_id = ? ORDER BY id').all(options.returnId)
    ) as Array<Record<string, SQLInputValue>>;
    const text = auditCsv(
      rows.map((r) => ({ ...auditEntry(r), items: r.items === null ? null : String(r.items) })),
      options.locale ?? this.localeOf(),
    );
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
    const unknown = this.store.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sending' AND quarantined = 0").get() as { n: number };
    if (Number(unknown.n) > 0)
      this.logger.warn('decisions found in sending at start: their outcome is checked before any resend', { count: Number(unknown.n) });
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
      const due = this.stmt(
        `SELECT id FROM outbox WHERE state IN ('queued', 'sending') AND quarantined = 0 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY COALESCE(next_attempt_at, 0), id LIMIT ?`,
      )
        .all(now, free + this.inFlight.size)
        .map((r) => Number((r as { id: number }).id))
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
    const next = this.stmt(
      "SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state IN ('queued', 'sending') AND quarantined = 0 AND next_attempt_at > ?",
    ).get(now) as { at: number | null };
    if (next.at !== null) this.wake(Number(next.at));
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
      this.stmt(
        "UPDATE outbox SET next_attempt_at = ? WHERE state IN ('queued', 'sending') AND quarantined = 0 AND explanation_code IN ('offline', 'unknownOutcome') AND next_attempt_at > ?",
      ).run(now, now);
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
    const head = this.stmt(
      "SELECT campaign_id, order_id, return_id FROM outbox WHERE state IN ('queued', 'sending') AND quarantined = 0 ORDER BY id LIMIT 1",
    ).get() as { campaign_id: number; order_id: number; return_id: number } | undefined;
    if (!head) return; // nothing waits: the next submit probes again
    this.probing = true;
    try {
      await this.client.getReturn(Number(head.campaign_id), Number(head.order_id), Number(head.return_id), { priority: 'decision', signal: this.abort.signal });
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
    const accepted = this.transition(row, { acceptedAt: this.clock.now(), explanation: ['notConfirmedYet', {}], serverMessage: null }, 'accepted', 'OK');
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

  private transition(
    row: Row,
    change: {
      state?: OutboxState;
      attempts?: number;
      nextAttemptAt?: number | null;
      acceptedAt?: number;
      serverMessage?: string | null;
      explanation?: [Explanation, Params];
    },
    action: string,
    serverAnswer: string | null,
  ): Row | undefined {
    const now = this.clock.now();
    const next = this.store.transaction(() => {
      const current = this.load(row.id);
      // Only the state this attempt started from may be left: an edit or cancel in between wins.
      if (!current || current.state !== row.state) return undefined;
      const state = change.state ?? current.state;
      this.stmt(
        `UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, accepted_at = ?, server_message = ?, explanation_code = ?, explanation_params = ?, updated_at = ?
         WHERE id = ? AND state = ?`,
      ).run(
        state,
        change.attempts ?? current.attempts,
        change.nextAttemptAt === undefined ? current.nextAttemptAt : change.nextAttemptAt,
        change.acceptedAt ?? current.acceptedAt,
        change.serverMessage === undefined ? current.serverMessage : change.serverMessage,
        change.explanation ? change.explanation[0] : current.explanationCode,
        JSON.stringify(change.explanation ? change.explanation[1] : current.explanationParams),
        now,
        row.id,
        current.state,
      );
      this.writeAudit({
        at: now,
        operator: current.operator,
        returnId: current.returnId,
        orderId: current.orderId,
        campaignId: current.campaignId,
        outboxId: current.id,
        action,
        state,
        draft: action === 'sending' || action === 'resending' ? current.draft : null,
        serverAnswer,
      });
      return this.load(row.id);
    });
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
    const raw = this.stmt('SELECT * FROM outbox WHERE id = ?').get(id) as Record<string, SQLInputValue> | undefined;
    if (!raw || raw.quarantined === 1) return undefined;
    const parsed = parseRow(raw);
    if (typeof parsed === 'string') {
      this.quarantine(id, parsed);
      return undefined;
    }
    return parsed;
  }

  private mustLoad(id: number): Row {
    const row = this.load(id);
    if (!row) throw new Error(`outbox row ${id} vanished`);
    return row;
  }

  private scanQuarantine(): void {
    const settled = "('delivered', 'failed', 'conflict', 'cancelled')";
    for (const r of this.store.db.prepare(`SELECT id FROM outbox WHERE quarantined = 0 AND state NOT IN ${settled}`).all())
      this.load(Number((r as { id: number }).id));
  }

  /** Sets an unreadable row aside: flagged, kept byte for byte, logged, audited, announced. */
  private quarantine(id: number, reason: string): void {
    const now = this.clock.now();
    const raw = this.store.db.prepare('SELECT return_id, order_id, campaign_id, state, operator FROM outbox WHERE id = ?').get(id) as
      Record<string, SQLInputValue> | undefined;
    const num = (v: SQLInputValue | undefined): number | null => (typeof v === 'number' || typeof v === 'bigint' ? Number(v) : null);
    this.store.transaction(() => {
      this.store.db.prepare('UPDATE outbox SET quarantined = 1, quarantine_reason = ?, updated_at = ? WHERE id = ?').run(reason, now, id);
      this.writeAudit({
        at: now,
        operator: typeof raw?.operator === 'string' ? raw.operator : 'system',
        returnId: num(raw?.return_id) ?? 0,
        orderId: num(raw?.order_id),
        campaignId: num(raw?.campaign_id),
        outboxId: id,
        action: 'quarantined',
        state: typeof raw?.state === 'string' ? raw.state : null,
        draft: null,
        serverAnswer: reason,
      });
    });
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
    const r = this.stmt(
      "SELECT id FROM outbox WHERE return_id = ? AND state IN ('queued', 'sending', 'delivered') AND quarantined = 0 ORDER BY id DESC LIMIT 1",
    ).get(returnId) as { id: number } | undefined;
    return r ? this.load(Number(r.id)) : undefined;
  }

  private writeAudit(a: {
    at: number;
    operator: string;
    returnId: number;
    orderId: number | null;
    campaignId: number | null;
    outboxId: number | null;
    action: string;
    state: string | null;
    draft: DecisionDraft | null;
    serverAnswer: string | null;
  }): void {
    this.stmt(
      'INSERT INTO decision_audit (at, operator, return_id, order_id, campaign_id, outbox_id, action, state, items, payload, server_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      a.at,
      a.operator,
      a.returnId,
      a.orderId,
      a.campaignId,
      a.outboxId,
      a.action,
      a.state,
      a.draft ? itemsSummary(a.draft) : null,
      a.draft ? JSON.stringify({ returnItemDecisions: a.draft.items.map(toDecisionInput) }) : null,
      a.serverAnswer,
    );
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
    if (ret.decisionDeadline && Date.parse(ret.decisionDeadline) <= this.clock.now()) {
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

  /** Runs `fn` with fsync on every commit, so a queued decision survives a power cut, not only a crash. */
  private durably<T>(fn: () => T): T {
    this.store.db.exec('PRAGMA synchronous = FULL');
    try {
      return fn();
    } finally {
      this.store.db.exec('PRAGMA synchronous = NORMAL');
    }
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

  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.store.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
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

/** A stored row, or why it cannot be read. */
function parseRow(r: Record<string, SQLInputValue>): Row | string {
  const state = String(r.state);
  if (!(STATES as readonly string[]).includes(state)) return `unknown state "${state}"`;
  let json: unknown;
  try {
    json = JSON.parse(String(r.draft_json));
  } catch (error) {
    return `draft_json is not JSON: ${(error as Error).message}`;
  }
  const draft = DecisionDraft.safeParse(json);
  if (!draft.success) return `draft_json is not a decision: ${draft.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
  if (draft.data.returnId !== Number(r.return_id)) return `draft_json is for return ${draft.data.returnId}, the row for ${String(r.return_id)}`;
  let params: Params = {};
  try {
    const parsed = r.explanation_params ? (JSON.parse(String(r.explanation_params)) as unknown) : {};
    if (parsed && typeof parsed === 'object') params = parsed as Params;
  } catch {
    params = {};
  }
  const num = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    returnId: Number(r.return_id),
    orderId: Number(r.order_id),
    campaignId: Number(r.campaign_id),
    state: state as OutboxState,
    draft: draft.data,
    operator: String(r.operator),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    attempts: Number(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    acceptedAt: num(r.accepted_at),
    serverMessage: r.server_message === null ? null : String(r.server_message),
    explanationCode: r.explanation_code === null ? null : String(r.explanation_code),
    explanationParams: params,
  };
}

function auditEntry(r: Record<string, SQLInputValue>): AuditEntry {
  const num = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    at: new Date(Number(r.at)).toISOString(),
    operator: String(r.operator),
    returnId: Number(r.return_id),
    orderId: num(r.order_id),
    campaignId: num(r.campaign_id),
    outboxId: num(r.outbox_id),
    action: String(r.action),
    state: r.state === null ? null : String(r.state),
    payload: r.payload === null ? null : String(r.payload),
    serverAnswer: r.server_answer === null ? null : String(r.server_answer),
  };
}
