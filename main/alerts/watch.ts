/**
 * The CLI `watch` command: runs the alert engine in the terminal and prints each notification as one
 * line until the signal aborts.
 */
import type { Logger } from '../log.ts';
import { createCallbackNotifier } from './callback-notifier.ts';
import { createAlertEngine } from './engine.ts';
import { createMemoryMarkStore, type AlertMarkStore } from './marks.ts';
import type { AlertLocale, AlertNotification, AlertSettings, AlertSnapshot, TzOffset } from './policy.ts';

export interface WatchOptions {
  source: () => AlertSnapshot | Promise<AlertSnapshot>;
  settings: () => AlertSettings;
  locale: () => AlertLocale;
  logger: Logger;
  out: (line: string) => void;
  signal: AbortSignal;
  /** Pass the store's marks so watch and the app never repeat each other's alerts; memory by default. */
  marks?: AlertMarkStore;
  clock?: { now(): number };
  tzOffset?: TzOffset;
  intervalMs?: number;
}

/** "2025-01-16T10:09:49.759Z deadline  7 returns need a decision within 6 hours — Most urgent: …". */
export function formatWatchLine(at: number, notification: AlertNotification): string {
  return `${new Date(at).toISOString()} ${notification.kind.padEnd(15)} ${notification.title} — ${notification.body}`;
}

/** Watches until `signal` aborts; resolves with exit code 0. */
export async function runWatch(options: WatchOptions): Promise<number> {
  const clock = options.clock ?? { now: () => Date.now() };
  const engine = createAlertEngine({
    clock,
    marks: options.marks ?? createMemoryMarkStore(),
    notifier: createCallbackNotifier((notification) => options.out(formatWatchLine(clock.now(), notification))),
    source: options.source,
    settings: options.settings,
    locale: options.locale,
    logger: options.logger,
    ...(options.tzOffset ? { tzOffset: options.tzOffset } : {}),
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
  });
  if (options.signal.aborted) return 0;
  await new Promise<void>((resolve) => {
    options.signal.addEventListener('abort', () => resolve(), { once: true });
    engine.start();
  });
  engine.stop();
  return 0;
}
