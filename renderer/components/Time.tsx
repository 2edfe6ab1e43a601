import { formatLocal, formatMsk, formatMskDate, formatMskTime, mskDay, toMs } from '../../preload/moscow-time.ts';
import { useI18n } from '../i18n/index.ts';

/**
 * A time as the Market keeps it, in Moscow time ("1 дек. 2025, 21:58 МСК"); the workstation's own
 * time (Novosibirsk, UTC…) is one hover away. `short` drops the date of today.
 */
export function Time({ at, short, dateOnly, testId }: { at: string | null | undefined; short?: boolean; dateOnly?: boolean; testId?: string }) {
  const { t, locale } = useI18n();
  const ms = toMs(at);
  if (Number.isNaN(ms)) return <span data-testid={testId}>{at || '—'}</span>;
  const local = dateOnly ? null : formatLocal(ms, locale);
  const text = dateOnly ? formatMskDate(ms, locale) : short && mskDay(ms) === mskDay(Date.now()) ? formatMskTime(ms, locale) : formatMsk(ms, locale);
  return (
    <time dateTime={new Date(ms).toISOString()} title={local ? t('time.local', { time: local }) : undefined} data-testid={testId}>
      {text}
    </time>
  );
}
