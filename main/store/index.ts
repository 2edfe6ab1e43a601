export * from './store.ts';
export * from './repositories.ts';
export { migrate, type Migration } from './migrations.ts';
export { MIGRATIONS } from './schema.ts';
