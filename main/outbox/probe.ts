// Is the Market reachable? The outbox's online flag, and while offline a cheap read at growing intervals until it answers.
import { MarketError } from '../market/errors.ts';
import type { OutboxRepository } from '../store/outbox-repository.ts';
import { probeDelay } from './backoff.ts';
import { describeFailure, isUnreachable } from './market-failures.ts';
import type { QueueContext } from './run-state.ts';

export interface OnlineProbeOptions extends QueueContext {
  repository: OutboxRepository<'sync'>;
  /** After the flag changed (and, when back online, what waited for the connection became due). */
  changed: (online: boolean) => void;
}

export class OnlineProbe {
  readonly #o: OnlineProbeOptions;
  #online = true;
  #handle: unknown;
  #probing = false;
  #failures = 0;

  constructor(options: OnlineProbeOptions) {
    this.#o = options;
  }

  get online(): boolean {
    return this.#online;
  }

  set(online: boolean): void {
    const { run, logger } = this.#o;
    // Requests aborted by stop() say nothing about the connection.
    if (this.#online === online || (!online && run.ending)) return;
    this.#online = online;
    logger.info(online ? 'the Market is reachable again: resuming the outbox' : 'the Market cannot be reached: outbox paused', {});
    if (online) {
      this.#failures = 0;
      this.clear();
      // What waited for the connection goes now, not at its backed-off retry time.
      this.#o.repository.resumeWaiting(['offline', 'unknownOutcome'], this.#o.clock.now());
    }
    this.#o.changed(online);
  }

  /** Probes again soon, from the first interval (the operator asked to send now). */
  restart(): void {
    this.#failures = 0;
    this.clear();
  }

  schedule(): void {
    if (!this.#o.run.running || this.#probing || this.#handle !== undefined) return;
    this.#handle = this.#o.clock.setTimeout(
      () => {
        this.#handle = undefined;
        void this.#probe();
      },
      probeDelay(this.#o.backoff, this.#o.random, this.#failures),
    );
  }

  clear(): void {
    if (this.#handle !== undefined) this.#o.clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** A cheap read (the oldest waiting decision's return) at decision priority: does the Market answer? */
  async #probe(): Promise<void> {
    if (!this.#o.run.running || this.#online) return;
    const head = this.#o.repository.oldestWaiting();
    if (!head) return; // nothing waits: the next submit probes again
    this.#probing = true;
    try {
      await this.#o.client.getReturn(head.campaignId, head.orderId, head.returnId, { priority: 'decision', signal: this.#o.run.signal });
      this.set(true);
    } catch (error) {
      if (error instanceof MarketError && !isUnreachable(error)) this.set(true);
      else {
        this.#failures++;
        this.#o.logger.debug('probe failed: still offline', { failures: this.#failures, error: describeFailure(error) });
      }
    } finally {
      this.#probing = false;
    }
    if (!this.#online) this.schedule();
  }
}
