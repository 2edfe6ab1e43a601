// The delivery loop: sends due decisions (a few at once), wakes for the next retry, and tells who waits when nothing is left.
import { MarketError } from '../market/errors.ts';
import { DiskFullError } from '../store/disk-full.ts';
import { retryDelay } from './backoff.ts';
import { toDecisionInput } from './draft.ts';
import { errorAnswer } from './market-failures.ts';
import type { OnlineProbe } from './probe.ts';
import type { Reconciler } from './reconcile.ts';
import type { OutboxRows, Params, Row } from './rows.ts';
import type { QueueContext } from './run-state.ts';
import type { Explanation } from './texts.ts';

export interface PumpOptions extends QueueContext {
  rows: OutboxRows;
  probe: OnlineProbe;
  reconciler: Reconciler;
  /** The Market's time: what is recorded. */
  marketNow: () => number;
  concurrency: number;
  stopGraceMs: number;
}

export class Pump {
  readonly #o: PumpOptions;
  readonly #inFlight = new Map<number, Promise<void>>();
  #wakeHandle: unknown;
  #wakeAt = Number.POSITIVE_INFINITY;
  #idleWaiters: Array<() => void> = [];
  /** Attempts that crashed in a row (a full disk fails every write) and when the next may start: a crash backs off, never spins. */
  #crashes = 0;
  #crashedUntil = 0;

  constructor(options: PumpOptions) {
    this.#o = options;
  }

  /** Starts sending; rows left in `sending` by a previous run are reconciled before anything is re-sent. */
  start(): void {
    const { run, rows, logger } = this.#o;
    if (run.running) return;
    run.begin();
    rows.scanQuarantine();
    // A start comes with the key as it is now (entered again, or a new session): what waited for the key is tried at once.
    try {
      rows.repository.resumeWaiting(['authProblem'], this.#o.clock.now());
    } catch (error) {
      logger.warn('could not resume what waited for the key', { error: error instanceof Error ? error : String(error) });
    }
    const unknown = rows.count('sending');
    if (unknown > 0) logger.warn('decisions found in sending at start: their outcome is checked before any resend', { count: unknown });
    this.kick();
  }

  /** Stops sending; waits for requests in flight (up to stopGraceMs), then aborts the rest (they are reconciled next time). */
  async stop(): Promise<void> {
    const { run, clock } = this.#o;
    if (!run.running) return;
    run.running = false;
    run.stopping = true;
    this.#clearWake();
    this.#o.probe.clear();
    const pending = [...this.#inFlight.values()];
    if (pending.length) {
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, this.#o.stopGraceMs, { keepAlive: true });
      });
      await Promise.race([Promise.allSettled(pending), grace]);
      clock.clearTimeout(timer);
      run.abort();
      await Promise.allSettled([...this.#inFlight.values()]);
    }
    run.stopping = false;
  }

  /** Resolves true once nothing is queued or sending (quarantined rows aside), false after `timeoutMs`. */
  whenIdle(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#isIdle()) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    const { clock } = this.#o;
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== onIdle);
        clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onIdle = (): void => done(true);
      const onAbort = (): void => done(false);
      // The caller waits for this: it holds a one-shot command (outbox drain) open until idle, the timeout or the abort.
      const timer = clock.setTimeout(() => done(false), timeoutMs, { keepAlive: true });
      this.#idleWaiters.push(onIdle);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Requests in flight right now. */
  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** True while decision `id` is being sent or re-read by this process. */
  isInFlight(id: number): boolean {
    return this.#inFlight.has(id);
  }

  kick(): void {
    if (!this.#o.run.running) return;
    queueMicrotask(() => this.#pump());
  }

  #isIdle(): boolean {
    const { byState } = this.#o.rows.repository.counts();
    return (byState.queued ?? 0) === 0 && (byState.sending ?? 0) === 0 && this.#inFlight.size === 0;
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    for (const waiter of [...this.#idleWaiters]) waiter();
  }

  #pump(): void {
    const { run, probe, clock, rows } = this.#o;
    if (!run.running) return;
    if (!probe.online) {
      probe.schedule();
      return;
    }
    const now = clock.now();
    if (now < this.#crashedUntil) {
      this.#wake(this.#crashedUntil);
      return;
    }
    const free = this.#o.concurrency - this.#inFlight.size;
    if (free > 0) {
      const due = rows.repository
        .due(now, free + this.#inFlight.size)
        .filter((id) => !this.#inFlight.has(id))
        .slice(0, free);
      for (const id of due) {
        const work = this.#attempt(id)
          .then(
            () => void (this.#crashes = 0),
            (error: unknown) => this.#crashed(id, error),
          )
          .finally(() => {
            this.#inFlight.delete(id);
            this.#notifyIdle();
            this.kick();
          });
        this.#inFlight.set(id, work);
      }
    }
    const next = rows.repository.nextAttemptAfter(now);
    if (next !== null) this.#wake(next);
    this.#notifyIdle();
  }

  /** An attempt that could not even record its step (a full disk): the row stays as it was, and the queue waits before the next try. */
  #crashed(id: number, error: unknown): void {
    this.#crashes++;
    const delay = this.#delay(this.#crashes);
    this.#crashedUntil = this.#o.clock.now() + delay;
    const fields = { outboxId: id, crashes: this.#crashes, retryInMs: delay, error: error instanceof Error ? error : String(error) };
    if (error instanceof DiskFullError) this.#o.logger.warn('outbox paused: the disk is full', fields);
    else this.#o.logger.error('outbox attempt crashed', fields);
  }

  #wake(at: number): void {
    if (this.#wakeHandle !== undefined && at >= this.#wakeAt) return;
    this.#clearWake();
    this.#wakeAt = at;
    this.#wakeHandle = this.#o.clock.setTimeout(
      () => {
        this.#wakeHandle = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - this.#o.clock.now()),
    );
  }

  #clearWake(): void {
    if (this.#wakeHandle !== undefined) this.#o.clock.clearTimeout(this.#wakeHandle);
    this.#wakeHandle = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }

  async #attempt(id: number): Promise<void> {
    const row = this.#o.rows.load(id);
    if (!row || (row.state !== 'queued' && row.state !== 'sending')) return;
    if (row.state === 'queued') {
      const claimed = this.#o.rows.transition(
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
    await this.#o.reconciler.reconcile(row);
  }

  async send(row: Row): Promise<void> {
    try {
      await this.#o.client.submitReturnDecision(row.campaignId, row.orderId, row.returnId, row.draft.items.map(toDecisionInput), {
        priority: 'decision',
        signal: this.#o.run.signal,
      });
    } catch (error) {
      await this.#onSendError(row, error);
      return;
    }
    this.#o.probe.set(true);
    const accepted = this.#o.rows.transition(
      row,
      { acceptedAt: this.#o.marketNow(), explanation: ['notConfirmedYet', {}], serverMessage: null },
      'accepted',
      'OK',
    );
    if (accepted) await this.#o.reconciler.reconcile(accepted);
  }

  async #onSendError(row: Row, error: unknown): Promise<void> {
    const now = this.#o.clock.now();
    if (!(error instanceof MarketError)) {
      if (this.#o.run.ending) return; // left in `sending`: reconciled on the next start
      // Refused by the client before any request (its own input check): permanent.
      const message = error instanceof Error ? error.message : String(error);
      this.#o.rows.transition(row, { state: 'failed', nextAttemptAt: null, serverMessage: message, explanation: ['failedServer', {}] }, 'failed', message);
      return;
    }
    const answer = errorAnswer(error);
    switch (error.kind) {
      case 'network':
        // The client raises a plain network error for a write only when the request never left.
        this.#o.rows.transition(row, { state: 'queued', nextAttemptAt: now + this.#delay(row.attempts), explanation: ['offline', {}] }, 'not-sent', answer);
        this.#o.probe.set(false);
        return;
      case 'rate-limited':
        this.#o.rows.transition(
          row,
          { state: 'queued', nextAttemptAt: Math.max(error.retryAt ?? 0, now + this.#delay(row.attempts)), explanation: ['rateLimited', {}] },
          'not-sent',
          answer,
        );
        return;
      case 'auth':
      case 'forbidden':
        this.#o.rows.transition(
          row,
          { state: 'queued', nextAttemptAt: now + this.#o.backoff.authRetryMs, serverMessage: error.serverMessage ?? null, explanation: ['authProblem', {}] },
          'not-sent',
          answer,
        );
        return;
      case 'not-found':
        this.#o.rows.transition(
          row,
          { state: 'failed', nextAttemptAt: null, serverMessage: error.serverMessage ?? null, explanation: ['failedNotFound', {}] },
          'failed',
          answer,
        );
        return;
      case 'bad-request':
        await this.#o.reconciler.afterRefusal(row, error);
        return;
      default: {
        // unknown-outcome (and anything that may have reached the server): keep `sending`, reconcile before resending.
        const unreachable = error.causeCode !== undefined && !['server', 'malformed', 'bad-request'].includes(error.causeCode);
        this.#o.rows.transition(
          row,
          { nextAttemptAt: now + this.#delay(row.attempts), serverMessage: null, explanation: ['unknownOutcome', {}] },
          'unknown-outcome',
          answer,
        );
        if (unreachable || error.kind === 'timeout') this.#o.probe.set(false);
      }
    }
  }

  #delay(attempt: number): number {
    return retryDelay(this.#o.backoff, this.#o.random, attempt);
  }
}
