/**
 * Native notifications for the alert engine. A click brings the window forward and reports the
 * target; where the OS refuses (unsupported, or `failed` on unsigned macOS builds) the alert goes
 * to the in-app callback instead, so it is never lost.
 */
import { Notification, type BrowserWindow } from 'electron';
import type { Notifier } from '../../alerts/engine.ts';
import type { AlertNotification, AlertTarget } from '../../alerts/policy.ts';
import type { Logger } from '../../log.ts';

export interface ElectronNotifierOptions {
  /** The main window, or null while it does not exist (a click then asks `openWindow`). */
  getWindow: () => BrowserWindow | null;
  /** Creates the window when a click arrives after it was closed. */
  openWindow?: () => BrowserWindow;
  /** Shows the alert inside the app when the OS cannot. */
  onInAppAlert: (notification: AlertNotification, reason: 'unsupported' | 'failed') => void;
  logger: Logger;
  /** Path of the notification icon (Windows/Linux). */
  iconPath?: string;
}

/** Shows the window (restoring it from the tray or the dock) and gives it focus. */
export function bringToFront(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

export function createElectronNotifier(options: ElectronNotifierOptions): Notifier {
  const { logger } = options;
  const handlers: Array<(target: AlertTarget) => void> = [];
  // Electron drops the click listener of a notification that was garbage-collected: keep references.
  const alive = new Set<Notification>();
  const MAX_ALIVE = 20;

  const click = (target: AlertTarget): void => {
    const window = options.getWindow() ?? options.openWindow?.() ?? null;
    if (window) bringToFront(window);
    for (const handler of handlers) handler(target);
  };

  return {
    isSupported: () => Notification.isSupported(),
    show(alert) {
      if (!Notification.isSupported()) {
        options.onInAppAlert(alert, 'unsupported');
        return;
      }
      const native = new Notification({
        title: alert.title,
        body: alert.body,
        urgency: alert.urgency,
        timeoutType: alert.urgency === 'critical' ? 'never' : 'default',
        ...(options.iconPath ? { icon: options.iconPath } : {}),
      });
      const release = (): void => {
        alive.delete(native);
      };
      native.on('click', () => {
        release();
        click(alert.target);
      });
      native.on('close', release);
      native.on('failed', (_event, error) => {
        release();
        logger.warn('alerts: native notification failed, shown in the app instead', { error, kind: alert.kind });
        options.onInAppAlert(alert, 'failed');
      });
      alive.add(native);
      if (alive.size > MAX_ALIVE) {
        const oldest = alive.values().next().value;
        if (oldest) alive.delete(oldest);
      }
      native.show();
    },
    onClick(handler) {
      handlers.push(handler);
    },
  };
}
