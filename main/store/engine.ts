/** Repositories are written once for both kinds of engine: in-process (SQLite) and over the network. */
export type Engine = 'sync' | 'async';
/** What a repository method gives back on an engine: the value now (sync) or a promise of it (async). */
export type Answer<T, E extends Engine> = E extends 'sync' ? T : Promise<T>;
