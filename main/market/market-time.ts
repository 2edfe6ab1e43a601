/**
 * The Market's clock, estimated from the `Date` header of its answers. The Market confirms a return
 * by itself 48 hours after creation by *its* clock, so a workstation whose clock is off must count
 * deadlines in the Market's time, not its own.
 *
 * Each answer bounds the offset: the server wrote its whole-second `Date` between our sending the
 * request and reading the answer, so `offset ∈ [date − receivedAt, date + 999 − sentAt]`. The
 * estimate is the middle of the intersection of recent samples, newest first (0 while that holds 0); a
 * sample that does not fit the newer ones (our clock was set, or theirs) ends the intersection, so a
 * change is followed at once.
 */
import { EventEmitter } from 'node:events';

export interface MarketTimeInfo {
  /** Market time minus workstation time, ms (positive: the Market is ahead). 0 until an answer is seen. */
  offsetMs: number;
  /** Half the width of the interval the offset is known to lie in, ms. */
  uncertaintyMs: number;
  /** Samples that agree with the newest one. */
  samples: number;
  /** Workstation time of the newest sample; null before the first answer. */
  measuredAt: number | null;
}

interface Sample {
  low: number;
  high: number;
  at: number;
}

export interface MarketTimeOptions {
  clock: { now(): number };
  /** Samples older than this no longer count. */
  windowMs?: number;
  maxSamples?: number;
}

/** An offset larger than this is worth telling the operator about. */
export const LARGE_SKEW_MS = 2 * 60_000;

export class MarketTime extends EventEmitter<{ change: [MarketTimeInfo] }> {
  readonly #clock: { now(): number };
  readonly #windowMs: number;
  readonly #maxSamples: number;
  #samples: Sample[] = [];
  #info: MarketTimeInfo = { offsetMs: 0, uncertaintyMs: 0, samples: 0, measuredAt: null };
  #low = 0;
  #high = 0;

  constructor(options: MarketTimeOptions) {
    super();
    this.#clock = options.clock;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxSamples = options.maxSamples ?? 32;
  }

  /** Records one answer: when we sent the request, when the answer arrived, and its Date header. */
  observe(sentAt: number, receivedAt: number, dateHeader: string | undefined): void {
    if (!dateHeader) return;
    const date = Date.parse(dateHeader);
    if (Number.isNaN(date) || !(receivedAt >= sentAt)) return;
    this.#samples.push({ low: date - receivedAt, high: date + 999 - sentAt, at: receivedAt });
    const oldest = receivedAt - this.#windowMs;
    this.#samples = this.#samples.filter((s) => s.at >= oldest && s.at <= receivedAt).slice(-this.#maxSamples);
    this.#estimate();
  }

  #estimate(): void {
    const newest = this.#samples.at(-1);
    if (!newest) return;
    let { low, high } = newest;
    let agreeing = 1;
    for (let i = this.#samples.length - 2; i >= 0; i--) {
      const s = this.#samples[i]!;
      const nextLow = Math.max(low, s.low);
      const nextHigh = Math.min(high, s.high);
      if (nextLow > nextHigh) {
        // Older samples describe another clock setting: forget them.
        this.#samples = this.#samples.slice(i + 1);
        break;
      }
      low = nextLow;
      high = nextHigh;
      agreeing++;
    }
    const previous = this.#info;
    this.#low = low;
    this.#high = high;
    // Clocks the answers cannot tell apart (the interval holds 0) are taken as equal: no correction from noise.
    const offsetMs = low <= 0 && high >= 0 ? 0 : Math.round((low + high) / 2);
    this.#info = { offsetMs, uncertaintyMs: Math.round((high - low) / 2), samples: agreeing, measuredAt: newest.at };
    const crossed = Math.abs(previous.offsetMs) > LARGE_SKEW_MS !== Math.abs(this.#info.offsetMs) > LARGE_SKEW_MS;
    if (previous.measuredAt === null || crossed || Math.abs(previous.offsetMs - this.#info.offsetMs) >= 1_000) this.emit('change', this.#info);
  }

  info(): MarketTimeInfo {
    return this.#info;
  }

  offsetMs(): number {
    return this.#info.offsetMs;
  }

  /** The Market's time now. */
  now(): number {
    return this.#clock.now() + this.#info.offsetMs;
  }

  /**
   * A Market time (a rate-limit `Until`, say) on the workstation's clock: never earlier than it can be — also when
   * the clocks are taken as equal (the Market may be up to a second behind us then; asking a moment early is a 420).
   */
  toLocal(marketMs: number): number {
    return marketMs - this.#low;
  }
}
