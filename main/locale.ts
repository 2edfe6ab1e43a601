/**
 * The one language of ReturnDesk: the operator's choice in settings, else the system's. Main's texts
 * (outbox explanations, alerts, rule messages, exports, evidence packs), the CLI and the page all ask
 * this, so none of them follows a locale of its own.
 */
import { pickLocale, type WordsLocale } from '../preload/market-words.ts';

export type AppLocale = WordsLocale;

const UNSET = new Set(['', 'C', 'POSIX']);

/**
 * The system's languages, most wanted first: POSIX LANGUAGE, LC_ALL, LC_MESSAGES, LANG (a "C" locale
 * says nothing), then ICU's default (what Windows and macOS report to Node).
 */
export function systemLanguages(env: NodeJS.ProcessEnv = process.env, icuDefault: string = Intl.DateTimeFormat().resolvedOptions().locale): string[] {
  const out: string[] = [];
  for (const tag of (env.LANGUAGE ?? '').split(':')) if (!UNSET.has(tag)) out.push(tag);
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value && !UNSET.has(value.split('.')[0]!)) out.push(value);
  }
  out.push(icuDefault);
  return out;
}

/** The language to speak now: the saved choice, else the first of `system` ReturnDesk knows, else English. */
export function operatorLocale(saved: AppLocale | null | undefined, system: readonly string[] = systemLanguages()): AppLocale {
  return pickLocale(saved, system);
}
