/**
 * The one i18n of ReturnDesk: i18next over catalogues of namespaces in both languages. Main, the
 * decision rules and the renderer read the same catalogues: this folder imports nothing of the app,
 * so main/ and renderer/ may both import it without crossing each other's layer. Plural forms come
 * from Intl.PluralRules (i18next's _one/_few/_many/_other suffixes), never from a rule written here.
 */
import i18next, { type TFunction } from 'i18next';
import { alerts } from './alerts.ts';
import { outbox } from './outbox.ts';
import { rules } from './rules.ts';
import { time } from './time.ts';
import { tray } from './tray.ts';
import type { Locale, Namespace, Texts } from './types.ts';

export type { Locale, Namespace, Texts } from './types.ts';

/** The namespaces main and the decision rules speak; the renderer adds its own screens' to these. */
export const sharedNamespaces = { alerts, outbox, rules, time, tray } satisfies Record<string, Namespace>;

/** i18next resources of namespaces: { en: { alerts: …, … }, ru: { … } }. */
export function resourcesOf(namespaces: Record<string, Namespace>): Record<Locale, Record<string, Texts>> {
  const of = (locale: Locale) => Object.fromEntries(Object.entries(namespaces).map(([name, ns]) => [name, ns[locale]]));
  return { en: of('en'), ru: of('ru') };
}

/** The settings every i18next of the app shares: English behind a missing Russian text, no HTML escaping (React and plain text escape themselves). */
export const i18nextOptions = {
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
} as const;

const shared = i18next.createInstance();
void shared.init({
  ...i18nextOptions,
  resources: resourcesOf(sharedNamespaces),
  ns: Object.keys(sharedNamespaces),
  defaultNS: false,
  lng: 'en',
  // A param the stored data lacks reads "?" rather than vanishing from the sentence.
  missingInterpolationHandler: () => '?',
});

const fixed = new Map<Locale, TFunction>();

/** t of the shared namespaces in `locale`, keys written "namespace:key"; one function per language, so its identity is stable. */
export function translator(locale: Locale): TFunction {
  let t = fixed.get(locale);
  if (!t) {
    t = shared.getFixedT(locale);
    fixed.set(locale, t);
  }
  return t;
}

/** Whether the shared catalogues have a text for "namespace:key" (codes stored with data may be ones this version does not know). */
export function hasText(key: string, locale: Locale = 'en'): boolean {
  return shared.exists(key, { lng: locale });
}
