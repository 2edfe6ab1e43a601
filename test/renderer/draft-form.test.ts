import { describe, expect, it } from 'vitest';
import type { AvailableDecisions } from '../../preload/contract.ts';
import { checkDraft } from '../../preload/decision-rules.ts';
import { buildDraft, EMPTY_ITEM_FORM, parseAmount } from '../../renderer/lib/draft-form.ts';

// PartialCompensationBoundsDTO.maxPercent: "Верхний предел доли суммы позиции, которую можно компенсировать
// (в процентах)"; the position is 21 950 ₽, so 50 % allows 10 975 ₽.
const available: AvailableDecisions = {
  returnId: 1,
  decisions: [
    {
      decisionType: 'PARTIAL_MONEY_REFUND',
      reasonTypes: [],
      compensationBounds: { min: { value: 1, currencyId: 'RUR' }, max: { value: 20000, currencyId: 'RUR' }, maxPercent: 50 },
    },
  ],
  items: [
    {
      returnItemId: 7,
      shopSku: 'TD-1',
      name: 'Ноутбук',
      count: 1,
      position: { payment: { value: 21950, currencyId: 'RUR' }, cashback: null, subsidy: null, total: { value: 21950, currencyId: 'RUR' } },
    },
  ],
  source: 'market',
  fetchedAt: '2025-12-01T10:00:00Z',
};
const typed = (compensation: string, locale: 'ru' | 'en' = 'ru') => {
  const built = buildDraft(1, available, { 7: { ...EMPTY_ITEM_FORM, decisionType: 'PARTIAL_MONEY_REFUND', compensation } }, locale);
  const issues = [...built.issues, ...checkDraft(built.draft, available, locale).filter((i) => i.rule !== 'compensation.required')];
  return issues.map((i) => i.message.replace(/\s/g, ' '));
};

describe('a compensation as the operator types it', () => {
  it('reads Russian and English amounts and any minus sign', () => {
    expect(parseAmount('10 975,50')).toBe(10975.5);
    expect(parseAmount('1234.5 ₽')).toBe(1234.5);
    expect(parseAmount('−1')).toBe(-1);
    expect(parseAmount('1e9')).toBeNaN();
  });
  it('says "at least 1 ₽" for 0 and below, never a format error', () => {
    expect(typed('0')).toEqual(['Компенсация — не меньше 1 ₽.']);
    expect(typed('-1')).toEqual(['Компенсация — не меньше 1 ₽.']);
    expect(typed('−1', 'en')).toEqual(['The compensation must be at least RUB 1.']);
  });
  it('names the limit the hint shows, in the same number format', () => {
    expect(typed('10 975,50')).toEqual(['Компенсация больше 50% суммы позиции (21 950 ₽ за 1 штуку): не больше 10 975 ₽.']);
    expect(typed('10 975')).toEqual([]);
    expect(typed('1e9')).toEqual(['Введите сумму цифрами, например 1 250 или 1 250,50: от 1 ₽ до 10 975 ₽.']);
    expect(typed('12,345')).toEqual(['В сумме компенсации не больше двух знаков после запятой (копейки).']);
  });
});
