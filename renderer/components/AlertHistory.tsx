import type { AlertRecord } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { useModalDialog } from '../lib/use-modal-dialog.ts';
import { navigateTo } from '../state/actions.ts';
import { alertWords } from '../state/alert-words.ts';
import { dismissAlert, loadHistory, setHistoryOpen, useAlertsStore } from '../state/alerts.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';

function stateOf(alert: AlertRecord): 'dismissed' | 'seen' | 'waiting' {
  if (alert.dismissedAt) return 'dismissed';
  return alert.acknowledgedAt ? 'seen' : 'waiting';
}

/** Every alert the app raised, newest first: when, what, and whether a screen showed it or it was dismissed. */
export function AlertHistory() {
  const { t, locale } = useI18n();
  const open = useAlertsStore((s) => s.historyOpen);
  const history = useAlertsStore((s) => s.history);
  const ref = useModalDialog(open);

  return (
    <dialog ref={ref} className="dialog alert-history" aria-labelledby="alert-history-title" onClose={() => setHistoryOpen(false)} data-testid="alert-history">
      <div className="dialog-head">
        <h2 id="alert-history-title">{t('alerts.history')}</h2>
        <button type="button" onClick={() => setHistoryOpen(false)}>
          {t('common.close')}
        </button>
      </div>
      {history.error && <BridgeErrorNotice action={t('alerts.history')} error={history.error} onRetry={() => void loadHistory()} />}
      {history.alerts.length === 0 && !history.loading && !history.error && <p className="muted">{t('alerts.historyEmpty')}</p>}
      <ol className="alert-history-list">
        {history.alerts.map((alert) => {
          const state = stateOf(alert);
          const words = alertWords(alert, locale);
          return (
            <li
              key={alert.id}
              className={`alert-row alert-row-${alert.urgency}`}
              data-testid="alert-history-row"
              data-alert-id={alert.id}
              data-kind={alert.kind}
              data-state={state}
            >
              <div className="alert-row-head">
                <time dateTime={alert.at} className="muted">
                  {formatMsk(alert.at, locale)}
                </time>
                <span className={`alert-state alert-state-${state}`}>{t(`alerts.state.${state}`)}</span>
              </div>
              <strong>{words.title}</strong>
              <div>{words.body}</div>
              <div className="alert-row-actions">
                <button
                  type="button"
                  onClick={() => {
                    setHistoryOpen(false);
                    navigateTo(alert.target);
                  }}
                >
                  {'returnId' in alert.target ? t('alerts.open') : t('alerts.openList')}
                </button>
                {state !== 'dismissed' && alert.urgency === 'critical' && (
                  <button type="button" onClick={() => void dismissAlert(alert.id)}>
                    {t('alerts.dismiss')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {history.alerts.length < history.total && (
        <button type="button" onClick={() => void loadHistory(true)} disabled={history.loading} data-testid="alert-history-more">
          {t('alerts.older', { count: history.total - history.alerts.length })}
        </button>
      )}
    </dialog>
  );
}
