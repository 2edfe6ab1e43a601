/** How `cli watch` prints a notification: one line, time first. */
import type { AlertNotification } from './policy.ts';

/** "2025-01-16T10:09:49.759Z deadline  7 returns need a decision within 6 hours — Most urgent: …". */
export function formatWatchLine(at: number, notification: AlertNotification): string {
  return `${new Date(at).toISOString()} ${notification.kind.padEnd(18)} ${notification.title} — ${notification.body}`;
}
