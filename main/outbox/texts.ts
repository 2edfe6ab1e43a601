// What an outbox state means, in the operator's language (the `explanation` of an OutboxEntry).
import { translator } from '../../locales/index.ts';
import type { RuleLocale } from '../../preload/decision-rules.ts';
import { codeLabel } from '../../preload/market-words.ts';

type Params = Record<string, string | number>;
const p = (params: Params, key: string): string => (params[key] === undefined ? '?' : String(params[key]));
/** A refund status in words. */
const status = (params: Params, locale: RuleLocale): string =>
  params.status === undefined || params.status === 'unknown' ? '?' : codeLabel('refundStatus', String(params.status), locale);
/** "123:REFUND_MONEY, 124:DECLINE_REFUND" as the decisions in words. */
const decisions = (params: Params, locale: RuleLocale): string =>
  [
    ...new Set(
      p(params, 'decisions')
        .split(',')
        .map((d) => d.trim().split(':')[1] ?? '')
        .filter(Boolean),
    ),
  ]
    .map((type) => codeLabel('decisionType', type, locale))
    .join(', ');

/** Explanation codes stored with an entry; the text is rendered when the entry is read. */
export const EXPLANATIONS = [
  'queued',
  'held',
  'edited',
  'offline',
  'retrying',
  'rateLimited',
  'authProblem',
  'unknownOutcome',
  'statusUnknown',
  'delivered',
  'deliveredFound',
  'notConfirmedYet',
  'failedServer',
  'failedNotConfirmed',
  'failedNotFound',
  'conflictAlreadyDecided',
  'conflictAutoConfirmed',
  'conflictDeadlinePassed',
  'conflictCancelled',
  'conflictDispute',
  'conflictNotAwaiting',
  'cancelled',
] as const;
export type Explanation = (typeof EXPLANATIONS)[number];

/** The explanation in words (the `outbox` catalogue); a code this version does not know reads as itself. */
export function explain(code: string | null, params: Params, locale: RuleLocale): string | null {
  if (!code) return null;
  if (!(EXPLANATIONS as readonly string[]).includes(code)) return code;
  const values = { ...params, decisions: decisions(params, locale), statusWords: status(params, locale) };
  return translator(locale)(`outbox:explanation.${code}`, { replace: values });
}
