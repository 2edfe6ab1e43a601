// Whether the queue runs, and the signal that aborts its requests on stop; with what every part of the queue works with.
import type { Logger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import type { Clock } from '../market/scheduler.ts';
import type { OutboxBackoff } from './backoff.ts';

export class RunState {
  running = false;
  stopping = false;
  #abort = new AbortController();

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True while requests end because the queue stops: they say nothing about the Market. */
  get ending(): boolean {
    return this.stopping || this.#abort.signal.aborted;
  }

  begin(): void {
    this.running = true;
    this.stopping = false;
    this.#abort = new AbortController();
  }

  abort(): void {
    this.#abort.abort(new Error('outbox stopped'));
  }
}

/** What the pump, the probe and the reconciler share: the Market, this computer's clock and the waits. */
export interface QueueContext {
  client: MarketClient;
  clock: Clock;
  random: () => number;
  backoff: OutboxBackoff;
  logger: Logger;
  run: RunState;
}
