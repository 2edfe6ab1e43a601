import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema of the alert marks, for the store's migration list: `{ version: N, ...alertMarksMigration }`.
 * Idempotent, so applying it over a database that already has the table changes nothing.
 */
export const alertMarksMigration = {
  name: 'alert marks: which alert was shown (or skipped) for which return, so none repeats',
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS alert_marks (
        return_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        alerted_at INTEGER NOT NULL,
        skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (return_id, kind, threshold)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS alert_marks_alerted_at ON alert_marks(alerted_at);
    `);
  },
} as const;
