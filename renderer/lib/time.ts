/** Deadline arithmetic and wording for countdowns (the `time` catalogue); pure so it can be tested without a DOM. */
import { translator } from '../../locales/index.ts';

export type Urgency = 'overdue' | 'critical' | 'warning' | 'notice' | 'calm';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How urgent a decision is, from the milliseconds left before its deadline. */
export function urgencyOf(msLeft: number): Urgency {
  if (msLeft <= 0) return 'overdue';
  if (msLeft < HOUR) return 'critical';
  if (msLeft < 6 * HOUR) return 'warning';
  if (msLeft < 24 * HOUR) return 'notice';
  return 'calm';
}

/** Milliseconds from `now` to an ISO time, or null when the time is missing or unreadable. */
export function msUntil(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at - now : null;
}

/**
 * A compact countdown: "1 d 3 h", "5 h 07 min", "42 min", "<1 min"; with `seconds`, under an hour
 * it shows "12:05" (min:sec). Past the deadline: "overdue 2 h".
 */
export function formatCountdown(msLeft: number, locale: 'ru' | 'en', options: { seconds?: boolean } = {}): string {
  const t = translator(locale);
  if (msLeft <= 0) {
    const past = -msLeft;
    return t('time:overdue', { span: past < HOUR ? t('time:minutes', { m: Math.max(1, Math.floor(past / MINUTE)) }) : spanWords(past, locale) });
  }
  if (msLeft < HOUR) {
    if (options.seconds) {
      const total = Math.floor(msLeft / 1000);
      return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
    }
    return msLeft < MINUTE ? t('time:underAMinute') : t('time:minutes', { m: Math.floor(msLeft / MINUTE) });
  }
  return spanWords(msLeft, locale);
}

/** A clock difference in words: "42 min", "2 h 03 min", "1 d 4 h". */
export function formatSpan(ms: number, locale: 'ru' | 'en'): string {
  const abs = Math.round(Math.abs(ms) / MINUTE) * MINUTE;
  return abs < HOUR ? translator(locale)('time:minutes', { m: Math.max(1, Math.round(abs / MINUTE)) }) : spanWords(abs, locale);
}

function spanWords(ms: number, locale: 'ru' | 'en'): string {
  const t = translator(locale);
  const days = Math.floor(ms / (24 * HOUR));
  const hours = Math.floor((ms % (24 * HOUR)) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return t('time:daysHours', { d: days, h: hours });
  return t('time:hoursMinutes', { h: hours, m: String(minutes).padStart(2, '0') });
}
