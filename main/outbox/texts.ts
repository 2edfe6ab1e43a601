// What an outbox state means, in the operator's language (the `explanation` of an OutboxEntry).
import { OUTBOX_STATE_WORDS, type RuleLocale } from '../../preload/decision-rules.ts';
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

const TEXTS: Record<RuleLocale, Record<Explanation, (x: Params) => string>> = {
  en: {
    queued: () => 'Saved; it will be sent to the Market shortly.',
    held: () => 'Saved and held for a few seconds so it can be taken back; then it is sent to the Market.',
    edited: () => 'Changed while queued; the new decision will be sent.',
    offline: () => 'The Market cannot be reached; the decision waits and is sent as soon as the connection is back.',
    retrying: (x) => `The Market did not take it this time (${p(x, 'kind')}); it is tried again automatically.`,
    rateLimited: () => 'The Market asked to slow down; the decision is sent when the limit allows.',
    authProblem: () => 'The Market refused the API key; the decision waits until the key is fixed in the settings.',
    unknownOutcome: () => 'Sent, but the answer was lost; the return is re-read before anything is sent again.',
    statusUnknown: (x) =>
      `The Market shows a return status this app does not know (${p(x, 'status')}) and no decision on the return, so nothing shows it arrived. Nothing is sent and nothing is given up: the return is re-read until its status says what to do (checked ${p(x, 'checks')} times).`,
    delivered: () => 'The Market accepted the decision and the return shows it.',
    deliveredFound: () => 'The return already shows this decision (sent before the app was interrupted); nothing was sent twice.',
    notConfirmedYet: () => 'The Market accepted the decision; waiting for the return to show it.',
    failedServer: () => 'The Market refused the decision; see its message. Make a new decision if needed.',
    failedNotConfirmed: (x) =>
      `The Market accepted the decision, but after ${p(x, 'checks')} checks the return still does not show it; check it in the seller cabinet.`,
    failedNotFound: () => 'The Market does not know this return any more.',
    conflictAlreadyDecided: (x) => `The return was already decided (${decisions(x, 'en')}); this decision was not applied.`,
    conflictAutoConfirmed: () => 'The 48 hours ran out and the Market confirmed the return by itself; this decision was not applied.',
    conflictDeadlinePassed: () => 'The decision deadline has passed; this decision was not applied.',
    conflictCancelled: () => 'The buyer cancelled the return; no decision is needed.',
    conflictDispute: () => 'The return is in dispute with the Market’s arbiter; this decision was not applied.',
    conflictNotAwaiting: (x) => `The return no longer awaits a decision (status: ${status(x, 'en')}); this decision was not applied.`,
    cancelled: () => 'Cancelled by the operator before it was sent.',
  },
  ru: {
    queued: () => 'Сохранено; решение скоро будет отправлено в Маркет.',
    held: () => 'Сохранено и задержано на несколько секунд, чтобы его можно было отменить; затем уйдёт в Маркет.',
    edited: () => 'Изменено в очереди; будет отправлено новое решение.',
    offline: () => 'Маркет недоступен; решение ждёт и будет отправлено, как только связь восстановится.',
    retrying: (x) => `Маркет не принял решение с этой попытки (${p(x, 'kind')}); попытка повторится автоматически.`,
    rateLimited: () => 'Маркет просит снизить частоту запросов; решение будет отправлено, когда лимит позволит.',
    authProblem: () => 'Маркет отклонил API-ключ; решение ждёт, пока ключ не исправят в настройках.',
    unknownOutcome: () => 'Отправлено, но ответ потерян; перед повторной отправкой возврат будет перечитан.',
    statusUnknown: (x) =>
      `Маркет показывает статус возврата, которого приложение не знает (${p(x, 'status')}), и решения по возврату в нём нет — значит, не видно, что решение дошло. Ничего не отправляется и ничего не отменяется: возврат перечитывается, пока его статус не подскажет, что делать (проверок: ${p(x, 'checks')}).`,
    delivered: () => 'Маркет принял решение, и оно видно в возврате.',
    deliveredFound: () => 'Возврат уже содержит это решение (оно ушло до прерывания приложения); повторно ничего не отправлялось.',
    notConfirmedYet: () => 'Маркет принял решение; ждём, когда оно появится в возврате.',
    failedServer: () => 'Маркет отклонил решение; см. его сообщение. При необходимости примите новое решение.',
    failedNotConfirmed: (x) => `Маркет принял решение, но после ${p(x, 'checks')} проверок оно не видно в возврате; проверьте в кабинете продавца.`,
    failedNotFound: () => 'Маркет больше не знает этот возврат.',
    conflictAlreadyDecided: (x) => `По возврату уже принято решение (${decisions(x, 'ru')}); это решение не применено.`,
    conflictAutoConfirmed: () => '48 часов истекли, и Маркет подтвердил возврат сам; это решение не применено.',
    conflictDeadlinePassed: () => 'Срок принятия решения истёк; это решение не применено.',
    conflictCancelled: () => 'Покупатель отменил возврат; решение не требуется.',
    conflictDispute: () => 'По возврату открыт спор с арбитром Маркета; это решение не применено.',
    conflictNotAwaiting: (x) => `Возврат больше не ждёт решения (статус: ${status(x, 'ru')}); это решение не применено.`,
    cancelled: () => 'Отменено оператором до отправки.',
  },
};

export function explain(code: string | null, params: Params, locale: RuleLocale): string | null {
  if (!code) return null;
  const text = TEXTS[locale][code as Explanation] ?? TEXTS.en[code as Explanation];
  return text ? text(params) : code;
}

/** Words for the CLI's state column. */
export const STATE_WORDS = OUTBOX_STATE_WORDS;
