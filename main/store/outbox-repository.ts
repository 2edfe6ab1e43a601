/**
 * Where the outbox keeps its decisions and their audit log. The interfaces are written for any engine:
 * `Answer<T, 'async'>` is a promise (a server engine such as PostgreSQL), `Answer<T, 'sync'>` the value
 * itself (SQLite in this process). Every method that changes state is one transaction, audit row included.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { DecisionDraft, type AuditEntry, type OutboxState } from '../../preload/contract.ts';
import { assertOutboxSchema } from './outbox-schema.ts';
import type { Store } from './store.ts';

export type { Answer, Engine } from './engine.ts';
import type { Answer, Engine } from './engine.ts';

export type ExplanationParams = Record<string, string | number>;

/** One stored decision, as the queue reads it. Times are epoch ms. */
export interface OutboxRecord {
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
  explanationParams: ExplanationParams;
}

/** A row as stored, or why it cannot be read (it is then quarantined by the queue). */
export type OutboxRead = { record: OutboxRecord } | { unreadable: string };

/** An audit row to write: what happened to which decision, and what the Market said. */
export interface AuditRecord {
  at: number;
  operator: string;
  returnId: number;
  orderId: number | null;
  campaignId: number | null;
  outboxId: number | null;
  action: string;
  state: string | null;
  /** One line of the items (`123:REFUND_MONEY`), and the request body sent, when the step concerns the draft. */
  items: string | null;
  payload: string | null;
  serverAnswer: string | null;
}

/** How the audit shows a draft: the items in one line and the request body. */
export type DraftDescriber = (draft: DecisionDraft) => { items: string; payload: string };

export interface NewDecision {
  returnId: number;
  orderId: number;
  campaignId: number;
  draft: DecisionDraft;
  operator: string;
  at: number;
  nextAttemptAt: number;
  explanationCode: string;
}

export interface OutboxChange {
  state?: OutboxState;
  attempts?: number;
  nextAttemptAt?: number | null;
  acceptedAt?: number;
  serverMessage?: string | null;
  explanation?: [string, ExplanationParams];
}

export interface StateCounts {
  byState: Partial<Record<OutboxState, number>>;
  quarantined: number;
}

export interface PendingRecord {
  id: number;
  returnId: number;
  state: 'queued' | 'sending';
  createdAt: number;
  acceptedAt: number | null;
  explanationCode: string | null;
}

export interface QuarantinedRecord {
  id: number;
  returnId: number | null;
  state: string | null;
  reason: string;
  /** The row's draft text as stored, untouched. */
  rawDraft: string | null;
}

export interface ProbeTarget {
  campaignId: number;
  orderId: number;
  returnId: number;
}

export interface OutboxRepository<E extends Engine = 'async'> {
  read(id: number): Answer<OutboxRead | undefined, E>;
  /** The decision in flight (queued, sending or delivered) for a return, if any. */
  activeFor(returnId: number): Answer<{ id: number; state: OutboxState } | undefined, E>;
  /** Stores a new queued decision with its audit row, unless the return already has one in flight (then returns that one). */
  enqueue(decision: NewDecision, describe: DraftDescriber): Answer<{ id: number } | { active: { id: number; state: OutboxState } }, E>;
  /** Replaces the draft of a decision that is still queued; false once it is not. */
  replaceDraft(
    id: number,
    change: { draft: DecisionDraft; at: number; nextAttemptAt: number | null; explanationCode: string; operator: string },
    describe: DraftDescriber,
  ): Answer<boolean, E>;
  /** Cancels a decision that is still queued; false once it is not. */
  cancel(id: number, at: number, operator: string, describe: DraftDescriber): Answer<boolean, E>;
  /**
   * Moves a decision on from `expected` (another writer in between wins: nothing changes, false), with
   * its audit row; `describe` puts the draft as stored then into the audit.
   */
  transition(
    id: number,
    expected: OutboxState,
    change: OutboxChange,
    audit: { at: number; action: string; serverAnswer: string | null; describe?: DraftDescriber },
  ): Answer<boolean, E>;
  /** Sets a row aside as unreadable, kept as stored, with its audit row. */
  quarantine(id: number, reason: string, at: number): Answer<void, E>;
  /** Makes queued or sending decisions due at `dueAt` (all not held past it, or the ids given), audited at `at` as asked by `operator`. */
  requestSendNow(ids: readonly number[] | 'all', when: { dueAt: number; at: number }, operator: string): Answer<number[], E>;
  /** Decisions that waited for the connection become due at `at`. */
  resumeWaiting(codes: readonly string[], at: number): Answer<void, E>;
  /** Ids, newest first, of readable rows of a return and/or states. */
  ids(filter: { returnId?: number; states?: readonly OutboxState[] }): Answer<number[], E>;
  /** Ids of queued or sending rows not settled yet (quarantined aside), for the scan at start. */
  unsettledIds(): Answer<number[], E>;
  pending(): Answer<PendingRecord[], E>;
  counts(): Answer<StateCounts, E>;
  quarantined(): Answer<QuarantinedRecord[], E>;
  /** Queued or sending ids due at `now`, soonest first, up to `limit`. */
  due(now: number, limit: number): Answer<number[], E>;
  /** The earliest retry time after `now`, or null. */
  nextAttemptAfter(now: number): Answer<number | null, E>;
  /** The oldest decision waiting (its return is the cheapest probe of the Market). */
  oldestWaiting(): Answer<ProbeTarget | undefined, E>;
}

export interface AuditRepository<E extends Engine = 'async'> {
  append(record: AuditRecord): Answer<void, E>;
  /** The last `limit` rows, oldest first, of one return or of all. */
  latest(returnId: number | undefined, limit: number): Answer<AuditEntry[], E>;
  /** Every row, oldest first, with the items line (the CSV export). */
  all(returnId?: number): Answer<Array<AuditEntry & { items: string | null }>, E>;
}

const STATES: readonly OutboxState[] = ['queued', 'sending', 'delivered', 'failed', 'conflict', 'cancelled'];
const IN_FLIGHT = "('queued', 'sending', 'delivered')";
const WAITING = "('queued', 'sending')";
const SETTLED = "('delivered', 'failed', 'conflict', 'cancelled')";

type Raw = Record<string, SQLInputValue>;

/** Prepared statements of one connection, kept for its life. */
class Statements {
  readonly #store: Store;
  readonly #cache = new Map<string, StatementSync>();
  constructor(store: Store) {
    this.#store = store;
  }
  get(sql: string): StatementSync {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#store.db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}

function insertAudit(sql: Statements, a: AuditRecord): void {
  sql
    .get(
      'INSERT INTO decision_audit (at, operator, return_id, order_id, campaign_id, outbox_id, action, state, items, payload, server_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(a.at, a.operator, a.returnId, a.orderId, a.campaignId, a.outboxId, a.action, a.state, a.items, a.payload, a.serverAnswer);
}

/** The outbox in SQLite. Commits of decisions are fsynced (synchronous = FULL), so a queued decision survives a power cut. */
export class SqliteOutboxRepository implements OutboxRepository<'sync'> {
  readonly #store: Store;
  readonly #sql: Statements;

  constructor(store: Store) {
    assertOutboxSchema(store.db);
    this.#store = store;
    this.#sql = new Statements(store);
  }

  read(id: number): OutboxRead | undefined {
    const raw = this.#sql.get('SELECT * FROM outbox WHERE id = ?').get(id) as Raw | undefined;
    if (!raw || raw.quarantined === 1) return undefined;
    const parsed = parseRow(raw);
    return typeof parsed === 'string' ? { unreadable: parsed } : { record: parsed };
  }

  activeFor(returnId: number): { id: number; state: OutboxState } | undefined {
    const r = this.#sql
      .get(`SELECT id, state FROM outbox WHERE return_id = ? AND state IN ${IN_FLIGHT} AND quarantined = 0 ORDER BY id DESC LIMIT 1`)
      .get(returnId) as Raw | undefined;
    return r ? { id: Number(r.id), state: String(r.state) as OutboxState } : undefined;
  }

  enqueue(d: NewDecision, describe: DraftDescriber): { id: number } | { active: { id: number; state: OutboxState } } {
    return this.#durably(() => {
      const active = this.activeFor(d.returnId);
      if (active) return { active };
      const result = this.#sql
        .get(
          `INSERT INTO outbox (return_id, order_id, campaign_id, state, draft_json, operator, created_at, updated_at, attempts, next_attempt_at, explanation_code, explanation_params)
           VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, '{}')`,
        )
        .run(d.returnId, d.orderId, d.campaignId, JSON.stringify(d.draft), d.operator, d.at, d.at, d.nextAttemptAt, d.explanationCode);
      const id = Number(result.lastInsertRowid);
      insertAudit(this.#sql, {
        at: d.at,
        operator: d.operator,
        returnId: d.returnId,
        orderId: d.orderId,
        campaignId: d.campaignId,
        outboxId: id,
        action: 'queued',
        state: 'queued',
        ...describe(d.draft),
        serverAnswer: null,
      });
      return { id };
    });
  }

  replaceDraft(
    id: number,
    change: { draft: DecisionDraft; at: number; nextAttemptAt: number | null; explanationCode: string; operator: string },
    describe: DraftDescriber,
  ): boolean {
    return this.#durably(() => {
      // The state is checked in the same statement that writes: a send claiming the row cannot interleave.
      const result = this.#sql
        .get(
          "UPDATE outbox SET draft_json = ?, updated_at = ?, next_attempt_at = ?, explanation_code = ?, explanation_params = '{}' WHERE id = ? AND state = 'queued' AND quarantined = 0",
        )
        .run(JSON.stringify(change.draft), change.at, change.nextAttemptAt, change.explanationCode, id);
      if (Number(result.changes) === 0) return false;
      this.#auditRow(id, { at: change.at, operator: change.operator, action: 'edited', state: 'queued', serverAnswer: null, ...describe(change.draft) });
      return true;
    });
  }

  cancel(id: number, at: number, operator: string, describe: DraftDescriber): boolean {
    return this.#durably(() => {
      const before = this.read(id);
      const result = this.#sql
        .get(
          "UPDATE outbox SET state = 'cancelled', updated_at = ?, next_attempt_at = NULL, explanation_code = 'cancelled', explanation_params = '{}' WHERE id = ? AND state = 'queued' AND quarantined = 0",
        )
        .run(at, id);
      if (Number(result.changes) === 0) return false;
      const draft = before && 'record' in before ? describe(before.record.draft) : { items: null, payload: null };
      this.#auditRow(id, { at, operator, action: 'cancelled', state: 'cancelled', serverAnswer: null, ...draft });
      return true;
    });
  }

  transition(
    id: number,
    expected: OutboxState,
    change: OutboxChange,
    audit: { at: number; action: string; serverAnswer: string | null; describe?: DraftDescriber },
  ): boolean {
    // "accepted by the Market" and its audit row must outlive a power cut like the decision itself.
    return this.#durably(() => {
      const read = this.read(id);
      // Only the state this attempt started from may be left: an edit or cancel in between wins.
      if (!read || !('record' in read) || read.record.state !== expected) return false;
      const current = read.record;
      const state = change.state ?? current.state;
      this.#sql
        .get(
          `UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, accepted_at = ?, server_message = ?, explanation_code = ?, explanation_params = ?, updated_at = ?
           WHERE id = ? AND state = ?`,
        )
        .run(
          state,
          change.attempts ?? current.attempts,
          change.nextAttemptAt === undefined ? current.nextAttemptAt : change.nextAttemptAt,
          change.acceptedAt ?? current.acceptedAt,
          change.serverMessage === undefined ? current.serverMessage : change.serverMessage,
          change.explanation ? change.explanation[0] : current.explanationCode,
          JSON.stringify(change.explanation ? change.explanation[1] : current.explanationParams),
          audit.at,
          id,
          current.state,
        );
      insertAudit(this.#sql, {
        at: audit.at,
        operator: current.operator,
        returnId: current.returnId,
        orderId: current.orderId,
        campaignId: current.campaignId,
        outboxId: id,
        action: audit.action,
        state,
        ...(audit.describe ? audit.describe(current.draft) : { items: null, payload: null }),
        serverAnswer: audit.serverAnswer,
      });
      return true;
    });
  }

  quarantine(id: number, reason: string, at: number): void {
    const raw = this.#sql.get('SELECT return_id, order_id, campaign_id, state, operator FROM outbox WHERE id = ?').get(id) as Raw | undefined;
    this.#durably(() => {
      this.#sql.get('UPDATE outbox SET quarantined = 1, quarantine_reason = ?, updated_at = ? WHERE id = ?').run(reason, at, id);
      insertAudit(this.#sql, {
        at,
        operator: typeof raw?.operator === 'string' ? raw.operator : 'system',
        returnId: num(raw?.return_id) ?? 0,
        orderId: num(raw?.order_id),
        campaignId: num(raw?.campaign_id),
        outboxId: id,
        action: 'quarantined',
        state: typeof raw?.state === 'string' ? raw.state : null,
        items: null,
        payload: null,
        serverAnswer: reason,
      });
    });
  }

  requestSendNow(ids: readonly number[] | 'all', { dueAt, at }: { dueAt: number; at: number }, operator: string): number[] {
    return this.#durably(() => {
      // "Send everything now" leaves the decisions still held for taking back where they are.
      const chosen =
        ids === 'all'
          ? this.#sql
              .get(
                `SELECT id FROM outbox WHERE state IN ${WAITING} AND quarantined = 0 AND NOT (explanation_code = 'held' AND next_attempt_at > ?) ORDER BY id`,
              )
              .all(dueAt)
              .map((r) => Number((r as Raw).id))
          : ids;
      const done: number[] = [];
      for (const id of chosen) {
        const row = this.#sql.get(`SELECT state FROM outbox WHERE id = ? AND state IN ${WAITING} AND quarantined = 0`).get(id) as Raw | undefined;
        if (!row) continue;
        this.#sql.get('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(dueAt, id);
        this.#auditRow(id, { at, operator, action: 'retry-requested', state: String(row.state), items: null, payload: null, serverAnswer: null });
        done.push(id);
      }
      return done;
    });
  }

  resumeWaiting(codes: readonly string[], at: number): void {
    if (codes.length === 0) return;
    this.#sql
      .get(
        `UPDATE outbox SET next_attempt_at = ? WHERE state IN ${WAITING} AND quarantined = 0 AND explanation_code IN (${codes.map(() => '?').join(', ')}) AND next_attempt_at > ?`,
      )
      .run(at, ...codes, at);
  }

  ids(filter: { returnId?: number; states?: readonly OutboxState[] }): number[] {
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
    return this.#store.db
      .prepare(`SELECT id FROM outbox WHERE ${where.join(' AND ')} ORDER BY id DESC`)
      .all(...params)
      .map((r) => Number((r as Raw).id));
  }

  unsettledIds(): number[] {
    return this.#sql
      .get(`SELECT id FROM outbox WHERE quarantined = 0 AND state NOT IN ${SETTLED}`)
      .all()
      .map((r) => Number((r as Raw).id));
  }

  pending(): PendingRecord[] {
    return this.#sql
      .get(`SELECT id, return_id, state, created_at, accepted_at, explanation_code FROM outbox WHERE state IN ${WAITING} AND quarantined = 0 ORDER BY id`)
      .all()
      .map((r) => {
        const row = r as Raw;
        return {
          id: Number(row.id),
          returnId: Number(row.return_id),
          state: row.state === 'sending' ? ('sending' as const) : ('queued' as const),
          createdAt: Number(row.created_at),
          acceptedAt: num(row.accepted_at),
          explanationCode: typeof row.explanation_code === 'string' ? row.explanation_code : null,
        };
      });
  }

  counts(): StateCounts {
    const byState: Partial<Record<OutboxState, number>> = {};
    for (const r of this.#sql.get('SELECT state, COUNT(*) AS n FROM outbox WHERE quarantined = 0 GROUP BY state').all()) {
      byState[String((r as Raw).state) as OutboxState] = Number((r as Raw).n);
    }
    const quarantined = Number((this.#sql.get('SELECT COUNT(*) AS n FROM outbox WHERE quarantined = 1').get() as Raw).n);
    return { byState, quarantined };
  }

  quarantined(): QuarantinedRecord[] {
    return this.#sql
      .get('SELECT id, return_id, state, quarantine_reason, draft_json FROM outbox WHERE quarantined = 1 ORDER BY id')
      .all()
      .map((r) => {
        const row = r as Raw;
        return {
          id: Number(row.id),
          returnId: typeof row.return_id === 'number' || typeof row.return_id === 'bigint' ? Number(row.return_id) : null,
          state: typeof row.state === 'string' ? row.state : null,
          reason: String(row.quarantine_reason ?? ''),
          rawDraft: typeof row.draft_json === 'string' ? row.draft_json : null,
        };
      });
  }

  due(now: number, limit: number): number[] {
    return this.#sql
      .get(
        `SELECT id FROM outbox WHERE state IN ${WAITING} AND quarantined = 0 AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
         ORDER BY COALESCE(next_attempt_at, 0), id LIMIT ?`,
      )
      .all(now, limit)
      .map((r) => Number((r as Raw).id));
  }

  nextAttemptAfter(now: number): number | null {
    const next = this.#sql
      .get(`SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state IN ${WAITING} AND quarantined = 0 AND next_attempt_at > ?`)
      .get(now) as Raw;
    return num(next.at);
  }

  oldestWaiting(): ProbeTarget | undefined {
    const head = this.#sql
      .get(`SELECT campaign_id, order_id, return_id FROM outbox WHERE state IN ${WAITING} AND quarantined = 0 ORDER BY id LIMIT 1`)
      .get() as Raw | undefined;
    return head ? { campaignId: Number(head.campaign_id), orderId: Number(head.order_id), returnId: Number(head.return_id) } : undefined;
  }

  /** An audit row of a step of decision `id`, with the decision's return, order and store. */
  #auditRow(id: number, a: Pick<AuditRecord, 'at' | 'operator' | 'action' | 'state' | 'items' | 'payload' | 'serverAnswer'>): void {
    const row = this.#sql.get('SELECT return_id, order_id, campaign_id FROM outbox WHERE id = ?').get(id) as Raw;
    insertAudit(this.#sql, { ...a, returnId: Number(row.return_id), orderId: num(row.order_id), campaignId: num(row.campaign_id), outboxId: id });
  }

  #durably<T>(fn: () => T): T {
    return durably(this.#store, fn);
  }
}

/**
 * One transaction, fsynced at commit (synchronous = FULL), on a connection that writes the Market's data
 * with NORMAL: what the operator decided, and its audit, survive a power cut, not only a crash.
 */
function durably<T>(store: Store, fn: () => T): T {
  store.db.exec('PRAGMA synchronous = FULL');
  try {
    return store.transaction(fn);
  } finally {
    store.db.exec('PRAGMA synchronous = NORMAL');
  }
}

export class SqliteAuditRepository implements AuditRepository<'sync'> {
  readonly #store: Store;
  readonly #sql: Statements;

  constructor(store: Store) {
    assertOutboxSchema(store.db);
    this.#store = store;
    this.#sql = new Statements(store);
  }

  append(record: AuditRecord): void {
    durably(this.#store, () => insertAudit(this.#sql, record));
  }

  latest(returnId: number | undefined, limit: number): AuditEntry[] {
    const rows = (
      returnId === undefined
        ? this.#sql.get('SELECT * FROM decision_audit ORDER BY id DESC LIMIT ?').all(limit)
        : this.#sql.get('SELECT * FROM decision_audit WHERE return_id = ? ORDER BY id DESC LIMIT ?').all(returnId, limit)
    ) as Raw[];
    return rows.reverse().map(auditEntry);
  }

  all(returnId?: number): Array<AuditEntry & { items: string | null }> {
    const rows = (
      returnId === undefined
        ? this.#sql.get('SELECT * FROM decision_audit ORDER BY id').all()
        : this.#sql.get('SELECT * FROM decision_audit WHERE return_id = ? ORDER BY id').all(returnId)
    ) as Raw[];
    return rows.map((r) => ({ ...auditEntry(r), items: r.items === null ? null : String(r.items) }));
  }
}

const num = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** A stored row, or why it cannot be read. */
function parseRow(r: Raw): OutboxRecord | string {
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
  let params: ExplanationParams = {};
  try {
    const parsed = r.explanation_params ? (JSON.parse(String(r.explanation_params)) as unknown) : {};
    if (parsed && typeof parsed === 'object') params = parsed as ExplanationParams;
  } catch {
    params = {};
  }
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

function auditEntry(r: Raw): AuditEntry {
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
