import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useI18n } from '../i18n/index.ts';
import { navigateTo } from '../state/actions.ts';
import { useAppStore } from '../state/store.ts';
import { CloseIcon } from './icons.tsx';

/** In-app alerts from main (deadlines, disputes, outbox trouble); each opens what it is about. */
export function Toasts() {
  const { t } = useI18n();
  const { toasts, dismiss } = useAppStore(useShallow((s) => ({ toasts: s.toasts, dismiss: s.dismissToast })));
  useEffect(() => {
    if (toasts.length === 0) return;
    const oldest = toasts[0]!;
    const timer = setTimeout(() => dismiss(oldest.id), oldest.urgency === 'critical' ? 20_000 : 8_000);
    return () => clearTimeout(timer);
  }, [toasts, dismiss]);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="region" aria-label={t('alerts.title')} aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.urgency}`} data-testid="toast">
          <div className="grow">
            <strong>{toast.title}</strong>
            <div>{toast.body}</div>
          </div>
          <button
            type="button"
            onClick={() => {
              navigateTo(toast.target);
              dismiss(toast.id);
            }}
          >
            {t('alerts.open')}
          </button>
          <button type="button" className="icon-button" aria-label={t('common.dismiss')} onClick={() => dismiss(toast.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
