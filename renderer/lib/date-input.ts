/** Dates and times as operators type them, in the UI's language; pure so they can be tested. */

type Locale = 'ru' | 'en';

const two = (n: number): string => String(n).padStart(2, '0');

/** True for a real calendar day written as YYYY-MM-DD. */
export function isCalendarDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/**
 * Reads a day typed as "1.12.2025", "01/12/2025", "01-12-25" (day first, as in Russia and Britain)
 * or "2025-12-01"; null when it is not a real calendar day.
 */
export function parseDayInput(text: string): string | null {
  const s = text.trim();
  let day: string | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const dmy = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(s);
  if (iso) day = `${iso[1]}-${two(Number(iso[2]))}-${two(Number(iso[3]))}`;
  else if (dmy) {
    const year = dmy[3]!.length === 2 ? 2000 + Number(dmy[3]) : Number(dmy[3]);
    day = `${year}-${two(Number(dmy[2]))}-${two(Number(dmy[1]))}`;
  }
  return day && isCalendarDay(day) ? day : null;
}

/** "01.12.2025" (ru) or "01/12/2025" (en): what the field shows for a day. */
export function formatDayInput(day: string, locale: Locale): string {
  if (!isCalendarDay(day)) return day;
  const [y, m, d] = day.split('-');
  return locale === 'ru' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/** Reads "9:05", "09:05" or "0905" as HH:MM (24-hour); null when it is not a time of day. */
export function parseTimeInput(text: string): string | null {
  const match = /^(\d{1,2}):?(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  return h < 24 && m < 60 ? `${two(h)}:${two(m)}` : null;
}

const MONTHS: Record<Locale, readonly string[]> = {
  ru: ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь', 'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** The month's name for a calendar heading. */
export function monthName(month: number, locale: Locale): string {
  return MONTHS[locale][month] ?? '';
}

/** Weekday headings, Monday first (as in Russia and Britain). */
export function weekdayNames(locale: Locale): string[] {
  return locale === 'ru' ? ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'] : ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
}

/** The weeks of a month (1-based), Monday first, as YYYY-MM-DD with nulls around it. */
export function monthGrid(year: number, month: number): Array<Array<string | null>> {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7;
  const cells: Array<string | null> = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => `${year}-${two(month)}-${two(i + 1)}`)];
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}
