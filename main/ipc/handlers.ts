import type { AppInfo, Settings } from '../../preload/contract.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { EventHub, Handlers, Sender } from './router.ts';

export interface HandlerDeps {
  settings: SettingsStore;
  events: EventHub;
  info: (sender: Sender) => AppInfo;
  defaultOperatorName: () => string;
}

/** The implementation of every channel of the contract, over the main-process services. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const withDefaults = (settings: Settings): Settings =>
    settings.operatorName ? settings : { ...settings, operatorName: deps.defaultOperatorName() };

  return {
    'app.info': (_args, { sender }) => deps.info(sender),
    'app.ready': (_args, { sender }) => ({ queued: deps.events.ready(sender.id) }),
    'app.ping': ({ text, count }, { sender }) => {
      for (let seq = 1; seq <= count; seq++) {
        setTimeout(() => deps.events.emitTo(sender.id, 'app.pong', { seq, text }), seq * 100).unref?.();
      }
      return { text, receivedAt: new Date().toISOString() };
    },
    'settings.get': () => withDefaults(deps.settings.get()),
    'settings.set': (patch) => {
      const next = withDefaults(deps.settings.set(patch));
      deps.events.emit('settings.changed', next);
      return next;
    },
  };
}
