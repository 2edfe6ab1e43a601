import type { ReturnDeskApi } from '../../preload/contract.ts';
import { connectBridge } from '../bridge/index.ts';
import { useAppStore } from './store.ts';

/**
 * The one place that listens to the bridge: events and connection changes go into the store;
 * components read the store and never subscribe to the bridge themselves.
 */
export function startBridge(): ReturnDeskApi | null {
  const store = useAppStore.getState();
  let bridge: ReturnDeskApi | null = null;
  let subscribed = false;

  const load = async (api: ReturnDeskApi): Promise<void> => {
    const info = await api.app.info();
    if (info.ok) store.setInfo(info.value);
    else store.reportError('Reading application info', info.error);
    const settings = await api.settings.get();
    if (settings.ok) store.setSettings(settings.value);
    else store.reportError('Reading settings', settings.error);
    await api.app.ready();
  };

  bridge = connectBridge((state) => {
    store.setConnection(state);
    if (state === 'open' && bridge) void load(bridge);
  });
  if (!bridge) return null;
  if (!subscribed) {
    bridge.on('app.pong', (pong) => store.addPong(pong));
    bridge.on('settings.changed', (settings) => store.setSettings(settings));
    subscribed = true;
  }
  store.setBridge(bridge);
  // The preload bridge is open from the start and never calls back later.
  if (window.returnDesk) void load(bridge);
  return bridge;
}
