/**
 * The SQLite schema: each table family declares its own steps beside its repository, at the versions
 * they shipped with (an existing database opens unchanged); this list only gathers them in order.
 */
import { ALERT_MIGRATIONS } from './alerts.ts';
import { MEDIA_MIGRATIONS } from './media.ts';
import type { Migration } from './migrations.ts';
import { OUTBOX_MIGRATIONS } from './outbox-schema.ts';
import { RETURNS_MIGRATIONS } from './returns-schema.ts';

export const MIGRATIONS: readonly Migration[] = [...RETURNS_MIGRATIONS, ...ALERT_MIGRATIONS, ...OUTBOX_MIGRATIONS, ...MEDIA_MIGRATIONS].sort(
  (a, b) => a.version - b.version,
);
