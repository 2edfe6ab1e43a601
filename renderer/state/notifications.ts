import type { AlertRecord } from '../../preload/contract.ts';
import { currentLocale } from '../i18n/index.ts';
import { navigateTo } from './actions.ts';
import { alertWords } from './alert-words.ts';

export type BrowserNotificationState = 'granted' | 'denied' | 'default' | 'unsupported';

/** Whether this tab may show Web Notifications. */
export function browserNotificationState(): BrowserNotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function requestBrowserNotifications(): Promise<BrowserNotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Web mode shows an alert as a Web Notification once the operator allowed them; returns false when
 * it could not, so the caller falls back to the in-app toast. Desktop alerts are native (main).
 */
export function showBrowserNotification(alert: AlertRecord): boolean {
  if (browserNotificationState() !== 'granted') return false;
  try {
    // In the page's language now, not the one main spoke when it raised the alert (a tab opened later, a language switched since).
    const words = alertWords(alert, currentLocale());
    const notification = new Notification(words.title, { body: words.body, tag: `alert-${alert.id}`, requireInteraction: alert.urgency === 'critical' });
    notification.onclick = () => {
      window.focus();
      navigateTo(alert.target);
      notification.close();
    };
    return true;
  } catch {
    return false;
  }
}
