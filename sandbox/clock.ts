// Sandbox clock: startTime + real elapsed time × rate + whatever admin advanced. Never goes back.
export class SandboxClock {
  readonly startTime: number;
  private readonly realStart: number;
  private offsetMs = 0;
  /** Sandbox milliseconds per real millisecond (1 = real time; a soak runs a week in minutes). */
  private speed = 1;
  /** Where the current rate took over: real time and the sandbox time (without advances) then. */
  private anchorReal: number;
  private anchorTime: number;

  /** `skewMs` puts the Market's clock that far ahead of (negative: behind) this machine's from the start. */
  constructor(startTime?: Date, skewMs = 0) {
    this.realStart = Date.now();
    this.startTime = startTime ? startTime.getTime() : this.realStart + skewMs;
    this.anchorReal = this.realStart;
    this.anchorTime = this.startTime;
  }

  now(): number {
    return this.at(Date.now());
  }

  /** The sandbox time at real time `realMs` (at the current rate). */
  at(realMs: number): number {
    return this.anchorTime + (realMs - this.anchorReal) * this.speed + this.offsetMs;
  }

  get rate(): number {
    return this.speed;
  }

  /** Runs the clock `rate` times faster than real time from now on, without a jump. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 1 || rate > 100_000) throw new Error('rate must be a number from 1 to 100000');
    const real = Date.now();
    this.anchorTime = this.at(real) - this.offsetMs;
    this.anchorReal = real;
    this.speed = rate;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceMs must be a non-negative number');
    this.offsetMs += ms;
  }

  /** Moves the clock to `to`; refuses to move it backwards. */
  setTo(to: number): void {
    const delta = to - this.now();
    if (delta < 0) throw new Error('the sandbox clock only moves forward');
    this.offsetMs += delta;
  }

  /** How far the sandbox clock runs ahead of this machine's clock (negative: behind). */
  get skewMs(): number {
    return this.now() - Date.now();
  }

  get advancedMs(): number {
    return this.offsetMs;
  }
}

const MSK_OFFSET_MS = 3 * 3600_000;

/** ISO 8601 with the Moscow offset, as the Market writes dates: 2020-02-02T14:30:30+03:00. */
export function isoMsk(ms: number): string {
  const d = new Date(ms + MSK_OFFSET_MS);
  return d.toISOString().replace(/\.\d{3}Z$/, '+03:00');
}

/** YYYY-MM-DD of the Moscow calendar day. */
export function dateMsk(ms: number): string {
  return new Date(ms + MSK_OFFSET_MS).toISOString().slice(0, 10);
}

/** DD-MM-YYYY HH:mm:ss (Moscow), the format of the older order DTOs. */
export function ddmmyyyyMsk(ms: number, withTime = true): string {
  const iso = new Date(ms + MSK_OFFSET_MS).toISOString();
  const date = `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
  return withTime ? `${date} ${iso.slice(11, 19)}` : date;
}

/** Start of a Moscow calendar day given as YYYY-MM-DD, in epoch ms. */
export function mskDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00+03:00`);
}
