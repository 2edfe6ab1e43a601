import type { Notifier } from './engine.ts';
import type { AlertNotification, AlertTarget } from './policy.ts';

/** A Notifier that hands each notification to a callback, plus a way to report a click back. */
export interface CallbackNotifier extends Notifier {
  /** The browser tab (or any other front) reports that the operator clicked a notification. */
  click(target: AlertTarget): void;
}

/**
 * For web mode and the CLI: notifications go to `deliver` (web mode turns them into the contract
 * event `alerts.notification`; the tab shows a Web Notification or an in-app toast).
 */
export function createCallbackNotifier(deliver: (notification: AlertNotification) => void): CallbackNotifier {
  const handlers: Array<(target: AlertTarget) => void> = [];
  return {
    isSupported: () => true,
    show: (notification) => deliver(notification),
    onClick: (handler) => {
      handlers.push(handler);
    },
    click: (target) => {
      for (const handler of handlers) handler(target);
    },
  };
}
