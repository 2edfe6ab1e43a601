import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMsk, formatMskTime, mskDay } from '../../preload/moscow-time.ts';
import { formatSpan } from '../lib/time.ts';
import { navigateTo, syncNow } from '../state/actions.ts';
import { useStatus, useStores } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { setHistoryOpen, useAlertsStore } from '../state/alerts.ts';
import { AlertIcon, BellIcon, DotIcon, SyncIcon } from './icons.tsx';

/** Always at the bottom: connection, sync, what waits, what failed, and key problems. */
export function StatusBar() {
  const { t, locale, syncError: syncErrorWords } = useI18n();
  const status = useStatus();
  const stores = useStores().data;
  const { connection, setView } = useAppStore(useShallow((s) => ({ connection: s.connection, setView: s.setView })));
  const [syncError, setSyncError] = useState<BridgeError | null>(null);
  const st = status.data;
  const bridgeOk = connection === 'open';
  const online = bridgeOk && (st?.online ?? true);
  const watched = (stores ?? []).filter((s) => s.watched);
  const criticalOnScreen = useAlertsStore((s) => s.onScreen.filter((a) => a.urgency === 'critical').length);

  return (
    <footer className="statusbar" aria-label={t('status.stores')}>
      <span className={`status status-${connection}`} role="status" data-testid="connection">
        {t(`connection.${connection}`)}
      </span>
      {st && (
        <span className={`sb-item ${online ? 'ok' : 'bad'}`} data-testid="online-state" data-online={online}>
          <DotIcon size={10} /> {online ? t('status.online') : t('status.offline')}
        </span>
      )}
      {st && <span className="sb-item muted">{st.mode === 'demo' ? t('status.demo') : t('status.live')}</span>}
      {st?.marketClock.large && (
        <span className="sb-item warn" role="status" data-testid="clock-skew" data-offset-ms={st.marketClock.offsetMs}>
          <AlertIcon size={12} />{' '}
          {t(st.marketClock.offsetMs > 0 ? 'status.clockBehind' : 'status.clockAhead', { span: formatSpan(st.marketClock.offsetMs, locale) })}
        </span>
      )}
      {st?.diskFull && (
        <span className="sb-item bad" role="alert" data-testid="disk-full" title={`${st.diskFull.folder} — ${st.diskFull.detail}`}>
          <AlertIcon size={13} /> {t('status.diskFull', { folder: st.diskFull.folder })}
        </span>
      )}
      {st?.authProblem && (
        <button type="button" className="sb-item bad link" onClick={() => setView('settings')} data-testid="auth-problem" title={st.authProblem}>
          <AlertIcon size={13} /> {t('status.authProblem')}
        </button>
      )}
      <span
        className="sb-item muted"
        title={watched
          .map(
            (s) =>
              `${s.name ?? s.campaignId}: ${s.lastError ? t('status.storeError', { message: syncErrorWords(s.lastError) }) : s.lastSuccess ? formatMsk(s.lastSuccess, locale) : t('status.neverSynced')}`,
          )
          .join('\n')}
        data-testid="last-sync"
      >
        {st?.syncing
          ? t('status.syncing')
          : st?.lastSync
            ? t('status.lastSync', { at: mskDay(st.lastSync) === mskDay(Date.now()) ? formatMskTime(st.lastSync, locale) : formatMsk(st.lastSync, locale) })
            : st
              ? t('status.neverSynced')
              : ''}
        {watched.some((s) => s.lastError) && <AlertIcon size={12} />}
      </span>
      <span className="grow" />
      {st && (
        <>
          <button type="button" className="sb-item link" onClick={() => navigateTo({ filter: 'awaiting' })}>
            {t('status.awaiting', { count: st.awaitingDecision })}
          </button>
          {st.urgent > 0 && <span className="sb-item bad">{t('status.urgent', { count: st.urgent })}</span>}
          <span className="sb-item" data-testid="outbox-queued">
            {t('status.queued', { count: st.outbox.queued + st.outbox.sending })}
          </span>
          {st.outbox.failed > 0 && (
            <span className="sb-item bad" data-testid="outbox-failed">
              {t('status.failed', { count: st.outbox.failed })}
            </span>
          )}
          {st.outbox.conflict > 0 && (
            <span className="sb-item bad" data-testid="outbox-conflict">
              {t('status.conflict', { count: st.outbox.conflict })}
            </span>
          )}
          {st.unreadable > 0 && <span className="sb-item warn">{t('status.unreadable', { count: st.unreadable })}</span>}
        </>
      )}
      {!st && status.error && <span className="sb-item muted">{t('status.unavailable')}</span>}
      {syncError && (
        <span className="sb-item bad" role="alert">
          {syncError.message}
        </span>
      )}
      <button
        type="button"
        className={`sb-button${criticalOnScreen > 0 ? ' bad' : ''}`}
        onClick={() => setHistoryOpen(true)}
        data-testid="alerts-history-button"
      >
        <BellIcon size={13} /> {t('alerts.historyButton')}
        {criticalOnScreen > 0 && ` · ${t('alerts.critical', { count: criticalOnScreen })}`}
      </button>
      <button type="button" className="sb-button" onClick={() => void syncNow().then(setSyncError)} disabled={!bridgeOk || st?.syncing} data-testid="sync-now">
        <SyncIcon size={13} /> {t('status.syncNow')}
      </button>
    </footer>
  );
}
