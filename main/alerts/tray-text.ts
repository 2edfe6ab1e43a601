/** The tray's words (the `tray` catalogue), apart from Electron so they can be tested anywhere. */
import { translator } from '../../locales/index.ts';
import type { TrayCounts } from './engine.ts';

export type TrayLocale = 'ru' | 'en';

/** "3 awaiting a decision, 1 urgent" / "ждут решения: 3, срочных: 1", plus undelivered decisions near their deadline. */
export function trayTooltip(counts: TrayCounts, locale: TrayLocale): string {
  const values = { awaiting: counts.awaitingCount, urgent: counts.urgentCount, undelivered: counts.undeliveredCount };
  return translator(locale)(counts.undeliveredCount === 0 ? 'tray:tooltip' : 'tray:tooltipUndelivered', values);
}

/** The tray menu's items. */
export function trayMenuLabels(locale: TrayLocale): { open: string; sync: string; quit: string } {
  const t = translator(locale);
  return { open: t('tray:open'), sync: t('tray:sync'), quit: t('tray:quit') };
}

/** What the tray shows next to its icon (macOS) and counts in its badge: the urgent and the undelivered. */
export function trayTitle(counts: TrayCounts): string {
  const n = counts.urgentCount + counts.undeliveredCount;
  return n > 0 ? String(n) : '';
}
