import type { AvailableDecisions, DecisionDraft, DraftIssue, ItemDecisionDraft } from '../../preload/contract.ts';
import { compensationMax, draftIssue, PARTIAL_TYPE } from '../../preload/decision-rules.ts';

/** What the operator has typed for one item (compensation stays text until it is sent). */
export interface ItemForm {
  decisionType: string | null;
  reasonType: string;
  comment: string;
  compensation: string;
}

export const EMPTY_ITEM_FORM: ItemForm = { decisionType: null, reasonType: '', comment: '', compensation: '' };

/** Which extra fields a decision type asks for. */
export function fieldsFor(decisionType: string | null): {
  reason: boolean;
  comment: 'decline' | 'shipping' | 'repair' | 'other' | null;
  compensation: boolean;
} {
  switch (decisionType) {
    case 'DECLINE_REFUND':
      return { reason: true, comment: 'decline', compensation: false };
    case 'REFUND_MONEY_INCLUDING_SHIPMENT':
      return { reason: false, comment: 'shipping', compensation: false };
    case 'REPAIR':
      return { reason: false, comment: 'repair', compensation: false };
    case 'OTHER_DECISION':
      return { reason: false, comment: 'other', compensation: false };
    case 'PARTIAL_MONEY_REFUND':
      return { reason: false, comment: null, compensation: true };
    default:
      return { reason: false, comment: null, compensation: false };
  }
}

/** Reads an amount typed the Russian or English way ("1 234,50", "1234.5", "-1" with any minus); NaN when it is not one. */
export function parseAmount(text: string): number {
  const cleaned = text
    .replace(/[\s\u00a0\u202f₽]/g, '')
    .replace(',', '.')
    .replace(/^[\u2212\u2013-]/, '-');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return Number.NaN;
  return Number(cleaned);
}

/**
 * Builds the contract's draft from the form; fields the chosen type does not use are left out, and
 * what cannot be read is reported as issues of its own (the shared rules check the rest).
 */
export function buildDraft(
  returnId: number,
  available: AvailableDecisions,
  forms: Record<number, ItemForm>,
  locale: 'ru' | 'en',
): { draft: DecisionDraft; issues: DraftIssue[] } {
  const issues: DraftIssue[] = [];
  const items: ItemDecisionDraft[] = [];
  for (const item of available.items) {
    const form = forms[item.returnItemId] ?? EMPTY_ITEM_FORM;
    if (!form.decisionType) {
      issues.push({
        returnItemId: item.returnItemId,
        field: 'decisionType',
        rule: 'required',
        params: {},
        message: locale === 'ru' ? 'Выберите решение' : 'Choose a decision',
      });
      continue;
    }
    const need = fieldsFor(form.decisionType);
    const draft: ItemDecisionDraft = { returnItemId: item.returnItemId, decisionType: form.decisionType };
    if (need.reason && form.reasonType) draft.reasonType = form.reasonType;
    if (need.comment && form.comment.trim()) draft.comment = form.comment.trim().slice(0, 2000);
    if (need.compensation && form.compensation.trim()) {
      const value = parseAmount(form.compensation);
      const bounds = available.decisions.find((d) => d.decisionType === PARTIAL_TYPE)?.compensationBounds;
      const limits: Record<string, number> = bounds ? { min: bounds.min.value, max: compensationMax(available, item.returnItemId) ?? bounds.max.value } : {};
      // Zero and below are below the minimum, said with the minimum; only text that is not a number is a format error.
      if (Number.isNaN(value)) issues.push(draftIssue(locale, item.returnItemId, 'compensation', 'compensation.notANumber', limits));
      else if (value <= 0) issues.push(draftIssue(locale, item.returnItemId, 'compensation', 'compensation.belowMin', { value, min: bounds?.min.value ?? 1 }));
      else draft.compensation = value;
    }
    items.push(draft);
  }
  return { draft: { returnId, items }, issues };
}

/** Fills the form from a queued draft, for editing it. */
export function formsFromDraft(draft: DecisionDraft, locale: 'ru' | 'en'): Record<number, ItemForm> {
  const forms: Record<number, ItemForm> = {};
  for (const item of draft.items) {
    forms[item.returnItemId] = {
      decisionType: item.decisionType,
      reasonType: item.reasonType ?? '',
      comment: item.comment ?? '',
      compensation:
        item.compensation === undefined ? '' : new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-US', { useGrouping: false }).format(item.compensation),
    };
  }
  return forms;
}
