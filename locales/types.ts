/** A catalogue: nested keys ending in texts with {{name}} placeholders; plural forms end in _one, _few, _many, _other. */
export interface Texts {
  [key: string]: string | Texts;
}

/** One namespace in both languages the app speaks. */
export interface Namespace {
  en: Texts;
  ru: Texts;
}

export type Locale = 'ru' | 'en';
