import type { Dictionary } from './en.ts';

/** Groups of Market enums the UI names in words. */
export type EnumGroup = 'returnType' | 'refundStatus' | 'shipmentStatus' | 'returnReason' | 'returnSubreason' | 'decisionType' | 'declineReason' | 'placement';

/**
 * The words for a Market enum value in a dictionary; a value the dictionary does not know (the API
 * grows) comes back as "Unknown (RAW)", never as a crash or a blank.
 */
export function enumLabel(dictionary: Dictionary, group: EnumGroup, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return dictionary.common.none;
  const words = (dictionary[group] as Record<string, string>)[value];
  if (typeof words === 'string' && Object.prototype.hasOwnProperty.call(dictionary[group], value)) return words;
  return dictionary.common.unknown.replace('{{raw}}', value);
}

/** Which language to start in: the saved choice, else the OS or browser language. */
export function pickLocale(saved: 'ru' | 'en' | null | undefined, navigatorLanguages: readonly string[]): 'ru' | 'en' {
  if (saved === 'ru' || saved === 'en') return saved;
  for (const tag of navigatorLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'be' || base === 'uk' || base === 'kk') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}
