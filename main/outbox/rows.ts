// The queue's rows as the outbox reads and moves them: unreadable rows set aside, every move audited and announced.
import { OutboxEntry, type OutboxState } from '../../preload/contract.ts';
import type { RuleLocale } from '../../preload/decision-rules.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../market/scheduler.ts';
import type { ExplanationParams, OutboxChange, OutboxRecord, OutboxRepository, QuarantinedRecord } from '../store/outbox-repository.ts';
import { describeDraft } from './draft.ts';
import { describeFailure } from './market-failures.ts';
import { explain, type Explanation } from './texts.ts';

export type Row = OutboxRecord;
export type Params = ExplanationParams;
export type RowChange = OutboxChange & { explanation?: [Explanation, Params] };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface RowsOptions {
  repository: OutboxRepository<'sync'>;
  /** This computer's clock: holds and retries. */
  clock: Clock;
  /** The Market's time: what is recorded. */
  marketNow: () => number;
  logger: Logger;
  locale: () => RuleLocale;
  changed: (entry: OutboxEntry) => void;
  /** After a row was set aside (with it, when it can still be listed). */
  quarantined: (row: QuarantinedRecord | undefined) => void;
}

export class OutboxRows {
  readonly repository: OutboxRepository<'sync'>;
  readonly #o: RowsOptions;

  constructor(options: RowsOptions) {
    this.repository = options.repository;
    this.#o = options;
  }

  /** The row, or undefined when there is none or it is unreadable (then set aside). */
  load(id: number): Row | undefined {
    const read = this.repository.read(id);
    if (!read) return undefined;
    if ('unreadable' in read) {
      this.quarantine(id, read.unreadable);
      return undefined;
    }
    return read.record;
  }

  mustLoad(id: number): Row {
    const row = this.load(id);
    if (!row) throw new Error(`outbox row ${id} vanished`);
    return row;
  }

  /** The decision in flight for a return (queued, sending or delivered), if any. */
  activeFor(returnId: number): Row | undefined {
    const active = this.repository.activeFor(returnId);
    return active ? this.load(active.id) : undefined;
  }

  /** Sets aside every unreadable row still waiting (at start). */
  scanQuarantine(): void {
    for (const id of this.repository.unsettledIds()) this.load(id);
  }

  /** Moves `row` on from the state it was read in, audited; an edit or cancel in between wins (undefined). */
  transition(row: Row, change: RowChange, action: string, serverAnswer: string | null): Row | undefined {
    const moved = this.repository.transition(row.id, row.state, change, {
      at: this.#o.marketNow(),
      action,
      serverAnswer,
      ...(action === 'sending' || action === 'resending' ? { describe: describeDraft } : {}),
    });
    const next = moved ? this.load(row.id) : undefined;
    if (next) {
      this.#o.logger.info(`outbox ${action}`, {
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

  /** Sets an unreadable row aside: flagged, kept byte for byte, logged, audited, announced. */
  quarantine(id: number, reason: string): void {
    this.repository.quarantine(id, reason, this.#o.marketNow());
    this.#o.logger.error('unreadable outbox row quarantined: kept, not sent', { outboxId: id, reason });
    const row = this.repository.quarantined().find((q) => q.id === id);
    this.#o.quarantined(row);
  }

  /** True while a queued decision is still in its hold. */
  isHeld(row: Row, now: number): boolean {
    return row.state === 'queued' && row.explanationCode === 'held' && row.nextAttemptAt !== null && row.nextAttemptAt > now;
  }

  entryOf(row: Row): OutboxEntry {
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
      explanation: explain(row.explanationCode, row.explanationParams, this.#o.locale()),
      holdUntil: this.isHeld(row, this.#o.clock.now()) ? iso(row.nextAttemptAt) : null,
    });
  }

  emitChanged(id: number): void {
    const row = this.load(id);
    if (!row) return;
    const entry = this.entryOf(row);
    try {
      this.#o.changed(entry);
    } catch (error) {
      // A failing listener must not break the queue.
      this.#o.logger.error('outbox listener failed', { error: describeFailure(error) });
    }
  }

  count(state: OutboxState): number {
    return this.repository.counts().byState[state] ?? 0;
  }
}
