/**
 * The words of every alert in English and Russian. Kept apart from the policy so a translator
 * reads one file; Russian counts take the one/few/many forms (1 возврат, 2 возврата, 5 возвратов).
 */

import type { AlertKind } from './policy.ts';

export type AlertLocale = 'ru' | 'en';

/** One of Russian's three plural forms for the integer `n` (fractions use the "few" form). */
export function ruPlural(n: number, one: string, few: string, many: string): string {
  if (!Number.isInteger(n)) return few;
  const mod10 = Math.abs(n) % 10;
  const mod100 = Math.abs(n) % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** "5 returns" / "5 возвратов". */
export function countReturns(n: number, locale: AlertLocale): string {
  return locale === 'ru' ? `${n} ${ruPlural(n, 'возврат', 'возврата', 'возвратов')}` : `${n} ${n === 1 ? 'return' : 'returns'}`;
}

/** A span such as "5 h 20 min" / "5 ч 20 мин"; under a minute reads "less than a minute". */
export function formatDuration(ms: number, locale: AlertLocale): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return locale === 'ru' ? 'меньше минуты' : 'less than a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const [hu, mu] = locale === 'ru' ? ['ч', 'мин'] : ['h', 'min'];
  if (h === 0) return `${m} ${mu}`;
  return m === 0 ? `${h} ${hu}` : `${h} ${hu} ${m} ${mu}`;
}

/** "within 6 hours" / "в течение 6 часов" for a threshold given in minutes. */
export function within(thresholdMinutes: number, locale: AlertLocale): string {
  const wholeHours = thresholdMinutes % 60 === 0;
  const n = wholeHours ? thresholdMinutes / 60 : thresholdMinutes;
  if (locale === 'ru') {
    const unit = wholeHours ? ruPlural(n, 'часа', 'часов', 'часов') : ruPlural(n, 'минуты', 'минут', 'минут');
    return `в течение ${n} ${unit}`;
  }
  const unit = wholeHours ? (n === 1 ? 'hour' : 'hours') : n === 1 ? 'minute' : 'minutes';
  return `within ${n} ${unit}`;
}

export interface ReturnRef {
  returnId: number;
  orderId: number;
  campaignName?: string | null;
}

/** "Order 123, return 456 (Shop)" / "Заказ 123, возврат 456 (Shop)". */
export function describeReturn(ref: ReturnRef, locale: AlertLocale): string {
  const shop = ref.campaignName ? ` (${ref.campaignName})` : '';
  return locale === 'ru' ? `Заказ ${ref.orderId}, возврат ${ref.returnId}${shop}` : `Order ${ref.orderId}, return ${ref.returnId}${shop}`;
}

/** Why a queued decision has not reached the Market yet. */
export type UndeliveredReason = 'unreachable' | 'server-error' | 'rate-limited' | 'auth' | 'garbage' | 'unknown-outcome' | 'waiting';

const REASONS: Record<AlertLocale, Record<UndeliveredReason, string>> = {
  en: {
    unreachable: 'the Market is unreachable',
    'server-error': 'the Market answers with errors',
    'rate-limited': 'the Market limits requests',
    auth: 'the Market refused the API key',
    garbage: 'the Market’s answers are unreadable',
    'unknown-outcome': 'the Market’s answer was lost and is being checked',
    waiting: 'it waits to be sent',
  },
  ru: {
    unreachable: 'Маркет недоступен',
    'server-error': 'Маркет отвечает ошибками',
    'rate-limited': 'Маркет ограничивает запросы',
    auth: 'Маркет отклонил API-ключ',
    garbage: 'ответы Маркета не читаются',
    'unknown-outcome': 'ответ Маркета потерян, решение проверяется',
    waiting: 'решение ждёт отправки',
  },
};

/** "the Market is unreachable" / "Маркет недоступен". */
export function reasonText(reason: UndeliveredReason, locale: AlertLocale): string {
  return REASONS[locale][reason];
}

/** What the texts of one grouped notification are built from. */
export interface TextFacts {
  count: number;
  /** The most urgent return of the group. */
  first: ReturnRef;
  /** Time left until the deadline that matters for this kind (decision or pickup), if any. */
  timeLeftMs: number | null;
  /** For deadline alerts: the largest threshold crossed in the group, in minutes. */
  thresholdMinutes: number | null;
  message: string | null;
  /** For undelivered decisions: why the first of the group has not gone out. */
  reason?: UndeliveredReason | null;
}

/** The kinds of alert (see policy.ts); every one has its words here. */
export type TextKind = AlertKind;

/** Title and body of a grouped notification in the operator's language. */
export function alertText(kind: TextKind, facts: TextFacts, locale: AlertLocale): { title: string; body: string } {
  const ru = locale === 'ru';
  const n = facts.count;
  const ref = describeReturn(facts.first, locale);
  const named = n > 1 ? `${ru ? 'Срочнее всего' : 'Most urgent'}: ${ref}` : ref;
  const left =
    facts.timeLeftMs === null ? '' : ru ? ` — осталось ${formatDuration(facts.timeLeftMs, locale)}` : ` — ${formatDuration(facts.timeLeftMs, locale)} left`;
  const returns = countReturns(n, locale);
  const detail = facts.message ? `: ${facts.message}` : '';
  const reason = reasonText(facts.reason ?? 'waiting', locale);
  const leftShort =
    facts.timeLeftMs === null ? '' : ru ? `осталось ${formatDuration(facts.timeLeftMs, locale)}` : `${formatDuration(facts.timeLeftMs, locale)} left`;
  switch (kind) {
    case 'undelivered':
      return n === 1
        ? {
            title: ru
              ? `Решение по возврату ${facts.first.returnId} ещё не доставлено — ${leftShort}, ${reason}`
              : `Decision for return ${facts.first.returnId} not yet delivered — ${leftShort}, ${reason}`,
            body: ru
              ? `${ref}. Оно уйдёт, как только Маркет ответит; по истечении 48 часов Маркет подтвердит возврат сам`
              : `${ref}. It goes out as soon as the Market answers; when the 48 hours are up the Market confirms the return by itself`,
          }
        : {
            title: ru ? `Решения ещё не доставлены: ${returns} — ${reason}` : `Decisions not yet delivered: ${returns} — ${reason}`,
            body: `${named}${left}`,
          };
    case 'undeliveredExpired':
      return {
        title: ru
          ? n === 1
            ? `Решение по возврату ${facts.first.returnId} не доставлено в срок`
            : `Решения не доставлены в срок: ${returns}`
          : n === 1
            ? `Decision for return ${facts.first.returnId} was not delivered in time`
            : `Decisions not delivered in time: ${returns}`,
        body: ru
          ? `${named}: ${reason}. После 48 часов Маркет подтверждает возврат без решения продавца — проверьте возврат в кабинете`
          : `${named}: ${reason}. After 48 hours the Market confirms a return without the seller's decision — check the return in the seller cabinet`,
      };
    case 'chatMessage':
      return {
        title: ru
          ? n === 1
            ? `Новое сообщение покупателя: возврат ${facts.first.returnId}`
            : `Новые сообщения покупателей: ${returns}`
          : n === 1
            ? `New buyer message: return ${facts.first.returnId}`
            : `New buyer messages: ${returns}`,
        body: n > 1 ? `${ru ? 'Последнее' : 'Latest'}: ${ref}` : ref,
      };
    case 'disputeFinished':
      return {
        title: ru ? `${n === 1 ? 'Спор завершён' : 'Споры завершены'}: ${returns}` : `${n === 1 ? 'Dispute finished' : 'Disputes finished'}: ${returns}`,
        body: ru ? `${named}. Арбитр Маркета принял решение — проверьте статус возврата` : `${named}. The Market's arbiter decided — check the return's status`,
      };
    case 'newAwaiting':
      return {
        title: ru
          ? `${n} ${ruPlural(n, 'новый возврат ждёт', 'новых возврата ждут', 'новых возвратов ждут')} решения`
          : `${n} new ${n === 1 ? 'return awaits' : 'returns await'} a decision`,
        body: `${named}${left}`,
      };
    case 'deadline':
      return {
        title: ru
          ? `Решение нужно ${within(facts.thresholdMinutes ?? 0, locale)}: ${returns}`
          : `${returns} ${n === 1 ? 'needs' : 'need'} a decision ${within(facts.thresholdMinutes ?? 0, locale)}`,
        body: `${named}${left}`,
      };
    case 'expired':
      return {
        title: ru ? `Время на решение истекло: ${returns}` : `Decision time is up: ${returns}`,
        body: ru
          ? `${named}. После 48 часов Маркет подтверждает возврат без решения продавца`
          : `${named}. After 48 hours the Market confirms a return without the seller's decision`,
      };
    case 'pickup':
      return {
        title: ru ? `Забрать до завтра: ${returns}` : `Pick up by tomorrow: ${returns}`,
        body:
          facts.timeLeftMs === null
            ? named
            : ru
              ? `${named} — забрать в течение ${formatDuration(facts.timeLeftMs, locale)}`
              : `${named} — pick up within ${formatDuration(facts.timeLeftMs, locale)}`,
      };
    case 'dispute':
      return {
        title: ru ? `${n === 1 ? 'Открыт спор' : 'Открыты споры'}: ${returns}` : `${n === 1 ? 'Dispute opened' : 'Disputes opened'}: ${returns}`,
        body: named,
      };
    case 'outboxFailed':
      return {
        title: ru ? `Решение не отправлено: ${returns}` : `Decision not delivered: ${returns}`,
        body: ru ? `${named}${detail}. Повторите отправку из исходящих` : `${named}${detail}. Retry it from the outbox`,
      };
    case 'outboxConflict':
      return {
        title: ru ? `Конфликт решения: ${returns}` : `Decision conflict: ${returns}`,
        body: ru ? `${named}: возврат изменился в Маркете — проверьте его` : `${named}: the return changed in the Market — review it`,
      };
  }
}
