// Periods of the analytics: days of Moscow time (UTC+3, no DST), the Market's calendar, as the inbox uses.
import { mskDay } from '../../preload/moscow-time.ts';

export { mskDay };
export const DAY_MS = 86_400_000;

/** Monday (YYYY-MM-DD) of the ISO week that holds `day`. */
export function mondayOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** Every bucket of the period, oldest first, so days without returns show as zero. */
export function bucketsOf(from: string, to: string, bucket: 'day' | 'week'): string[] {
  const out: string[] = [];
  const step = bucket === 'day' ? DAY_MS : 7 * DAY_MS;
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${bucket === 'day' ? from : mondayOf(from)}T00:00:00Z`); t <= end; t += step) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export type { PeriodFilter } from '../store/repositories.ts';
