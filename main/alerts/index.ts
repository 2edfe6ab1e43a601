export * from './policy.ts';
export * from './engine.ts';
export * from './marks.ts';
export * from './migration.ts';
export * from './callback-notifier.ts';
export * from './watch.ts';
export { ruPlural, formatDuration } from './texts.ts';
export * from './tray-text.ts';
export * from './undelivered.ts';
