// Types of scripts/web.js, which stays plain JavaScript so that `npm run web` starts without Node's type stripper.
/** What out/web is built from (paths in the checkout). */
export declare const WEB_SOURCES: readonly string[];
/** The command line of `npm run web` (`node <entry> …`): the entry as an absolute path, then its arguments. */
export declare function npmRunWeb(checkout?: string): string[];
/** Whether out/web in `checkout` holds a finished build of the sources as they are now. */
export declare function webBundleCurrent(checkout?: string): boolean;
