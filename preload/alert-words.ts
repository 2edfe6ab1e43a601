/**
 * The alerts' words: which texts of the `alerts` catalogue (locales/alerts.ts) each alert is written
 * from, given its kind and facts. Main writes a native notification with them, the renderer a banner or
 * a history row, each in the language spoken when it is shown. Pure: the contract and the catalogues.
 */
import { translator } from '../locales/index.ts';
import { AlertFacts, AlertKind, type AlertRecord, type AlertReturnRef, type UndeliveredReason } from './contract.ts';

export type AlertLocale = 'ru' | 'en';

/** "5 returns" / "5 возвратов". */
export function countReturns(n: number, locale: AlertLocale): string {
  return translator(locale)('alerts:returns', { count: n });
}

/** A span such as "5 h 20 min" / "5 ч 20 мин"; under a minute reads "less than a minute". */
export function formatDuration(ms: number, locale: AlertLocale): string {
  const t = translator(locale);
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return t('time:lessThanAMinute');
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('time:minutes', { m });
  return m === 0 ? t('time:hours', { h }) : t('time:hoursMinutes', { h, m });
}

/** "within 6 hours" / "в течение 6 часов" for a threshold given in minutes. */
export function within(thresholdMinutes: number, locale: AlertLocale): string {
  const t = translator(locale);
  return thresholdMinutes % 60 === 0 ? t('alerts:withinHours', { count: thresholdMinutes / 60 }) : t('alerts:withinMinutes', { count: thresholdMinutes });
}

/** "Order 123, return 456 (Shop)" / "Заказ 123, возврат 456 (Shop)". */
export function describeReturn(ref: AlertReturnRef, locale: AlertLocale): string {
  const t = translator(locale);
  const ids = { orderId: ref.orderId, returnId: ref.returnId };
  return ref.campaignName ? t('alerts:refInStore', { ...ids, store: ref.campaignName }) : t('alerts:ref', ids);
}

/** "the Market is unreachable" / "Маркет недоступен". */
export function reasonText(reason: UndeliveredReason, locale: AlertLocale): string {
  return translator(locale)(`alerts:reason.${reason}`);
}

/** Title and body of a grouped alert in `locale`. */
export function alertText(kind: AlertKind, facts: AlertFacts, locale: AlertLocale): { title: string; body: string } {
  const t = translator(locale);
  const n = facts.count;
  const one = n === 1;
  const returnId = facts.first.returnId;
  const ref = describeReturn(facts.first, locale);
  const named = n > 1 ? t('alerts:mostUrgent', { ref }) : ref;
  const span = facts.timeLeftMs === null ? null : formatDuration(facts.timeLeftMs, locale);
  const namedLeft = span === null ? named : t('alerts:withTimeLeft', { text: named, span });
  const returns = countReturns(n, locale);
  const reason = reasonText(facts.reason ?? 'waiting', locale);
  switch (kind) {
    case 'undelivered':
      return one
        ? {
            title: t('alerts:undelivered.titleOne', { returnId, timeLeft: span === null ? '' : t('alerts:timeLeft', { span }), reason }),
            body: t('alerts:undelivered.bodyOne', { ref }),
          }
        : { title: t('alerts:undelivered.titleMany', { returns, reason }), body: namedLeft };
    case 'undeliveredExpired':
      return {
        title: one ? t('alerts:undeliveredExpired.titleOne', { returnId }) : t('alerts:undeliveredExpired.titleMany', { returns }),
        body: t('alerts:undeliveredExpired.body', { named, reason }),
      };
    case 'chatMessage':
      return {
        title: one ? t('alerts:chatMessage.titleOne', { returnId }) : t('alerts:chatMessage.titleMany', { returns }),
        body: n > 1 ? t('alerts:latest', { ref }) : ref,
      };
    case 'disputeFinished':
      return {
        title: one ? t('alerts:disputeFinished.titleOne', { returns }) : t('alerts:disputeFinished.titleMany', { returns }),
        body: t('alerts:disputeFinished.body', { named }),
      };
    case 'newAwaiting':
      return { title: t('alerts:newAwaiting.title', { count: n }), body: namedLeft };
    case 'deadline':
      return { title: t('alerts:deadline.title', { count: n, returns, within: within(facts.thresholdMinutes ?? 0, locale) }), body: namedLeft };
    case 'expired':
      return { title: t('alerts:expired.title', { returns }), body: t('alerts:expired.body', { named }) };
    case 'pickup':
      return { title: t('alerts:pickup.title', { returns }), body: span === null ? named : t('alerts:pickup.bodyWithin', { named, span }) };
    case 'dispute':
      return { title: one ? t('alerts:dispute.titleOne', { returns }) : t('alerts:dispute.titleMany', { returns }), body: named };
    case 'outboxFailed':
      return {
        title: t('alerts:outboxFailed.title', { returns }),
        body: t('alerts:outboxFailed.body', { named: facts.message ? t('alerts:withMessage', { text: named, message: facts.message }) : named }),
      };
    case 'outboxConflict':
      return { title: t('alerts:outboxConflict.title', { returns }), body: t('alerts:outboxConflict.body', { named }) };
  }
}

/**
 * A kept alert in words, in the language spoken now: written from its kind and facts; the words kept
 * with it when it has no facts (an older version kept it) or its kind is not known here; a generic
 * line when it has neither. Never throws, so one odd row cannot take the banners down.
 */
export function alertRecordWords(
  record: Pick<AlertRecord, 'kind' | 'facts' | 'title' | 'body' | 'returnIds'>,
  locale: AlertLocale,
): { title: string; body: string } {
  const kind = AlertKind.safeParse(record.kind);
  const facts = AlertFacts.safeParse(record.facts);
  if (kind.success && facts.success) {
    try {
      return alertText(kind.data, facts.data, locale);
    } catch {
      // Fall through to the kept words.
    }
  }
  const title = typeof record.title === 'string' ? record.title.trim() : '';
  const body = typeof record.body === 'string' ? record.body : '';
  if (title) return { title, body };
  const count = Array.isArray(record.returnIds) ? record.returnIds.length : 0;
  const t = translator(locale);
  return { title: t('alerts:generic.title'), body: body || (count > 0 ? t('alerts:generic.body', { returns: countReturns(count, locale) }) : '') };
}
