import { useEffect } from 'react';
import type { AlertRecord } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { navigateTo } from '../state/actions.ts';
import { alertWords } from '../state/alert-words.ts';
import { dismissAlert, hideAlert, setHistoryOpen, useAlertsStore } from '../state/alerts.ts';
import { AlertIcon, CloseIcon } from './icons.tsx';

/** Critical alerts listed at once; the rest are behind "more" in the history. */
const MAX_CRITICAL = 3;
/** How long a normal alert stays on screen; it stays in the history. */
const NORMAL_MS = 8_000;

function AlertActions({ alert }: { alert: AlertRecord }) {
  const { t } = useI18n();
  return (
    <>
      <button
        type="button"
        onClick={() => {
          navigateTo(alert.target);
          // Opening deals with a normal alert; a critical one stays until it is dismissed.
          if (alert.urgency !== 'critical') hideAlert(alert.id);
        }}
      >
        {/* A summary of several returns opens their list, not one of them: the button says which. */}
        {'returnId' in alert.target ? t('alerts.open') : t('alerts.openList')}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={t('alerts.dismiss')}
        title={t('alerts.dismiss')}
        onClick={() => void dismissAlert(alert.id)}
        data-testid="toast-dismiss"
      >
        <CloseIcon />
      </button>
    </>
  );
}

function NormalToast({ alert }: { alert: AlertRecord }) {
  const { locale } = useI18n();
  const words = alertWords(alert, locale);
  useEffect(() => {
    const timer = setTimeout(() => hideAlert(alert.id), NORMAL_MS);
    return () => clearTimeout(timer);
  }, [alert.id]);
  return (
    <div className="toast toast-normal" data-testid="toast" data-alert-id={alert.id} data-kind={alert.kind} data-urgency="normal">
      <div className="grow">
        <strong>{words.title}</strong>
        <div>{words.body}</div>
      </div>
      <AlertActions alert={alert} />
    </div>
  );
}

/**
 * Alerts from main (deadlines, undelivered decisions, disputes, chats, outbox trouble); each opens what
 * it is about. Critical ones sit in a strip above the panes until dismissed, so they never cover work;
 * normal ones float in the corner for a few seconds.
 */
export function Toasts() {
  const { t, locale } = useI18n();
  const onScreen = useAlertsStore((s) => s.onScreen);
  const critical = onScreen.filter((a) => a.urgency === 'critical');
  const normal = onScreen.filter((a) => a.urgency !== 'critical');
  const hidden = critical.length - MAX_CRITICAL;
  return (
    <>
      {critical.length > 0 && (
        <section className="critical-alerts" aria-label={t('alerts.criticalTitle')} data-testid="critical-alerts">
          {critical.slice(-MAX_CRITICAL).map((alert) => {
            const words = alertWords(alert, locale);
            return (
              <div
                key={alert.id}
                className="toast toast-critical"
                role="alert"
                data-testid="toast"
                data-alert-id={alert.id}
                data-kind={alert.kind}
                data-urgency="critical"
              >
                <AlertIcon size={16} />
                <div className="grow">
                  <strong>{words.title}</strong> <span>{words.body}</span>
                </div>
                <AlertActions alert={alert} />
              </div>
            );
          })}
          {hidden > 0 && (
            <button type="button" className="link" onClick={() => setHistoryOpen(true)} data-testid="toast-more">
              {t('alerts.more', { count: hidden })}
            </button>
          )}
        </section>
      )}
      {normal.length > 0 && (
        <div className="toasts" role="region" aria-label={t('alerts.title')} aria-live="polite">
          {normal.map((alert) => (
            <NormalToast key={alert.id} alert={alert} />
          ))}
        </div>
      )}
    </>
  );
}
