export * from './engine.ts';
export { runSyncOnce, listAwaiting, timeLeft, type RunSyncOnceOptions, type RunSyncOnceResult, type ListAwaitingOptions, type Output } from './cli.ts';
