/**
 * Whether the Market answers, as every request of a client sees it: any successful answer means
 * online at once, a request that reaches nobody means offline. Errors the Market does answer with
 * (5xx, 420, garbage, a refused key) leave it reachable and are kept as the current problem, so an
 * alert can say why a decision is still waiting.
 */
import { EventEmitter } from 'node:events';

export type MarketProblem = 'unreachable' | 'server-error' | 'rate-limited' | 'garbage' | 'auth';

export interface ReachabilityState {
  online: boolean;
  /** Why the last request failed, until a request succeeds again. */
  problem: MarketProblem | null;
  /** Workstation time of the last successful answer. */
  lastOkAt: number | null;
  /** Workstation time of the last failure. */
  lastProblemAt: number | null;
}

export class Reachability extends EventEmitter<{ change: [ReachabilityState] }> {
  #state: ReachabilityState = { online: true, problem: null, lastOkAt: null, lastProblemAt: null };

  state(): ReachabilityState {
    return this.#state;
  }

  get online(): boolean {
    return this.#state.online;
  }

  /** A successful answer. */
  ok(at: number): void {
    const changed = !this.#state.online || this.#state.problem !== null;
    this.#state = { ...this.#state, online: true, problem: null, lastOkAt: at };
    if (changed) this.emit('change', this.#state);
  }

  /** A failure: `unreachable` takes the Market offline; the others are answers, so it stays online. */
  failed(problem: MarketProblem, at: number): void {
    const online = problem === 'unreachable' ? false : true;
    const changed = this.#state.online !== online || this.#state.problem !== problem;
    this.#state = { ...this.#state, online, problem, lastProblemAt: at };
    if (changed) this.emit('change', this.#state);
  }
}
