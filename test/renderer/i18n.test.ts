import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { en, type Dictionary } from '../../renderer/i18n/en.ts';
import { enumLabel, pickLocale, type EnumGroup } from '../../renderer/i18n/labels.ts';
import { ru } from '../../renderer/i18n/ru.ts';

const schemas = join(import.meta.dirname, '..', '..', '..', 'shared', 'reference', 'yandex-market-openapi', 'openapi', 'components', 'schemas');
const ENUMS: Array<[EnumGroup, string]> = [
  ['refundStatus', 'RefundStatusType'],
  ['shipmentStatus', 'ReturnShipmentStatusType'],
  ['returnReason', 'ReturnDecisionReasonType'],
  ['returnSubreason', 'ReturnDecisionSubreasonType'],
  ['decisionType', 'ReturnDecisionType'],
  ['declineReason', 'ReturnRequestDecisionReasonType'],
  ['returnType', 'ReturnType'],
];

/** The enum values of a Market schema; a pinned copy when the reference folder is not checked out. */
function enumValues(schema: string, group: EnumGroup): string[] {
  try {
    return (parse(readFileSync(join(schemas, `${schema}.yaml`), 'utf8')) as { enum: string[] }).enum;
  } catch {
    return Object.keys(en[group]);
  }
}

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leafKeys(v as object, `${prefix}${k}.`)));
}

describe('every Market enum value has words in both languages', () => {
  for (const [group, schema] of ENUMS) {
    it(`${schema}`, () => {
      for (const value of enumValues(schema, group)) {
        for (const [name, dictionary] of [['en', en], ['ru', ru]] as Array<[string, Dictionary]>) {
          const words = enumLabel(dictionary, group, value);
          expect(words, `${name} ${group}.${value}`).not.toBe(dictionary.common.unknown.replace('{{raw}}', value));
          expect(words.length, `${name} ${group}.${value}`).toBeGreaterThan(1);
        }
      }
    });
  }

  it('shows a value it does not know as unknown, never a crash or a blank', () => {
    expect(enumLabel(en, 'refundStatus', 'BRAND_NEW_STATUS')).toBe('Unknown (BRAND_NEW_STATUS)');
    expect(enumLabel(ru, 'decisionType', 'TELEPORT')).toBe('Неизвестно (TELEPORT)');
    expect(enumLabel(en, 'refundStatus', 'toString')).toBe('Unknown (toString)');
    expect(enumLabel(en, 'refundStatus', null)).toBe('—');
  });
});

describe('the two languages', () => {
  it('have the same keys, except the extra Russian plural forms', () => {
    const enKeys = new Set(leafKeys(en));
    const ruKeys = leafKeys(ru);
    expect([...enKeys].filter((k) => !ruKeys.includes(k))).toEqual([]);
    expect(ruKeys.filter((k) => !enKeys.has(k) && !/_(few|many)$/.test(k))).toEqual([]);
  });
  it('give Russian every plural form it needs (one, few, many, other)', () => {
    const plurals = leafKeys(en).filter((k) => k.endsWith('_one')).map((k) => k.slice(0, -4));
    const ruKeys = new Set(leafKeys(ru));
    for (const base of plurals) for (const form of ['one', 'few', 'many', 'other']) expect(ruKeys.has(`${base}_${form}`), `${base}_${form}`).toBe(true);
    expect(new Intl.PluralRules('ru').select(3)).toBe('few');
  });
  it('start from the saved language, else the system one, else English', () => {
    expect(pickLocale('ru', ['en-US'])).toBe('ru');
    expect(pickLocale(null, ['ru-RU', 'en'])).toBe('ru');
    expect(pickLocale(null, ['de-DE', 'en-GB'])).toBe('en');
    expect(pickLocale(null, ['fr'])).toBe('en');
  });
});
