/**
 * Moscow time, the Market's clock: it writes its dates with +03:00 and counts its days in Moscow.
 * The one place that knows the offset and how a time is written for the operator ("1 дек. 2025,
 * 21:58 МСК"); main, the renderer and the exports all use it. Pure: no imports.
 */

/** Moscow is UTC+3 all year (no daylight saving since 2014). */
export const MSK_OFFSET_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

type Locale = 'ru' | 'en';
type Instant = string | number | Date | null | undefined;

/** The label after a Moscow time. */
export const MSK_LABEL: Record<Locale, string> = { ru: 'МСК', en: 'MSK' };

const MONTHS: Record<Locale, readonly string[]> = {
  ru: ['янв.', 'февр.', 'мар.', 'апр.', 'мая', 'июн.', 'июл.', 'авг.', 'сент.', 'окт.', 'нояб.', 'дек.'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

const two = (n: number): string => String(n).padStart(2, '0');

/** Epoch ms of an ISO time, epoch ms or Date; NaN when unreadable or missing. */
export function toMs(at: Instant): number {
  if (at === null || at === undefined || at === '') return Number.NaN;
  if (typeof at === 'number') return at;
  if (at instanceof Date) return at.getTime();
  return Date.parse(at);
}

/** The Moscow calendar day of an instant, as YYYY-MM-DD. */
export function mskDay(at: Instant): string {
  return new Date(toMs(at) + MSK_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 Moscow time on `day` (YYYY-MM-DD); throws naming `field` when it is not a date. */
export function mskDayStart(day: string, field = 'day'): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00+03:00`) : Number.NaN;
  if (Number.isNaN(ms) || mskDay(ms) !== day) throw new Error(`${field} must be a date as YYYY-MM-DD`);
  return ms;
}

/** Epoch ms of 00:00 Moscow time on the day after `day`: the end of an inclusive day range. */
export function mskDayEnd(day: string, field = 'day'): number {
  return mskDayStart(day, field) + DAY_MS;
}

/** Moscow wall-clock parts of an instant. */
function parts(ms: number): { y: number; m: number; d: number; hh: string; mm: string; ss: string } {
  const t = new Date(ms + MSK_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate(), hh: two(t.getUTCHours()), mm: two(t.getUTCMinutes()), ss: two(t.getUTCSeconds()) };
}

/** "1 дек. 2025" / "1 Dec 2025": a Moscow date, the one date format of the app; "—" when missing. */
export function formatMskDate(at: Instant, locale: Locale): string {
  const ms = toMs(at);
  if (Number.isNaN(ms)) return typeof at === 'string' && at ? at : '—';
  const p = parts(ms);
  return `${p.d} ${MONTHS[locale][p.m]} ${p.y}`;
}

/** "1 дек. 2025, 21:58 МСК" / "1 Dec 2025, 21:58 MSK"; with `seconds`, "21:58:07". */
export function formatMsk(at: Instant, locale: Locale, options: { seconds?: boolean } = {}): string {
  const ms = toMs(at);
  if (Number.isNaN(ms)) return typeof at === 'string' && at ? at : '—';
  const p = parts(ms);
  return `${formatMskDate(ms, locale)}, ${p.hh}:${p.mm}${options.seconds ? `:${p.ss}` : ''} ${MSK_LABEL[locale]}`;
}

/** "21:58 МСК": the time alone, for today's events. */
export function formatMskTime(at: Instant, locale: Locale): string {
  const ms = toMs(at);
  if (Number.isNaN(ms)) return '—';
  const p = parts(ms);
  return `${p.hh}:${p.mm} ${MSK_LABEL[locale]}`;
}

/** For spreadsheets: "01.12.2025 21:58" (ru, as Russian Excel reads dates) or "2025-12-01 21:58" (en); "" when missing. */
export function formatMskCell(at: Instant, locale: Locale): string {
  const ms = toMs(at);
  if (Number.isNaN(ms)) return '';
  const p = parts(ms);
  return locale === 'ru' ? `${two(p.d)}.${two(p.m + 1)}.${p.y} ${p.hh}:${p.mm}` : `${p.y}-${two(p.m + 1)}-${two(p.d)} ${p.hh}:${p.mm}`;
}

/**
 * The same instant in the workstation's own zone, e.g. "1 дек. 2025, 18:58 (GMT+7)"; null when the
 * workstation keeps Moscow time itself (nothing to add). `timeZone` is for tests.
 */
export function formatLocal(at: Instant, locale: Locale, timeZone?: string): string | null {
  const ms = toMs(at);
  if (Number.isNaN(ms)) return null;
  const shift = localOffsetMs(ms, timeZone);
  if (shift === MSK_OFFSET_MS) return null;
  const wall = new Date(ms + shift);
  const zone =
    new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(ms).find((x) => x.type === 'timeZoneName')?.value ?? '';
  return `${wall.getUTCDate()} ${MONTHS[locale][wall.getUTCMonth()]} ${wall.getUTCFullYear()}, ${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())} (${zone})`;
}

/** Offset of a zone (the workstation's when absent) from UTC at an instant, in ms. */
function localOffsetMs(ms: number, timeZone?: string): number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p = Object.fromEntries(format.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000) * 60_000;
}
