import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en, type Dictionary } from './en.ts';
import { enumLabel, pickLocale, type EnumGroup } from './labels.ts';
import { ru } from './ru.ts';

export const dictionaries: Record<'ru' | 'en', Dictionary> = { ru, en };

/** Starts i18next in the browser's language; settings.locale switches it later. */
export function initI18n(): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ru: { translation: ru } },
    lng: pickLocale(null, navigator.languages?.length ? navigator.languages : [navigator.language]),
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
  return i18next;
}

/** Switches the language: the saved one, or the browser's when the setting is null. */
export function applyLocale(saved: 'ru' | 'en' | null): void {
  const next = pickLocale(saved, navigator.languages?.length ? navigator.languages : [navigator.language]);
  if (i18next.language !== next) void i18next.changeLanguage(next);
  document.documentElement.lang = next;
}

/** The current language as the two the app speaks. */
export function currentLocale(): 'ru' | 'en' {
  return i18next.language === 'ru' ? 'ru' : 'en';
}

/** t, the current locale, and enum words with the unknown fallback, for components. */
export function useI18n() {
  const { t, i18n } = useTranslation();
  const locale: 'ru' | 'en' = i18n.language === 'ru' ? 'ru' : 'en';
  const label = (group: EnumGroup, value: string | null | undefined) => enumLabel(dictionaries[locale], group, value);
  return { t, locale, label };
}

export { i18next };
