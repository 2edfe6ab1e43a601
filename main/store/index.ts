export * from './store.ts';
export { MIGRATIONS, migrate, registerMigration, type Migration } from './migrations.ts';
