/** The tray's words, apart from Electron so they can be tested anywhere. */
import type { TrayCounts } from './engine.ts';

export type TrayLocale = 'ru' | 'en';

/** "3 awaiting a decision, 1 urgent" / "ждут решения: 3, срочных: 1", plus undelivered decisions near their deadline. */
export function trayTooltip(counts: TrayCounts, locale: TrayLocale): string {
  const base =
    locale === 'ru'
      ? `ReturnDesk — ждут решения: ${counts.awaitingCount}, срочных: ${counts.urgentCount}`
      : `ReturnDesk — ${counts.awaitingCount} awaiting a decision, ${counts.urgentCount} urgent`;
  if (counts.undeliveredCount === 0) return base;
  return locale === 'ru' ? `${base}, не доставлено решений: ${counts.undeliveredCount}` : `${base}, ${counts.undeliveredCount} not delivered`;
}

/** What the tray shows next to its icon (macOS) and counts in its badge: the urgent and the undelivered. */
export function trayTitle(counts: TrayCounts): string {
  const n = counts.urgentCount + counts.undeliveredCount;
  return n > 0 ? String(n) : '';
}
