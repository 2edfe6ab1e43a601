/**
 * The alerts' words, written in the page's language when an alert is shown (preload/alert-words.ts). The
 * module loads with the first alert rather than with the page, so the first load stays small; alerts wait
 * for it before they reach the screen.
 */
import type { AlertRecord } from '../../preload/contract.ts';
import type * as Words from '../../preload/alert-words.ts';

let loaded: typeof Words | null = null;
let loading: Promise<unknown> | null = null;

/** Resolves once the words can be written (also when the module failed to load: the kept words stand in). */
export function alertWordsReady(): Promise<unknown> {
  loading ??= import('../../preload/alert-words.ts').then(
    (module) => (loaded = module),
    () => (loading = null),
  );
  return loading;
}

/** An alert's title and body in `locale`; its kept words until the words module has loaded. */
export function alertWords(alert: AlertRecord, locale: 'ru' | 'en'): { title: string; body: string } {
  return loaded ? loaded.alertRecordWords(alert, locale) : { title: alert.title, body: alert.body };
}
