import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** What a table family's SQLite repository needs of the store's one connection. */
export interface SqliteConnection {
  readonly db: DatabaseSync;
  /** A prepared statement, cached for the connection's life. */
  stmt(sql: string): StatementSync;
  /** Runs `fn` in one transaction (a savepoint inside another), rolling back if it throws. */
  transaction<T>(fn: () => T): T;
}
