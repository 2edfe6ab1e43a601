import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_REFERENCE, OPENAPI_DIR } from '../helpers/spec-quotes.ts';
import { parse } from 'yaml';
import { codeLabel, codeList, formatMoney, formatRub, isKnownCode, MARKET_WORDS, pickLocale, type CodeGroup } from '../../preload/market-words.ts';

const schemas = join(OPENAPI_DIR, 'components', 'schemas');
const ENUMS: Array<[CodeGroup, string]> = [
  ['refundStatus', 'RefundStatusType'],
  ['shipmentStatus', 'ReturnShipmentStatusType'],
  ['returnReason', 'ReturnDecisionReasonType'],
  ['returnSubreason', 'ReturnDecisionSubreasonType'],
  ['decisionType', 'ReturnDecisionType'],
  ['declineReason', 'ReturnRequestDecisionReasonType'],
  ['returnType', 'ReturnType'],
  ['placement', 'PlacementType'],
  ['orderStatus', 'OrderStatusType'],
  ['chatType', 'ChatType'],
  ['chatStatus', 'ChatStatusType'],
  ['chatSender', 'ChatMessageSenderType'],
  ['reportStatus', 'ReportStatusType'],
  ['reportSubStatus', 'ReportSubStatusType'],
];

/** The enum values and description of a Market schema; a pinned copy when the reference folder is not checked out. */
function schemaOf(schema: string, group: CodeGroup): { enum: string[]; description: string } {
  try {
    return parse(readFileSync(join(schemas, `${schema}.yaml`), 'utf8')) as { enum: string[]; description: string };
  } catch {
    return { enum: Object.keys(MARKET_WORDS.en[group]), description: '' };
  }
}

describe('every Market code has words in both languages', () => {
  for (const [group, schema] of ENUMS) {
    it(`${schema}`, () => {
      for (const value of schemaOf(schema, group).enum) {
        for (const locale of ['en', 'ru'] as const) {
          const words = codeLabel(group, value, locale);
          expect(isKnownCode(group, value), `${group}.${value}`).toBe(true);
          expect(words, `${locale} ${group}.${value}`).not.toContain(`(${value})`);
          expect(words.length, `${locale} ${group}.${value}`).toBeGreaterThan(1);
        }
      }
    });
  }

  it.skipIf(!HAVE_REFERENCE)(HAVE_REFERENCE ? 'words that mean what the spec says' : `SKIPPED — the reference is not at ${OPENAPI_DIR}`, () => {
    // RefundStatusType: "`WAITING_FOR_ARBITER` — нужен ответ арбитра" (ChatStatusType); "`DELIVERED` — получен покупателем" (OrderStatusType).
    expect(schemaOf('ChatStatusType', 'chatStatus').description).toContain('`WAITING_FOR_ARBITER` — нужен ответ арбитра');
    expect(codeLabel('chatStatus', 'WAITING_FOR_ARBITER', 'ru')).toBe('Ждёт ответа арбитра');
    expect(schemaOf('OrderStatusType', 'orderStatus').description).toContain('`DELIVERED` — получен покупателем');
    expect(codeLabel('orderStatus', 'DELIVERED', 'ru')).toBe('Получен покупателем');
    // ReportStatusType: "`DONE` — отчет или документ готов."
    expect(schemaOf('ReportStatusType', 'reportStatus').description).toContain('`DONE` — отчет или документ готов');
    expect(codeLabel('reportStatus', 'DONE', 'ru')).toBe('Готов');
    // RefundStatusType: "`PREMODERATION_DECISION_WAITING` — ожидает решения (FBY, FBS и Экспресс)", "`WAITING_FOR_DECISION` — ожидает решения (DBS)".
    const refund = schemaOf('RefundStatusType', 'refundStatus').description;
    expect(refund).toContain('`PREMODERATION_DECISION_WAITING` — ожидает решения (FBY, FBS и');
    expect(refund).toContain('`WAITING_FOR_DECISION` — ожидает решения (DBS)');
    expect(codeLabel('refundStatus', 'PREMODERATION_DECISION_WAITING', 'ru')).toBe(codeLabel('refundStatus', 'WAITING_FOR_DECISION', 'ru'));
  });

  it('shows a code it does not know as unknown, and only then; never a crash or a blank', () => {
    expect(codeLabel('refundStatus', 'BRAND_NEW_STATUS', 'en')).toBe('Unknown (BRAND_NEW_STATUS)');
    expect(codeLabel('decisionType', 'TELEPORT', 'ru')).toBe('Неизвестно (TELEPORT)');
    expect(codeLabel('refundStatus', 'toString', 'en')).toBe('Unknown (toString)');
    expect(codeLabel('refundStatus', null, 'en')).toBe('—');
    expect(codeLabel('refundStatus', 'UNKNOWN', 'ru')).toBe('Неизвестный статус');
  });

  it('lists codes in words for messages', () => {
    expect(codeList('declineReason', ['ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED', 'MECHANICAL_DAMAGE'], 'ru')).toBe(
      '«Проблема с товаром не подтвердилась», «Механические повреждения»',
    );
    expect(codeList('declineReason', ['MECHANICAL_DAMAGE'], 'en')).toBe('“Mechanical damage”');
  });
});

describe('money in words', () => {
  it('one format: grouped roubles, kopecks only when there are any', () => {
    // MoneyDTO / CurrencyType: "`RUR` — российский рубль."
    expect(formatRub(10975, 'ru').replace(/\s/g, ' ')).toBe('10 975 ₽');
    expect(formatRub(10975.5, 'ru').replace(/\s/g, ' ')).toBe('10 975,50 ₽');
    expect(formatMoney({ value: 10975, currencyId: 'RUR' }, 'en').replace(/\s/g, ' ')).toBe('RUB 10,975');
    expect(formatMoney({ value: 5, currencyId: 'XYZ1' }, 'en')).toBe('5 XYZ1');
    expect(formatMoney(null, 'ru')).toBe('—');
  });
});

describe('the language', () => {
  it('is the saved one, else the first of the system languages we speak, else English', () => {
    expect(pickLocale('ru', ['en-US'])).toBe('ru');
    expect(pickLocale(null, ['ru-RU', 'en'])).toBe('ru');
    expect(pickLocale(null, ['ru_RU.UTF-8'])).toBe('ru');
    expect(pickLocale(null, ['de-DE', 'en-GB'])).toBe('en');
    expect(pickLocale(null, ['fr'])).toBe('en');
  });
});
