/**
 * The rules a return decision must meet before it is queued, shared by main (which refuses a bad
 * draft) and the renderer's decision form (which shows the same issues as the operator types).
 * Pure: imports only zod, the contract and the catalogues (locales/). Mirrors POST v2/…/returns/{returnId}/decision/submit
 * (ReturnItemDecisionDTO) and what POST v1/businesses/{businessId}/returns/decisions allows.
 */
import type { z } from 'zod';
import { DecisionDraft } from './contract.ts';
import type { AvailableDecisions, DraftIssue } from './contract.ts';
import { hasText, translator } from '../locales/index.ts';
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

const p = (params: Params, key: string): string => (params[key] === undefined ? '?' : String(params[key]));

/** An outbox entry's state in words, as the operator reads it ("queued" / "в очереди"); an unknown state reads as itself. */
/** A quantity of goods in words with its plural: "1 item", "2 items" / "1 штуку", "5 штук" (after "for" / "за"). */
export function quantity(count: number, locale: RuleLocale): string {
  return translator(locale)('rules:pieces.count', { count });
}

export function outboxStateWords(state: string, locale: RuleLocale): string {
  return hasText(`outbox:state.${state}`) ? translator(locale)(`outbox:state.${state}`) : state;
}

type Words = (x: Params, key: string) => string;

/** Which params of each rule are codes, roubles, times or states, to be put in words before the `rules` catalogue's sentence takes them. */
function wordsOf(rule: string, locale: RuleLocale): Record<string, Words> {
  const codes =
    (group: CodeGroup): Words =>
    (x, key) =>
      codeList(
        group,
        p(x, key)
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        locale,
      );
  const code =
    (group: CodeGroup): Words =>
    (x, key) =>
      x[key] === undefined ? '?' : codeLabel(group, String(x[key]), locale);
  const rub: Words = (x, key) => (typeof x[key] === 'number' ? formatRub(x[key], locale) : p(x, key));
  const at: Words = (x, key) => (x[key] === undefined ? '?' : formatMsk(String(x[key]), locale));
  const state: Words = (x, key) => outboxStateWords(p(x, key), locale);
  const pieces: Words = (x, key) => (typeof x[key] === 'number' ? quantity(x[key], locale) : p(x, key));
  const what: Words = (x, key) => (hasText(`rules:commentWhat.${p(x, key)}`) ? translator(locale)(`rules:commentWhat.${p(x, key)}`) : p(x, key));
  const decisionTypes = codes('decisionType');
  const declineReasons = codes('declineReason');
  const byRule: Record<string, Record<string, Words>> = {
    'return.notAwaiting': { status: code('refundStatus') },
    'return.deadlinePassed': { deadline: at },
    'return.alreadyQueued': { state },
    'decisionType.notAvailable': { decisionType: decisionTypes, allowed: decisionTypes },
    'reasonType.required': { allowed: declineReasons },
    'reasonType.notAvailable': { reasonType: declineReasons, allowed: declineReasons },
    'reasonType.notAllowed': { decisionType: decisionTypes },
    'comment.required': { decisionType: decisionTypes, what },
    'compensation.required': { min: rub, max: rub },
    'compensation.notAllowed': { decisionType: decisionTypes },
    'compensation.notANumber': { min: rub, max: rub },
    'compensation.belowMin': { min: rub },
    'compensation.aboveMax': { max: rub },
    'compensation.abovePercent': { amount: rub, limit: rub, count: pieces },
  };
  return byRule[rule] ?? {};
}

/** The rule in words (the `rules` catalogue), in the operator's language; unknown rules fall back to their code and params. */
export function describeRule(rule: string, params: Record<string, string | number> = {}, locale: RuleLocale = 'en'): string {
  // Without its bounds, "not a number" names no range.
  const key = rule === 'compensation.notANumber' && params.min !== undefined ? 'rules:compensation.notANumberRange' : `rules:${rule}`;
  if (hasText(key)) {
    const values: Params = { ...params };
    for (const [name, words] of Object.entries(wordsOf(rule, locale))) values[name] = words(params, name);
    return translator(locale)(key, { replace: values });
  }
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
