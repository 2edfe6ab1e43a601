import i18next from 'i18next';
import { useCallback, useMemo } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import { i18nextOptions, resourcesOf } from '../../locales/index.ts';
import { codeLabel, pickLocale, type CodeGroup } from '../../preload/market-words.ts';
import { en, type Dictionary } from './en.ts';
import { namespaces } from './namespaces.ts';
import { ru } from './ru.ts';

export const dictionaries: Record<'ru' | 'en', Dictionary> = { ru, en };

/** The browser's languages: only until main says which language the operator speaks. */
const browserLanguages = (): readonly string[] => (navigator.languages?.length ? navigator.languages : [navigator.language]);

/** Starts i18next in the browser's language; main's choice (settings, else its system's) replaces it on connect. */
export function initI18n(): typeof i18next {
  void i18next.use(initReactI18next).init({
    ...i18nextOptions,
    resources: resourcesOf(namespaces),
    ns: Object.keys(namespaces),
    defaultNS: 'translation',
    lng: pickLocale(null, browserLanguages()),
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

/**
 * Switches the language: the saved one, else the language main speaks (its system's), so the page,
 * main's messages and the exports speak one language. The browser's only before main has answered.
 */
export function applyLocale(saved: 'ru' | 'en' | null, mainLocale?: 'ru' | 'en' | null): void {
  const next = saved ?? mainLocale ?? pickLocale(null, browserLanguages());
  if (i18next.language !== next) void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

/** The current language as the two the app speaks. */
export function currentLocale(): 'ru' | 'en' {
  return i18next.language === 'ru' ? 'ru' : 'en';
}

/**
 * t (keys of other namespaces written "evidence:…"), the current locale, and the Market's codes in
 * words (unknown ones as "Unknown (CODE)"), for components. The object and each function keep their
 * identity until the language changes, so effects may list them and memoized children take them as props.
 */
export function useI18n() {
  const { t, i18n } = useTranslation();
  const locale: 'ru' | 'en' = i18n.language === 'ru' ? 'ru' : 'en';
  const label = useCallback((group: CodeGroup, value: string | null | undefined) => codeLabel(group, value, locale), [locale]);
  /** A store's sync error ("network: The Market could not be reached…" as main keeps it) in the operator's words. */
  const syncError = useCallback(
    (stored: string): string => {
      const kind = /^([a-z-]+): /.exec(stored)?.[1];
      return kind && i18next.exists(`marketError.${kind}`) ? t(`marketError.${kind}`) : stored;
    },
    [t],
  );
  return useMemo(() => ({ t, locale, label, syncError }), [t, locale, label, syncError]);
}

export { i18next };
