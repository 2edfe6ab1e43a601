export * from './deadlines.ts';
export * from './from-row.ts';
