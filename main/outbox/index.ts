export * from './audit.ts';
export * from './csv.ts';
export * from './errors.ts';
export * from './outbox.ts';
export { EXPLANATIONS, explain, type Explanation } from './texts.ts';
