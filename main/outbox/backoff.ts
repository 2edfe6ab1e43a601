// How long the queue waits before trying again: after a failure, and between probes while offline.

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

/** The wait before attempt `attempt + 1`: doubling up to maxMs, jittered over its upper half. */
export function retryDelay(backoff: OutboxBackoff, random: () => number, attempt: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The wait before the next probe after `failures` failed ones: probeBaseMs first, then doubling, jittered. */
export function probeDelay(backoff: OutboxBackoff, random: () => number, failures: number): number {
  const ceiling = Math.min(backoff.probeMaxMs, backoff.probeBaseMs * 2 ** Math.min(failures, 20));
  return failures === 0 ? backoff.probeBaseMs : Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
