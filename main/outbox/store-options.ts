// Until the outbox migration sits in main/store/migrations.ts: store options that add it (tests, CLI, bench).
import { MIGRATIONS, type Migration } from '../store/migrations.ts';
import type { StoreOptions } from '../store/store.ts';
import { OUTBOX_MIGRATION, OUTBOX_MIGRATION_NAME } from './migration.ts';

/** True when `migrations` already holds the outbox migration (found by name). */
export function hasOutboxMigration(migrations: readonly Pick<Migration, 'name'>[] = MIGRATIONS): boolean {
  return migrations.some((m) => m.name === OUTBOX_MIGRATION_NAME);
}

/**
 * Store options that add the outbox migration after `base` unless it is already registered there —
 * for tests, the CLI and the benchmark until the migration sits in main/store/migrations.ts.
 */
export function outboxStoreOptions(base: readonly Migration[] = MIGRATIONS): StoreOptions {
  if (hasOutboxMigration(base)) return {};
  return { migrations: [{ version: base.length + 1, ...OUTBOX_MIGRATION }] };
}
