import type { AlertMarkRepository } from '../store/repositories.ts';
import { markKey, type AlertKind, type AlertMark } from './policy.ts';

/** Where alert marks are kept, so an alert is shown once across ticks, re-syncs and restarts. */
export interface AlertMarkStore {
  /** Keys (see markKey) of every recorded mark. */
  keys(): Set<string>;
  /** Records marks; a mark already present keeps its first time. */
  record(marks: readonly AlertMark[]): void;
  /** Forgets marks recorded before `before` (epoch ms); returns how many. */
  prune(before: number): number;
}

/** Marks in memory: for tests, the CLI without a store, and web sessions that keep none. */
export function createMemoryMarkStore(initial: readonly AlertMark[] = []): AlertMarkStore & { all(): AlertMark[] } {
  const marks = new Map<string, AlertMark>();
  const store = {
    keys: () => new Set(marks.keys()),
    all: () => [...marks.values()],
    record(list: readonly AlertMark[]) {
      for (const mark of list) {
        const key = markKey(mark.returnId, mark.kind, mark.threshold);
        if (!marks.has(key)) marks.set(key, { ...mark });
      }
    },
    prune(before: number) {
      let removed = 0;
      for (const [key, mark] of marks) {
        if (mark.alertedAt < before) {
          marks.delete(key);
          removed++;
        }
      }
      return removed;
    },
  };
  store.record(initial);
  return store;
}

/**
 * The engine's daily forgetting of old marks also takes alerts older than the same 90 days out of the history (those
 * no longer waiting for anyone), and both wait until the Market's time is known: a workstation clock set months ahead
 * would otherwise forget every mark (each alert said again) and empty the history at the first tick after a start.
 */
export function prunedOnMarketTime(marks: AlertMarkStore, history: { prune(before: number): number }, marketTimeKnown: () => boolean): AlertMarkStore {
  return {
    keys: () => marks.keys(),
    record: (list) => marks.record(list),
    prune(before) {
      if (!marketTimeKnown()) return 0;
      history.prune(before);
      return marks.prune(before);
    },
  };
}

/** Marks kept by the store, so they outlive a restart. */
export function createStoredMarkStore(repository: AlertMarkRepository<'sync'>): AlertMarkStore & { all(): AlertMark[] } {
  const all = (): AlertMark[] => repository.all().map((m) => ({ ...m, kind: m.kind as AlertKind }));
  return {
    keys: () => new Set(all().map((m) => markKey(m.returnId, m.kind, m.threshold))),
    all,
    record: (list) => repository.record(list),
    prune: (before) => repository.prune(before),
  };
}
