/** Deadline arithmetic and wording for countdowns; pure so it can be tested without a DOM. */

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

const UNITS = {
  en: { d: 'd', h: 'h', min: 'min', s: 's', less: '<1 min', over: 'overdue' },
  ru: { d: 'д', h: 'ч', min: 'мин', s: 'с', less: '<1 мин', over: 'просрочено' },
} as const;

/**
 * A compact countdown: "1 d 3 h", "5 h 07 min", "42 min", "<1 min"; with `seconds`, under an hour
 * it shows "12:05" (min:sec). Past the deadline: "overdue 2 h".
 */
export function formatCountdown(msLeft: number, locale: 'ru' | 'en', options: { seconds?: boolean } = {}): string {
  const u = UNITS[locale];
  if (msLeft <= 0) {
    const past = -msLeft;
    return `${u.over} ${past < HOUR ? `${Math.max(1, Math.floor(past / MINUTE))} ${u.min}` : spanWords(past, u)}`;
  }
  if (msLeft < HOUR) {
    if (options.seconds) {
      const total = Math.floor(msLeft / 1000);
      return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
    }
    return msLeft < MINUTE ? u.less : `${Math.floor(msLeft / MINUTE)} ${u.min}`;
  }
  return spanWords(msLeft, u);
}

/** A clock difference in words: "42 min", "2 h 03 min", "1 d 4 h". */
export function formatSpan(ms: number, locale: 'ru' | 'en'): string {
  const u = UNITS[locale];
  const abs = Math.round(Math.abs(ms) / MINUTE) * MINUTE;
  return abs < HOUR ? `${Math.max(1, Math.round(abs / MINUTE))} ${u.min}` : spanWords(abs, u);
}

function spanWords(ms: number, u: (typeof UNITS)['en' | 'ru']): string {
  const days = Math.floor(ms / (24 * HOUR));
  const hours = Math.floor((ms % (24 * HOUR)) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return `${days} ${u.d} ${hours} ${u.h}`;
  return `${hours} ${u.h} ${String(minutes).padStart(2, '0')} ${u.min}`;
}
