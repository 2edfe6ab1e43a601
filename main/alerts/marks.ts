import type { DatabaseSync } from 'node:sqlite';
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
 * Marks in the `alert_marks` table of the given connection (see migration.ts, which the store
 * registers). Throws at once, naming the table, when the migration has not been applied.
 */
export function createSqliteMarkStore(db: DatabaseSync): AlertMarkStore & { all(): AlertMark[] } {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_marks'").get();
  if (!exists) throw new Error('alert_marks table is missing: register alertMarksMigration in the store migrations');
  const insert = db.prepare('INSERT OR IGNORE INTO alert_marks (return_id, kind, threshold, alerted_at, skipped) VALUES (?, ?, ?, ?, ?)');
  const selectAll = db.prepare('SELECT return_id, kind, threshold, alerted_at, skipped FROM alert_marks');
  const prune = db.prepare('DELETE FROM alert_marks WHERE alerted_at < ?');
  const rows = (): AlertMark[] =>
    (selectAll.all() as Array<{ return_id: number; kind: string; threshold: number; alerted_at: number; skipped: number }>).map((r) => ({
      returnId: Number(r.return_id),
      kind: r.kind as AlertKind,
      threshold: Number(r.threshold),
      alertedAt: Number(r.alerted_at),
      skipped: r.skipped === 1,
    }));
  return {
    keys: () => new Set(rows().map((m) => markKey(m.returnId, m.kind, m.threshold))),
    all: rows,
    record(list) {
      if (list.length === 0) return;
      // One transaction when the caller holds none; inside the store's own transaction, join it.
      const own = !db.isTransaction;
      if (own) db.exec('BEGIN IMMEDIATE');
      try {
        for (const m of list) insert.run(m.returnId, m.kind, Math.round(m.threshold), m.alertedAt, m.skipped ? 1 : 0);
        if (own) db.exec('COMMIT');
      } catch (error) {
        if (own) db.exec('ROLLBACK');
        throw error;
      }
    },
    prune: (before) => Number(prune.run(before).changes),
  };
}
