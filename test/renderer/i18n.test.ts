import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/en.ts';
import { ru } from '../../renderer/i18n/ru.ts';

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leafKeys(v as object, `${prefix}${k}.`)));
}

describe('the two languages', () => {
  it('have the same keys, except the extra Russian plural forms', () => {
    const enKeys = new Set(leafKeys(en));
    const ruKeys = leafKeys(ru);
    expect([...enKeys].filter((k) => !ruKeys.includes(k))).toEqual([]);
    expect(ruKeys.filter((k) => !enKeys.has(k) && !/_(few|many)$/.test(k))).toEqual([]);
  });
  it('give Russian every plural form it needs (one, few, many, other)', () => {
    const plurals = leafKeys(en)
      .filter((k) => k.endsWith('_one'))
      .map((k) => k.slice(0, -4));
    const ruKeys = new Set(leafKeys(ru));
    for (const base of plurals) for (const form of ['one', 'few', 'many', 'other']) expect(ruKeys.has(`${base}_${form}`), `${base}_${form}`).toBe(true);
    expect(new Intl.PluralRules('ru').select(3)).toBe('few');
  });
});
