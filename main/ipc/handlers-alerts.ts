import type { AlertHistory } from '../alerts/history.ts';
import type { EventHub, Handler } from './router.ts';

export interface AlertHandlerDeps {
  history: AlertHistory;
  events: EventHub;
  /** When an acknowledgement or dismissal happens (epoch ms). */
  now: () => number;
}

/** The alerts.* channels: what a screen has still to show, acknowledging and dismissing, the history. */
export function createAlertHandlers(deps: AlertHandlerDeps): {
  'alerts.pending': Handler<'alerts.pending'>;
  'alerts.acknowledge': Handler<'alerts.acknowledge'>;
  'alerts.dismiss': Handler<'alerts.dismiss'>;
  'alerts.history': Handler<'alerts.history'>;
} {
  return {
    'alerts.pending': () => deps.history.pending(),
    'alerts.acknowledge': ({ ids }) => {
      const changed = deps.history.acknowledge(ids, deps.now());
      if (changed > 0) deps.events.emit('alerts.changed', { ids, dismissed: false });
      return { changed };
    },
    'alerts.dismiss': ({ ids }) => {
      const changed = deps.history.dismiss(ids, deps.now());
      // Every other screen drops them too.
      if (changed > 0) deps.events.emit('alerts.changed', { ids, dismissed: true });
      return { changed };
    },
    'alerts.history': (args) => deps.history.list({ limit: args?.limit ?? 100, beforeId: args?.beforeId }),
  };
}
