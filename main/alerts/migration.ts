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

/**
 * Alert history (every alert shown, kept until a screen acknowledges it or, for critical ones, until
 * dismissed) and what the chat watcher knows of each chat about a return. For the store's list.
 */
export const alertHistoryMigration = {
  name: 'alert history and watched chats: alerts wait for a screen; chat activity is news once',
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS alert_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        urgency TEXT NOT NULL,
        target_json TEXT NOT NULL,
        return_ids_json TEXT NOT NULL,
        acknowledged_at INTEGER,
        dismissed_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS alert_history_open ON alert_history(dismissed_at, acknowledged_at);
      CREATE TABLE IF NOT EXISTS chat_watch (
        chat_id INTEGER PRIMARY KEY,
        business_id INTEGER NOT NULL,
        campaign_id INTEGER,
        order_id INTEGER,
        return_id INTEGER,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        last_message_id INTEGER,
        last_customer_message_id INTEGER,
        last_customer_message_at INTEGER,
        seen_open INTEGER NOT NULL DEFAULT 0,
        finished_at INTEGER,
        first_seen_at INTEGER NOT NULL,
        checked_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS chat_watch_by_business ON chat_watch(business_id, status);
      CREATE TABLE IF NOT EXISTS chat_watch_business (
        business_id INTEGER PRIMARY KEY,
        first_poll_at INTEGER NOT NULL,
        last_poll_at INTEGER NOT NULL
      );
    `);
  },
} as const;
