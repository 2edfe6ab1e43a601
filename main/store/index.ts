export * from './store.ts';
export { MIGRATIONS, migrate, type Migration } from './migrations.ts';
