import { describe, expect, it } from 'vitest';
import { DraftIssue, type AvailableDecisions, type DecisionDraft } from '../../preload/contract.ts';
import { RULES, SUBMIT_RULES, checkDraft, compensationMax, describeRule, draftSchemaIssues, percentLimit, quantity } from '../../preload/decision-rules.ts';

const rub = (value: number) => ({ value, currencyId: 'RUR' });
/** A position whose amount is all the buyer's money (no Plus points, no subsidy). */
const position = (total: number) => ({ payment: rub(total), cashback: null, subsidy: null, total: rub(total) });

/** A DBS-like return of two items: every decision type, bounds 1…5000 RUB and 50 %. */
const available: AvailableDecisions = {
  returnId: 100,
  decisions: [
    { decisionType: 'REFUND_MONEY', reasonTypes: [], compensationBounds: null },
    { decisionType: 'REFUND_MONEY_INCLUDING_SHIPMENT', reasonTypes: [], compensationBounds: null },
    { decisionType: 'REPAIR', reasonTypes: [], compensationBounds: null },
    { decisionType: 'OTHER_DECISION', reasonTypes: [], compensationBounds: null },
    { decisionType: 'DECLINE_REFUND', reasonTypes: ['MECHANICAL_DAMAGE', 'WARRANTY_PERIOD_HAS_EXPIRED'], compensationBounds: null },
    { decisionType: 'PARTIAL_MONEY_REFUND', reasonTypes: [], compensationBounds: { min: rub(10), max: rub(5000), maxPercent: 50 } },
  ],
  items: [
    { returnItemId: 1, shopSku: 'SKU-1', name: 'Чайник', count: 2, position: position(6000) },
    { returnItemId: 2, shopSku: 'SKU-2', name: 'Кружка', count: 1, position: position(401) },
  ],
  source: 'market',
  fetchedAt: '2026-01-01T00:00:00.000Z',
};

const draft = (items: DecisionDraft['items']): DecisionDraft => ({ returnId: 100, items });
const refund2 = { returnItemId: 2, decisionType: 'REFUND_MONEY' };
const rules = (issues: DraftIssue[]) => issues.map((i) => `${i.returnItemId ?? '-'}:${i.field}:${i.rule}`);

describe('checkDraft', () => {
  it('accepts a complete, valid decision for every item', () => {
    expect(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, refund2]), available, 'en')).toEqual([]);
    const ok = draft([
      { returnItemId: 1, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'Скол на корпусе' },
      { returnItemId: 2, decisionType: 'PARTIAL_MONEY_REFUND', compensation: 150.5 },
    ]);
    expect(checkDraft(ok, available, 'ru')).toEqual([]);
  });

  it('needs a type the return allows', () => {
    const issues = checkDraft(draft([{ returnItemId: 1, decisionType: 'FAST_REFUND_MONEY' }, refund2]), available, 'en');
    expect(rules(issues)).toEqual(['1:decisionType:decisionType.notAvailable']);
    expect(issues[0]!.params).toMatchObject({ decisionType: 'FAST_REFUND_MONEY' });
    // The operator reads words, never the Market's codes.
    expect(issues[0]!.message).toContain('“Refund the item”, “Refund the item and return shipping”');
    expect(issues[0]!.message).not.toMatch(/[A-Z]{3,}_[A-Z]/);
  });

  it('says the return awaits nothing when no decision is available', () => {
    const none = { ...available, decisions: [] };
    expect(rules(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, refund2]), none, 'en'))).toEqual(['-:return:return.noDecisions']);
  });

  it('needs a reason from the list when declining, and none otherwise', () => {
    const missing = checkDraft(draft([{ returnItemId: 1, decisionType: 'DECLINE_REFUND', comment: 'нет' }, refund2]), available, 'en');
    expect(rules(missing)).toEqual(['1:reasonType:reasonType.required']);
    expect(missing[0]!.message).toContain('“Mechanical damage”, “Warranty period expired”');
    const ruMissing = checkDraft(draft([{ returnItemId: 1, decisionType: 'DECLINE_REFUND', comment: 'нет' }, refund2]), available, 'ru');
    expect(ruMissing[0]!.message).toBe('Для отказа в возврате нужна причина; выберите одну из: «Механические повреждения», «Истёк гарантийный срок».');
    const wrong = checkDraft(
      draft([{ returnItemId: 1, decisionType: 'DECLINE_REFUND', reasonType: 'DEVICE_ACTIVATED', comment: 'нет' }, refund2]),
      available,
      'en',
    );
    expect(rules(wrong)).toEqual(['1:reasonType:reasonType.notAvailable']);
    const extra = checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY', reasonType: 'MECHANICAL_DAMAGE' }, refund2]), available, 'en');
    expect(rules(extra)).toEqual(['1:reasonType:reasonType.notAllowed']);
  });

  it.each([
    ['REFUND_MONEY_INCLUDING_SHIPMENT', 'shipmentCost', 'the cost of the return shipment', 'стоимость обратной пересылки'],
    ['REPAIR', 'repairWhen', 'when the defects will be repaired', 'когда вы устраните недостатки'],
    ['DECLINE_REFUND', 'declineWhy', 'why the refund is declined', 'причину отказа'],
    ['OTHER_DECISION', 'otherWhat', 'which decision you propose', 'какое решение вы предлагаете'],
  ])('needs the comment %s asks for (%s)', (type, what, en, ru) => {
    const item = { returnItemId: 1, decisionType: type, ...(type === 'DECLINE_REFUND' ? { reasonType: 'MECHANICAL_DAMAGE' } : {}) };
    for (const comment of [undefined, '   ']) {
      const issues = checkDraft(draft([{ ...item, ...(comment === undefined ? {} : { comment }) }, refund2]), available, 'en');
      expect(rules(issues)).toEqual(['1:comment:comment.required']);
      expect(issues[0]!.params).toEqual({ decisionType: type, what });
      expect(issues[0]!.message).toContain(en);
      expect(checkDraft(draft([{ ...item }, refund2]), available, 'ru')[0]!.message).toContain(ru);
    }
    expect(checkDraft(draft([{ ...item, comment: 'Текст' }, refund2]), available, 'en')).toEqual([]);
  });

  it('does not need a comment for a plain refund', () => {
    expect(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, refund2]), available, 'en')).toEqual([]);
  });

  it('keeps the compensation within min, max and maxPercent of the position, only for a partial refund', () => {
    // PartialCompensationBoundsDTO.maxPercent: "Верхний предел доли суммы позиции, которую можно компенсировать
    // (в процентах)" — a share of the position's amount (all its units), which the contract carries as position.total.
    const partial = (returnItemId: number, compensation?: number) => ({
      returnItemId,
      decisionType: 'PARTIAL_MONEY_REFUND',
      ...(compensation === undefined ? {} : { compensation }),
    });
    const one = (item: DecisionDraft['items'][number]) => rules(checkDraft(draft([item, refund2]), available, 'en'));
    expect(one(partial(1))).toEqual(['1:compensation:compensation.required']);
    expect(one(partial(1, 9.99))).toEqual(['1:compensation:compensation.belowMin']);
    expect(one(partial(1, 10))).toEqual([]);
    // Item 1: 50 % of the position's 6000 (two units) = 3000 < max 5000 — not 50 % of 6000 per unit.
    expect(one(partial(1, 3000))).toEqual([]);
    const over = checkDraft(draft([partial(1, 3000.01), refund2]), available, 'en');
    expect(rules(over)).toEqual(['1:compensation:compensation.abovePercent']);
    expect(over[0]!.params).toMatchObject({ limit: 3000, maxPercent: 50, amount: 6000, count: 2 });
    expect(over[0]!.message.replace(/\s/g, ' ')).toBe('The compensation is above 50% of the position (RUB 6,000 for 2 items): at most RUB 3,000.');
    // Item 2: 50 % of 401 = 200.5 → 200 whole roubles.
    expect(rules(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, partial(2, 200)]), available, 'en'))).toEqual([]);
    expect(rules(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, partial(2, 200.5)]), available, 'en'))).toEqual([
      '2:compensation:compensation.abovePercent',
    ]);
    // Above the absolute maximum.
    const rich = { ...available, items: [{ ...available.items[0]!, position: position(200_000) }, available.items[1]!] };
    expect(rules(checkDraft(draft([partial(1, 5000.5), refund2]), rich, 'en'))).toEqual(['1:compensation:compensation.aboveMax']);
    expect(one(partial(1, 10.005))).toEqual(['1:compensation:compensation.kopecks']);
    expect(one({ returnItemId: 1, decisionType: 'REFUND_MONEY', compensation: 10 })).toEqual(['1:compensation:compensation.notAllowed']);
    expect(one(partial(1, -5))).toEqual(['1:compensation:compensation.notPositive']);
    expect(compensationMax(available, 1)).toBe(3000);
    expect(compensationMax(available, 2)).toBe(200);
    expect(percentLimit(401, 50)).toBe(200);
    // Without a known position amount only the Market's min and max apply.
    const unknown = { ...available, items: [{ ...available.items[0]!, position: null }, available.items[1]!] };
    expect(compensationMax(unknown, 1)).toBe(5000);
  });

  it('needs exactly one decision for each item of the return, and no others', () => {
    expect(rules(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }]), available, 'en'))).toEqual(['2:items:items.missing']);
    expect(
      rules(
        checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, refund2, { returnItemId: 3, decisionType: 'REFUND_MONEY' }]), available, 'en'),
      ),
    ).toEqual(['3:items:items.unknownItem']);
    expect(
      rules(checkDraft(draft([{ returnItemId: 1, decisionType: 'REFUND_MONEY' }, refund2, { returnItemId: 1, decisionType: 'REPAIR' }]), available, 'en')),
    ).toEqual(['1:items:items.duplicate']);
  });

  it('refuses a draft for another return', () => {
    expect(rules(checkDraft({ returnId: 101, items: [refund2] }, available, 'en'))).toEqual(['-:return:return.mismatch']);
  });

  it('names malformed fields (schema) with their item and rule', () => {
    const bad = {
      returnId: 100,
      items: [
        { returnItemId: 1, decisionType: 'REFUND_MONEY', comment: 'x'.repeat(2001) },
        { returnItemId: 2, decisionType: '' },
      ],
    };
    const issues = checkDraft(bad as DecisionDraft, available, 'en');
    expect(rules(issues)).toEqual(['1:comment:comment.tooLong', '2:decisionType:draft.invalid']);
    expect(rules(draftSchemaIssues({ returnId: 0, items: [] }))).toEqual(['-:return:draft.invalid', '-:items:draft.invalid']);
    expect(draftSchemaIssues(draft([refund2]))).toEqual([]);
  });

  it('reports every broken rule at once, each a valid DraftIssue in the operator’s language', () => {
    const issues = checkDraft(
      draft([
        { returnItemId: 1, decisionType: 'DECLINE_REFUND' },
        { returnItemId: 1, decisionType: 'REPAIR' },
      ]),
      available,
      'ru',
    );
    expect(rules(issues)).toEqual(['1:reasonType:reasonType.required', '1:comment:comment.required', '1:items:items.duplicate', '2:items:items.missing']);
    for (const issue of issues) {
      expect(DraftIssue.parse(issue)).toEqual(issue);
      expect(issue.message).toMatch(/[а-яё]/i);
    }
  });
});

describe('describeRule', () => {
  it('has a Russian and an English text for every rule, filled with the params', () => {
    for (const rule of [...RULES, ...SUBMIT_RULES]) {
      const en = describeRule(rule, { returnItemId: 7, min: 1, max: 9, decisionType: 'REPAIR', what: 'repairWhen', status: 'X', returnId: 5 }, 'en');
      const ru = describeRule(rule, { returnItemId: 7, min: 1, max: 9, decisionType: 'REPAIR', what: 'repairWhen', status: 'X', returnId: 5 }, 'ru');
      expect(en, rule).not.toBe(rule);
      expect(ru, rule).toMatch(/[а-яё]/i);
      expect(en, rule).not.toMatch(/[а-яё]/i);
    }
    expect(describeRule('items.missing', { returnItemId: 42, shopSku: 'ABC' }, 'en')).toBe('Item ABC has no decision; every item of the return needs one.');
    // One number format in limits and messages: the form's hint writes "10 975 ₽" too.
    expect(describeRule('compensation.aboveMax', { value: 20000, max: 10975 }, 'ru').replace(/\s/g, ' ')).toBe('Компенсация — не больше 10 975 ₽.');
    expect(describeRule('compensation.belowMin', { value: 0, min: 1 }, 'ru').replace(/\s/g, ' ')).toBe('Компенсация — не меньше 1 ₽.');
    expect(describeRule('return.notAwaiting', { returnId: 5, status: 'PREMODERATION_DECISION_MADE' }, 'ru')).toBe(
      'Возврат 5 больше не ждёт решения (статус: Решение принято).',
    );
    // The Market writes "2020-02-02T14:30:30+03:00" (ISO 8601 со смещением относительно UTC): shown in Moscow time.
    expect(describeRule('return.deadlinePassed', { returnId: 5, deadline: '2025-12-01T18:58:00Z' }, 'ru')).toContain('(1 дек. 2025, 21:58 МСК)');
    expect(describeRule('no.such.rule', { a: 1 }, 'ru')).toBe('no.such.rule (a=1)');
  });
});

describe('a quantity of goods in words', () => {
  it('takes its plural form from the count in both languages ("for 1 item", not "for 1 pcs")', () => {
    expect([1, 2, 5, 21].map((n) => quantity(n, 'en'))).toEqual(['1 item', '2 items', '5 items', '21 items']);
    // After «за»: одну штуку, две штуки, пять штук, двадцать одну штуку, одиннадцать штук.
    expect([1, 2, 5, 21, 11, 1.5].map((n) => quantity(n, 'ru'))).toEqual(['1 штуку', '2 штуки', '5 штук', '21 штуку', '11 штук', '1.5 штуки']);
  });
});
