import type { DatabaseSync } from 'node:sqlite';

/**
 * One schema step. Versions are consecutive from 1 across every table family (see schema.ts, which
 * lists the families' steps); later work appends, never edits a shipped step.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: DatabaseSync): void;
}

/** Applies every migration above `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[]): number {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new Error(`the database is at schema version ${current}, newer than this app knows (${latest}); update the app`);
  }
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration versions must be consecutive from 1; found ${m.version} at position ${i + 1}`);
  });
  for (const migration of ordered) {
    if (migration.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      migration.up(db);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec('COMMIT');
    } catch (error) {
      // A failed COMMIT (full disk) may already have rolled back; a second ROLLBACK would hide the cause.
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return Math.max(current, latest);
}
