// Type-only imports: main/store/migrations.ts can import this file without an import cycle.
import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from '../store/migrations.ts';

export const OUTBOX_MIGRATION_NAME = 'outbox: queued decisions, their audit log and the cache of available decisions';

/**
 * The outbox's tables. Times are epoch ms. Idempotent (IF NOT EXISTS), so it is safe whatever
 * version number it is registered under. Append as `{ version: N, ...OUTBOX_MIGRATION }`.
 */
export const OUTBOX_MIGRATION: Omit<Migration, 'version'> = {
  name: OUTBOX_MIGRATION_NAME,
  up(db: DatabaseSync) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        return_id INTEGER NOT NULL,
        order_id INTEGER NOT NULL,
        campaign_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        draft_json TEXT NOT NULL,
        operator TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        -- the server answered 200: never send again, only re-read to confirm
        accepted_at INTEGER,
        server_message TEXT,
        explanation_code TEXT,
        explanation_params TEXT,
        -- an unreadable row: kept as it is, skipped by the queue, reported
        quarantined INTEGER NOT NULL DEFAULT 0,
        quarantine_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_attempt_at) WHERE quarantined = 0;
      CREATE INDEX IF NOT EXISTS outbox_return ON outbox(return_id, id);
      -- one decision in flight per return: the Market takes one decision per return
      CREATE UNIQUE INDEX IF NOT EXISTS outbox_one_active_per_return ON outbox(return_id)
        WHERE state IN ('queued', 'sending', 'delivered') AND quarantined = 0;

      CREATE TABLE IF NOT EXISTS decision_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        operator TEXT NOT NULL,
        return_id INTEGER NOT NULL,
        order_id INTEGER,
        campaign_id INTEGER,
        outbox_id INTEGER,
        action TEXT NOT NULL,
        state TEXT,
        items TEXT,
        payload TEXT,
        server_answer TEXT
      );
      CREATE INDEX IF NOT EXISTS decision_audit_return ON decision_audit(return_id, id);

      CREATE TABLE IF NOT EXISTS available_decisions_cache (
        return_id INTEGER PRIMARY KEY,
        json TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );
    `);
  },
};

/** Throws a clear error when the outbox's tables are missing from `db`. */
export function assertOutboxSchema(db: DatabaseSync): void {
  const tables = new Set(
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('outbox', 'decision_audit', 'available_decisions_cache')")
      .all()
      .map((r) => String((r as { name: string }).name)),
  );
  for (const name of ['outbox', 'decision_audit', 'available_decisions_cache']) {
    if (!tables.has(name)) throw new Error(`the outbox table "${name}" is missing: register OUTBOX_MIGRATION (main/outbox/migration.ts) with the store`);
  }
}
