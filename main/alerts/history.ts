/**
 * Every alert shown: an alert waits until a screen acknowledges it (a tab that was closed when it came
 * shows it when it opens); a critical one (expiry, conflict, the last threshold) stays until the
 * operator dismisses it. The store keeps it (AlertHistoryRepository); an AlertNotification records as it is.
 */
import type { AlertHistoryRepository } from '../store/repositories.ts';

export type AlertHistory = AlertHistoryRepository<'sync'>;
