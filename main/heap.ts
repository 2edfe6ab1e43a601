/**
 * The young generation's size, and how far the old generation grows past what is alive, in every host (web mode,
 * the desktop app's main process, the CLI).
 *
 * V8 grows the young generation (new space) while many objects survive a scavenge — a sync decoding pages of
 * returns does that — up to 64 MiB a semi-space, and keeps it: about 128 MiB of the process's resident memory after
 * an ingest. `--max-semi-space-size` would cap it, but V8 reads it only when the process starts, and the desktop
 * app's main process takes V8 flags from its command line only (`app.commandLine.appendSwitch('js-flags', …)`
 * reaches the renderers, not the main process, whose V8 is running by then). V8 reads `--semi-space-growth-factor`
 * each time it grows new space, so a host caps it from inside: growth allowed below the cap, none at it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** New space (both semi-spaces) is held at or below this: what `--max-semi-space-size=4` allows. */
export const YOUNG_GENERATION_CAP_MIB = 8;

/** V8's own growth factor (`node --v8-options`: `--semi-space-growth-factor`, default 2). */
const GROWTH_FACTOR = 2;

/** The young generation's current size (both semi-spaces) in bytes. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Holds new space at or below `capMiB` from now on: after every garbage collection, growth is allowed only while
 * new space is below the cap (V8 also shrinks it when the process idles; it may then grow back to the cap). The
 * flag is process-wide, so worker threads stop growing theirs while the main thread's is at the cap. One cap per
 * process; returns the function that lifts it.
 */
export function capYoungGeneration(capMiB: number = YOUNG_GENERATION_CAP_MIB): () => void {
  if (active) return active;
  const cap = capMiB * 1024 * 1024;
  let factor = GROWTH_FACTOR;
  const hold = (): void => {
    const next = youngGenerationBytes() >= cap ? 1 : GROWTH_FACTOR;
    if (next === factor) return;
    factor = next;
    setFlagsFromString(`--semi-space-growth-factor=${next}`);
  };
  hold();
  // Called after each collection, between tasks: one long synchronous task could still grow it a step past the cap.
  const observer = new PerformanceObserver(hold);
  observer.observe({ entryTypes: ['gc'] });
  const lift = (): void => {
    observer.disconnect();
    if (factor !== GROWTH_FACTOR) setFlagsFromString(`--semi-space-growth-factor=${GROWTH_FACTOR}`);
    active = null;
  };
  active = lift;
  return lift;
}

let active: (() => void) | null = null;

/**
 * After a full collection the old generation may grow by this share of what survived it before the next one:
 * V8's `--heap-growing-percent`, `factor = 1 + percent / 100`.
 */
export const OLD_GENERATION_GROWTH_PERCENT = 30;

/**
 * Holds the old generation near what is alive. With the young generation capped, a sync's pages outlive a few
 * scavenges and are promoted, to die in the old generation; on a machine with much memory V8 lets the old
 * generation grow to four times what survived the last full collection before it collects again, and keeps the
 * pages (web mode after 10,000 returns: about 100 MiB of old space, 25 of them alive). V8 reads the flag each time
 * it sets the next limit, so a host sets it from inside, as the young generation's cap; it bounds how often a full
 * collection runs, not how large the heap may get: no out-of-memory risk, unlike `--max-old-space-size`.
 */
export function slowOldGenerationGrowth(percent: number = OLD_GENERATION_GROWTH_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
