import { useState } from 'react';
import { useI18n } from '../i18n/index.ts';
import { browserNotificationState, requestBrowserNotifications } from '../state/notifications.ts';
import { useAppStore } from '../state/store.ts';

/** Says how alerts reach the operator here: native notifications, browser notifications, or only in the window. */
export function NotificationsNotice() {
  const { t } = useI18n();
  const info = useAppStore((s) => s.info);
  const [state, setState] = useState(browserNotificationState());
  if (!info) return null;
  if (info.transport === 'ipc') {
    return (
      <p className="muted" data-testid="notifications-state">
        {info.capabilities.nativeNotifications ? t('settings.notifyNative') : t('settings.notifyNoneNative')}
      </p>
    );
  }
  return (
    <p className="muted" data-testid="notifications-state">
      {state === 'granted'
        ? t('settings.notifyBrowserOn')
        : state === 'denied'
          ? t('settings.notifyBrowserDenied')
          : state === 'unsupported'
            ? t('settings.notifyBrowserUnsupported')
            : t('settings.notifyBrowserAsk')}{' '}
      {state === 'default' && (
        <button type="button" onClick={() => void requestBrowserNotifications().then(setState)} data-testid="notifications-allow">
          {t('settings.notifyAllow')}
        </button>
      )}
    </p>
  );
}
