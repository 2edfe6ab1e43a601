// Reconciliation: what the Market already holds for a decision, read back before anything is sent again, and how the row settles.
import type { DecisionDraft } from '../../preload/contract.ts';
import { MarketError } from '../market/errors.ts';
import { REFUND_STATUSES, RETURN_DECISION_TYPES, type ReturnDTO } from '../market/schemas.ts';
import { awaitsDecision } from '../deadlines/deadlines.ts';
import { retryDelay } from './backoff.ts';
import { itemsSummary } from './draft.ts';
import { describeFailure, errorAnswer, isUnreachable } from './market-failures.ts';
import type { OutboxRows, Params, Row } from './rows.ts';
import type { QueueContext } from './run-state.ts';
import type { Explanation } from './texts.ts';

export type Verdict =
  | { kind: 'match' }
  /** Every item shows a decision, but of a type this app does not know (the API grew): ours cannot be recognised. */
  | { kind: 'unrecognised'; decisions: string; status: string | null }
  | { kind: 'differs'; decisions: string; status: string | null }
  | { kind: 'absent'; awaiting: boolean; status: string | null };

const AUTO_CONFIRMED_STATUSES = new Set(['PREMODERATION_SELECT_DELIVERY', 'REFUND_IN_PROGRESS']);
const CANCELLED_STATUSES = new Set(['CANCELLED']);
const DISPUTE_STATUSES = new Set(['PREMODERATION_DISPUTE']);

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

/** A refund status the published enum names (its own UNKNOWN and anything newer are not). */
function isKnownStatus(status: string | null): boolean {
  return status !== null && status !== 'UNKNOWN' && (REFUND_STATUSES as readonly string[]).includes(status);
}

export interface ReconcilerOptions extends QueueContext {
  rows: OutboxRows;
  /** The Market answered (true) or could not be reached (false). */
  online: (online: boolean) => void;
  /** Keeps the inbox in step with what a re-read showed. */
  refreshStore: (campaignId: number, dto: ReturnDTO) => void;
  placementOf: (campaignId: number) => string | null;
  /** Sends the decision again: the re-read showed the return still waits and no answer of ours was 200. */
  resend: (row: Row) => Promise<void>;
}

export class Reconciler {
  readonly #o: ReconcilerOptions;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** Re-reads the return and settles the row: delivered, conflict, resend (never after a 200), or check again later. */
  async reconcile(row: Row): Promise<void> {
    let dto: ReturnDTO;
    try {
      dto = await this.#o.client.getReturn(row.campaignId, row.orderId, row.returnId, { priority: 'decision', signal: this.#o.run.signal });
    } catch (error) {
      this.onReadError(row, error);
      return;
    }
    this.#o.online(true);
    this.#o.refreshStore(row.campaignId, dto);
    const verdict = compareWithServer(row.draft, dto, this.#o.placementOf(row.campaignId));
    const seen = `refundStatus ${dto.refundStatus ?? 'none'}; decisions ${verdict.kind === 'differs' || verdict.kind === 'unrecognised' ? verdict.decisions : verdict.kind === 'match' ? itemsSummary(row.draft) : 'none'}`;
    if (verdict.kind === 'match') {
      this.#o.rows.transition(
        row,
        { state: 'delivered', nextAttemptAt: null, explanation: [row.acceptedAt ? 'delivered' : 'deliveredFound', {}] },
        'delivered',
        seen,
      );
      return;
    }
    if (verdict.kind === 'unrecognised' && row.acceptedAt !== null) {
      // The Market answered 200 to our one submission and every item now carries a decision: that is ours,
      // shown in a type this version cannot name. Calling it "decided by someone else" would be false.
      this.#o.rows.transition(row, { state: 'delivered', nextAttemptAt: null, explanation: ['delivered', {}] }, 'delivered', seen);
      return;
    }
    if (row.acceptedAt !== null && verdict.kind === 'absent') {
      // Accepted but not visible yet: never resend after a 200; look again, then give up loudly.
      const checks = row.attempts;
      if (checks >= this.#o.backoff.confirmChecks) {
        this.#o.rows.transition(row, { state: 'failed', nextAttemptAt: null, explanation: ['failedNotConfirmed', { checks }] }, 'failed', seen);
      } else {
        this.#o.rows.transition(
          row,
          { attempts: row.attempts + 1, nextAttemptAt: this.#o.clock.now() + this.#delay(row.attempts), explanation: ['notConfirmedYet', {}] },
          'confirm-pending',
          seen,
        );
      }
      return;
    }
    if (verdict.kind === 'absent' && verdict.awaiting) {
      const again = this.#o.rows.transition(row, { attempts: row.attempts + 1 }, 'resending', seen);
      if (again) await this.#o.resend(again);
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
    this.#o.rows.transition(
      row,
      { nextAttemptAt: this.#o.clock.now() + this.#delay(row.attempts + checks), explanation: ['statusUnknown', { status: status ?? 'none', checks }] },
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
    this.#o.rows.transition(
      row,
      { state: 'conflict', nextAttemptAt: null, serverMessage, explanation: [code, params] },
      'conflict',
      error?.serverMessage ? `${error.serverMessage} | ${seen}` : seen,
    );
  }

  /** A 4xx for the submit: ours already there, the return moved on (conflict), or a refusal (failed, verbatim). */
  async afterRefusal(row: Row, error: MarketError): Promise<void> {
    let dto: ReturnDTO;
    try {
      dto = await this.#o.client.getReturn(row.campaignId, row.orderId, row.returnId, { priority: 'decision', signal: this.#o.run.signal });
    } catch (readError) {
      // Cannot classify now: the refusal is kept and the row reconciled later (a resend would be refused again if it stands).
      this.#o.rows.transition(row, { serverMessage: error.serverMessage ?? null }, 'refused', errorAnswer(error));
      this.onReadError(this.#o.rows.load(row.id) ?? row, readError);
      return;
    }
    this.#o.online(true);
    this.#o.refreshStore(row.campaignId, dto);
    const verdict = compareWithServer(row.draft, dto, this.#o.placementOf(row.campaignId));
    const seen = `refundStatus ${dto.refundStatus ?? 'none'}`;
    if (verdict.kind === 'match') {
      this.#o.rows.transition(
        row,
        { state: 'delivered', nextAttemptAt: null, explanation: ['deliveredFound', {}] },
        'delivered',
        `${error.serverMessage ?? ''} | ${seen}; decisions already present`,
      );
      return;
    }
    if (verdict.kind === 'absent' && verdict.awaiting) {
      this.#o.rows.transition(
        row,
        { state: 'failed', nextAttemptAt: null, serverMessage: error.serverMessage ?? error.message, explanation: ['failedServer', {}] },
        'failed',
        errorAnswer(error),
      );
      return;
    }
    if (verdict.kind === 'absent' && !isKnownStatus(verdict.status)) {
      // The refusal is kept; a re-read that can tell decides (a resend would be refused again if it stands).
      const refused = this.#o.rows.transition(row, { serverMessage: error.serverMessage ?? null }, 'refused', errorAnswer(error));
      this.awaitKnownStatus(refused ?? row, verdict.status, seen);
      return;
    }
    this.conflict(row, verdict, error, seen);
  }

  onReadError(row: Row, error: unknown): void {
    if (!(error instanceof MarketError)) {
      if (this.#o.run.ending) return;
      this.#o.logger.error('re-reading the return failed', { outboxId: row.id, error: describeFailure(error) });
    }
    const now = this.#o.clock.now();
    if (error instanceof MarketError && error.kind === 'not-found') {
      this.#o.rows.transition(
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
    // A refused key halts the key's scheduler until it changes: a re-read fails at once, so it waits as a refused send does.
    const retryAt =
      code === 'authProblem'
        ? now + this.#o.backoff.authRetryMs
        : error instanceof MarketError && error.kind === 'rate-limited' && error.retryAt
          ? error.retryAt
          : now + this.#delay(row.attempts);
    this.#o.rows.transition(
      row,
      { nextAttemptAt: retryAt, explanation: [code, {}] },
      're-read-failed',
      error instanceof MarketError ? errorAnswer(error) : describeFailure(error),
    );
    if (error instanceof MarketError && isUnreachable(error) && error.kind !== 'server' && error.kind !== 'malformed') this.#o.online(false);
  }

  #delay(attempt: number): number {
    return retryDelay(this.#o.backoff, this.#o.random, attempt);
  }
}
