/**
 * The rules a return decision must meet before it is queued, shared by main (which refuses a bad
 * draft) and the renderer's decision form (which shows the same issues as the operator types).
 * Pure: imports only zod and the contract. Mirrors POST v2/…/returns/{returnId}/decision/submit
 * (ReturnItemDecisionDTO) and what POST v1/businesses/{businessId}/returns/decisions allows.
 */
import type { z } from 'zod';
import { DecisionDraft } from './contract.ts';
import type { AvailableDecisions, DraftIssue } from './contract.ts';
import { codeLabel, codeList, formatRub, type CodeGroup } from './market-words.ts';
import { formatMsk } from './moscow-time.ts';

export type RuleLocale = 'ru' | 'en';
type Params = Record<string, string | number>;

/** Decision types whose comment is required, and what the comment must say (ReturnItemDecisionComment). */
export const COMMENT_REQUIRED_FOR: Readonly<Record<string, 'shipmentCost' | 'repairWhen' | 'declineWhy' | 'otherWhat'>> = {
  REFUND_MONEY_INCLUDING_SHIPMENT: 'shipmentCost',
  REPAIR: 'repairWhen',
  DECLINE_REFUND: 'declineWhy',
  OTHER_DECISION: 'otherWhat',
};

export const DECLINE_TYPE = 'DECLINE_REFUND';
export const PARTIAL_TYPE = 'PARTIAL_MONEY_REFUND';
export const COMMENT_MAX = 2000;

/** Every rule code `checkDraft` may return. */
export const RULES = [
  'draft.invalid',
  'return.mismatch',
  'return.noDecisions',
  'items.unknownItem',
  'items.duplicate',
  'items.missing',
  'decisionType.notAvailable',
  'reasonType.required',
  'reasonType.notAvailable',
  'reasonType.notAllowed',
  'comment.required',
  'comment.tooLong',
  'compensation.required',
  'compensation.notAllowed',
  'compensation.notPositive',
  'compensation.notANumber',
  'compensation.kopecks',
  'compensation.belowMin',
  'compensation.aboveMax',
  'compensation.abovePercent',
] as const;
export type Rule = (typeof RULES)[number];

const COMMENT_WHAT: Record<RuleLocale, Record<string, string>> = {
  en: {
    shipmentCost: 'the cost of the return shipment',
    repairWhen: 'when the defects will be repaired',
    declineWhy: 'why the refund is declined',
    otherWhat: 'which decision you propose',
  },
  ru: {
    shipmentCost: 'стоимость обратной пересылки',
    repairWhen: 'когда вы устраните недостатки товара',
    declineWhy: 'причину отказа',
    otherWhat: 'какое решение вы предлагаете',
  },
};

const p = (params: Params, key: string): string => (params[key] === undefined ? '?' : String(params[key]));

/** Words for an outbox entry's state, as the operator reads it. */
export const OUTBOX_STATE_WORDS: Record<RuleLocale, Record<string, string>> = {
  en: { queued: 'queued', sending: 'sending', delivered: 'delivered', failed: 'failed', conflict: 'conflict', cancelled: 'cancelled' },
  ru: { queued: 'в очереди', sending: 'отправляется', delivered: 'доставлено', failed: 'ошибка', conflict: 'конфликт', cancelled: 'отменено' },
};

/** The texts of the rules: params keep the Market's codes and plain numbers; the words name and format them. */
function texts(locale: RuleLocale): Record<string, (params: Params) => string> {
  const code = (group: CodeGroup, x: Params, key: string): string => (x[key] === undefined ? '?' : codeLabel(group, String(x[key]), locale));
  const codes = (group: CodeGroup, x: Params, key: string): string =>
    codeList(
      group,
      p(x, key)
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      locale,
    );
  const rub = (x: Params, key: string): string => (typeof x[key] === 'number' ? formatRub(x[key] as number, locale) : p(x, key));
  const at = (x: Params, key: string): string => (x[key] === undefined ? '?' : formatMsk(String(x[key]), locale));
  const state = (x: Params, key: string): string => OUTBOX_STATE_WORDS[locale][p(x, key)] ?? p(x, key);
  if (locale === 'ru') {
    return {
      'draft.invalid': (x) => `Решение составлено неверно (${p(x, 'path')}): ${p(x, 'detail')}.`,
      'return.mismatch': (x) => `Решение относится к возврату ${p(x, 'draft')}, а доступные решения — к возврату ${p(x, 'available')}.`,
      'return.noDecisions': () => 'Маркет сейчас не предлагает решений по этому возврату: он больше не ждёт решения.',
      'return.unknown': (x) => `Возврата ${p(x, 'returnId')} ещё нет в локальной базе; сначала синхронизируйте данные.`,
      'return.notAwaiting': (x) => `Возврат ${p(x, 'returnId')} больше не ждёт решения (статус: ${code('refundStatus', x, 'status')}).`,
      'return.deadlinePassed': (x) => `Срок 48 часов по возврату ${p(x, 'returnId')} истёк (${at(x, 'deadline')}); Маркет подтвердил возврат сам.`,
      'return.alreadyQueued': (x) =>
        `Решение по возврату ${p(x, 'returnId')} уже есть (${state(x, 'state')}, очередь №${p(x, 'outboxId')}); измените или отмените его.`,
      'return.availableUnknown': (x) =>
        `Неизвестно, какие решения доступны по возврату ${p(x, 'returnId')}: Маркет недоступен, а в кэше ничего нет. Повторите, когда появится связь.`,
      'items.unknownItem': (x) => `Товара ${p(x, 'returnItemId')} нет в этом возврате.`,
      'items.duplicate': (x) => `По товару ${p(x, 'returnItemId')} указано несколько решений; нужно ровно одно.`,
      'items.missing': (x) => `По товару ${p(x, 'shopSku')} нет решения; решение нужно по каждому товару возврата.`,
      'decisionType.notAvailable': (x) =>
        `Решение ${codes('decisionType', x, 'decisionType')} недоступно для этого возврата; доступны: ${codes('decisionType', x, 'allowed')}.`,
      'reasonType.required': (x) => `Для отказа в возврате нужна причина; выберите одну из: ${codes('declineReason', x, 'allowed')}.`,
      'reasonType.notAvailable': (x) =>
        `Причина ${codes('declineReason', x, 'reasonType')} недоступна; выберите одну из: ${codes('declineReason', x, 'allowed')}.`,
      'reasonType.notAllowed': (x) => `Причина указывается только при отказе в возврате, а не при решении ${codes('decisionType', x, 'decisionType')}.`,
      'comment.required': (x) => `Для решения ${codes('decisionType', x, 'decisionType')} нужен комментарий: ${COMMENT_WHAT.ru[p(x, 'what')] ?? p(x, 'what')}.`,
      'comment.tooLong': (x) => `Комментарий слишком длинный: не более ${p(x, 'max')} символов.`,
      'compensation.required': (x) => `Для частичного возврата укажите сумму компенсации: от ${rub(x, 'min')} до ${rub(x, 'max')}.`,
      'compensation.notAllowed': (x) =>
        `Сумма компенсации указывается только при частичном возврате, а не при решении ${codes('decisionType', x, 'decisionType')}.`,
      'compensation.notPositive': () => 'Компенсация должна быть больше 0 ₽.',
      'compensation.notANumber': (x) =>
        `Введите сумму цифрами, например 1 250 или 1 250,50${x.min !== undefined ? `: от ${rub(x, 'min')} до ${rub(x, 'max')}` : ''}.`,
      'compensation.kopecks': () => 'В сумме компенсации не больше двух знаков после запятой (копейки).',
      'compensation.belowMin': (x) => `Компенсация — не меньше ${rub(x, 'min')}.`,
      'compensation.aboveMax': (x) => `Компенсация — не больше ${rub(x, 'max')}.`,
      'compensation.abovePercent': (x) =>
        `Компенсация больше ${p(x, 'maxPercent')}% суммы позиции (${rub(x, 'amount')} за ${p(x, 'count')} шт.): не больше ${rub(x, 'limit')}.`,
    };
  }
  return {
    'draft.invalid': (x) => `The decision is malformed at ${p(x, 'path')}: ${p(x, 'detail')}.`,
    'return.mismatch': (x) => `The decision is for return ${p(x, 'draft')}, but the available decisions are for return ${p(x, 'available')}.`,
    'return.noDecisions': () => 'The Market offers no decision for this return now: it no longer awaits one.',
    'return.unknown': (x) => `Return ${p(x, 'returnId')} is not in the local store yet; sync first.`,
    'return.notAwaiting': (x) => `Return ${p(x, 'returnId')} no longer awaits a decision (status: ${code('refundStatus', x, 'status')}).`,
    'return.deadlinePassed': (x) => `The 48-hour deadline of return ${p(x, 'returnId')} passed at ${at(x, 'deadline')}; the Market has confirmed it by itself.`,
    'return.alreadyQueued': (x) =>
      `A decision for return ${p(x, 'returnId')} is already ${state(x, 'state')} (outbox #${p(x, 'outboxId')}); edit or cancel that one instead.`,
    'return.availableUnknown': (x) =>
      `What may be decided for return ${p(x, 'returnId')} is unknown: the Market cannot be reached and nothing is cached. Try again when online.`,
    'items.unknownItem': (x) => `Item ${p(x, 'returnItemId')} is not part of this return.`,
    'items.duplicate': (x) => `Item ${p(x, 'returnItemId')} has more than one decision; give exactly one.`,
    'items.missing': (x) => `Item ${p(x, 'shopSku')} has no decision; every item of the return needs one.`,
    'decisionType.notAvailable': (x) =>
      `Decision ${codes('decisionType', x, 'decisionType')} is not available for this return; available: ${codes('decisionType', x, 'allowed')}.`,
    'reasonType.required': (x) => `Declining a refund needs a reason; choose one of: ${codes('declineReason', x, 'allowed')}.`,
    'reasonType.notAvailable': (x) =>
      `Reason ${codes('declineReason', x, 'reasonType')} is not available; choose one of: ${codes('declineReason', x, 'allowed')}.`,
    'reasonType.notAllowed': (x) => `A reason is given only when declining a refund, not with ${codes('decisionType', x, 'decisionType')}.`,
    'comment.required': (x) => `Decision ${codes('decisionType', x, 'decisionType')} needs a comment: ${COMMENT_WHAT.en[p(x, 'what')] ?? p(x, 'what')}.`,
    'comment.tooLong': (x) => `The comment is too long: at most ${p(x, 'max')} characters.`,
    'compensation.required': (x) => `A partial refund needs the compensation amount, from ${rub(x, 'min')} to ${rub(x, 'max')}.`,
    'compensation.notAllowed': (x) => `A compensation amount is given only with a partial refund, not with ${codes('decisionType', x, 'decisionType')}.`,
    'compensation.notPositive': () => 'The compensation must be more than RUB 0.',
    'compensation.notANumber': (x) =>
      `Enter the amount in digits, e.g. 1250 or 1250.50${x.min !== undefined ? `: from ${rub(x, 'min')} to ${rub(x, 'max')}` : ''}.`,
    'compensation.kopecks': () => 'The compensation may have at most two decimal places (kopecks).',
    'compensation.belowMin': (x) => `The compensation must be at least ${rub(x, 'min')}.`,
    'compensation.aboveMax': (x) => `The compensation must be at most ${rub(x, 'max')}.`,
    'compensation.abovePercent': (x) =>
      `The compensation is above ${p(x, 'maxPercent')}% of the position (${rub(x, 'amount')} for ${p(x, 'count')} pcs): at most ${rub(x, 'limit')}.`,
  };
}

const TEXTS: Record<RuleLocale, Record<string, (params: Params) => string>> = { en: texts('en'), ru: texts('ru') };

/** The rule in words, in the operator's language; unknown rules fall back to their code and params. */
export function describeRule(rule: string, params: Record<string, string | number> = {}, locale: RuleLocale = 'en'): string {
  const text = TEXTS[locale][rule] ?? TEXTS.en[rule];
  if (text) return text(params);
  const detail = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return detail ? `${rule} (${detail})` : rule;
}

/**
 * Whole roubles at most `maxPercent` of the position's amount, rounded down. PartialCompensationBoundsDTO:
 * maxPercent is the "Верхний предел доли суммы позиции, которую можно компенсировать (в процентах)" —
 * a share of the whole position (every unit returned), never of a unit price.
 */
export function percentLimit(positionAmount: number, maxPercent: number): number {
  return Math.floor((positionAmount * maxPercent) / 100 + 1e-9);
}

/** The amount of the position `maxPercent` applies to, when known. */
function positionAmount(available: AvailableDecisions, returnItemId: number): number | null {
  return available.items.find((i) => i.returnItemId === returnItemId)?.position?.total?.value ?? null;
}

/** Highest compensation allowed for one item, or null when the bounds are unknown. */
export function compensationMax(available: AvailableDecisions, returnItemId: number): number | null {
  const bounds = available.decisions.find((d) => d.decisionType === PARTIAL_TYPE)?.compensationBounds;
  if (!bounds) return null;
  const amount = positionAmount(available, returnItemId);
  const byPercent = amount === null ? Number.POSITIVE_INFINITY : percentLimit(amount, bounds.maxPercent);
  return Math.min(bounds.max.value, byPercent);
}

/** Rules main checks before queueing, beyond the draft itself (what the store and the outbox know). */
export const SUBMIT_RULES = ['return.unknown', 'return.notAwaiting', 'return.deadlinePassed', 'return.alreadyQueued', 'return.availableUnknown'] as const;
export type SubmitRule = (typeof SUBMIT_RULES)[number];

/** One issue with its message in `locale`. */
export function draftIssue(
  locale: RuleLocale,
  returnItemId: number | null,
  field: DraftIssue['field'],
  rule: Rule | SubmitRule,
  params: Params = {},
): DraftIssue {
  return { returnItemId, field, rule, params, message: describeRule(rule, params, locale) };
}

const FIELDS: ReadonlySet<string> = new Set(['decisionType', 'reasonType', 'comment', 'compensation']);

/** Issues of a value that is not a well-formed DecisionDraft (empty when it is one). */
export function draftSchemaIssues(draft: unknown, locale: RuleLocale = 'en'): DraftIssue[] {
  const parsed = DecisionDraft.safeParse(draft);
  return parsed.success ? [] : schemaIssues(parsed.error, draft, locale);
}

function schemaIssues(error: z.ZodError, draft: unknown, locale: RuleLocale): DraftIssue[] {
  return error.issues.map((zi) => {
    const path = zi.path.map(String);
    let returnItemId: number | null = null;
    let field: DraftIssue['field'] = path[0] === 'returnId' ? 'return' : 'items';
    if (path[0] === 'items' && path.length >= 3) {
      const raw = (draft as { items?: Array<{ returnItemId?: unknown }> } | null)?.items?.[Number(path[1])]?.returnItemId;
      returnItemId = typeof raw === 'number' && Number.isInteger(raw) ? raw : null;
      if (FIELDS.has(path[2] ?? '')) field = path[2] as DraftIssue['field'];
    }
    // Limits the contract's schema enforces keep their own rule names.
    if (field === 'comment' && zi.code === 'too_big') return draftIssue(locale, returnItemId, field, 'comment.tooLong', { max: COMMENT_MAX });
    if (field === 'compensation' && zi.code === 'too_small') return draftIssue(locale, returnItemId, field, 'compensation.notPositive', {});
    return draftIssue(locale, returnItemId, field, 'draft.invalid', { path: path.join('.') || '(root)', detail: zi.message });
  });
}

const isKopecks = (value: number): boolean => Math.abs(Math.round(value * 100) - value * 100) < 1e-6;

/**
 * Every broken rule of `draft` against what the Market allows for the return (empty when it may be
 * queued). Per item: a type the return allows; a reason from the list only when declining; the
 * comment the type needs; a compensation within the bounds only for a partial refund. Per return:
 * exactly one decision for each of its items.
 */
export function checkDraft(draft: DecisionDraft, available: AvailableDecisions, locale: RuleLocale = 'en'): DraftIssue[] {
  const parsed = DecisionDraft.safeParse(draft);
  if (!parsed.success) return schemaIssues(parsed.error, draft, locale);
  const d = parsed.data;
  const issues: DraftIssue[] = [];
  if (d.returnId !== available.returnId) {
    return [draftIssue(locale, null, 'return', 'return.mismatch', { draft: d.returnId, available: available.returnId })];
  }
  if (available.decisions.length === 0) issues.push(draftIssue(locale, null, 'return', 'return.noDecisions', { returnId: d.returnId }));
  const allowedTypes = available.decisions.map((a) => a.decisionType);
  const itemIds = new Set(available.items.map((i) => i.returnItemId));
  const seen = new Set<number>();

  for (const item of d.items) {
    const id = item.returnItemId;
    if (!itemIds.has(id)) {
      issues.push(draftIssue(locale, id, 'items', 'items.unknownItem', { returnItemId: id }));
      continue;
    }
    if (seen.has(id)) {
      issues.push(draftIssue(locale, id, 'items', 'items.duplicate', { returnItemId: id }));
      continue;
    }
    seen.add(id);
    const type = item.decisionType;
    const allowed = available.decisions.find((a) => a.decisionType === type);
    if (!allowed) {
      if (available.decisions.length > 0) {
        issues.push(draftIssue(locale, id, 'decisionType', 'decisionType.notAvailable', { decisionType: type, allowed: allowedTypes.join(', ') }));
      }
    }

    // Reason: only with DECLINE_REFUND, and then from that decision's list.
    const reason = item.reasonType?.trim() ? item.reasonType.trim() : undefined;
    if (type === DECLINE_TYPE) {
      const reasons = allowed?.reasonTypes ?? [];
      if (!reason) issues.push(draftIssue(locale, id, 'reasonType', 'reasonType.required', { allowed: reasons.join(', ') }));
      else if (allowed && !reasons.includes(reason)) {
        issues.push(draftIssue(locale, id, 'reasonType', 'reasonType.notAvailable', { reasonType: reason, allowed: reasons.join(', ') }));
      }
    } else if (reason) {
      issues.push(draftIssue(locale, id, 'reasonType', 'reasonType.notAllowed', { decisionType: type }));
    }

    // Comment: what ReturnItemDecisionComment asks for each type.
    const what = COMMENT_REQUIRED_FOR[type];
    if (what && !item.comment?.trim()) issues.push(draftIssue(locale, id, 'comment', 'comment.required', { decisionType: type, what }));

    // Compensation: only, and always, for a partial refund; within min, max and maxPercent of the item.
    const value = item.compensation;
    if (type === PARTIAL_TYPE) {
      const bounds = allowed?.compensationBounds ?? null;
      const max = compensationMax(available, id);
      if (value === undefined) {
        issues.push(draftIssue(locale, id, 'compensation', 'compensation.required', { min: bounds?.min.value ?? '?', max: max ?? '?' }));
      } else if (!isKopecks(value)) {
        issues.push(draftIssue(locale, id, 'compensation', 'compensation.kopecks', { value }));
      } else if (bounds) {
        const amount = positionAmount(available, id);
        const limit = amount === null ? Number.POSITIVE_INFINITY : percentLimit(amount, bounds.maxPercent);
        if (value < bounds.min.value) issues.push(draftIssue(locale, id, 'compensation', 'compensation.belowMin', { value, min: bounds.min.value }));
        // Over both limits, the lower one is named: the same maximum the form's hint shows.
        else if (amount !== null && value > limit && limit <= bounds.max.value) {
          const count = available.items.find((i) => i.returnItemId === id)?.count ?? 1;
          issues.push(draftIssue(locale, id, 'compensation', 'compensation.abovePercent', { value, limit, maxPercent: bounds.maxPercent, amount, count }));
        } else if (value > bounds.max.value) issues.push(draftIssue(locale, id, 'compensation', 'compensation.aboveMax', { value, max: bounds.max.value }));
      }
    } else if (value !== undefined) {
      issues.push(draftIssue(locale, id, 'compensation', 'compensation.notAllowed', { decisionType: type }));
    }
  }

  for (const item of available.items) {
    if (!seen.has(item.returnItemId)) {
      issues.push(draftIssue(locale, item.returnItemId, 'items', 'items.missing', { returnItemId: item.returnItemId, shopSku: item.shopSku }));
    }
  }
  return issues;
}
