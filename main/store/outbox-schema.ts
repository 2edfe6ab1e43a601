// The outbox's tables: their schema step, declared by their owner (the outbox repositories) and listed in schema.ts.
import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from './migrations.ts';

export const OUTBOX_MIGRATION_NAME = 'outbox: queued decisions, their audit log and the cache of available decisions';

/** Schema version the outbox's tables arrived in; a shipped step keeps its number. */
export const OUTBOX_MIGRATION_VERSION = 3;

const OUTBOX_TABLES = ['outbox', 'decision_audit', 'available_decisions_cache'] as const;

export const OUTBOX_MIGRATIONS: readonly Migration[] = [
  {
    version: OUTBOX_MIGRATION_VERSION,
    name: OUTBOX_MIGRATION_NAME,
    // Idempotent (IF NOT EXISTS): safe on a database that already has the tables.
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
  },
];

/** Throws a clear error when the outbox's tables are missing from `db`. */
export function assertOutboxSchema(db: DatabaseSync): void {
  const tables = new Set(
    db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${OUTBOX_TABLES.map((t) => `'${t}'`).join(', ')})`)
      .all()
      .map((r) => String((r as { name: string }).name)),
  );
  for (const name of OUTBOX_TABLES) {
    if (!tables.has(name))
      throw new Error(`the outbox table "${name}" is missing: the store did not apply migration ${OUTBOX_MIGRATION_VERSION} (${OUTBOX_MIGRATION_NAME})`);
  }
}
