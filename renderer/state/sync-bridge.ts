import type { ReturnDeskApi } from '../../preload/contract.ts';
import { connectBridge } from '../bridge/index.ts';
import { applyLocale } from '../i18n/index.ts';
import { loadApiKey, loadCounts, loadDetail, loadOutbox, loadPage, loadStatus, loadStores, navigateTo, openReturn, refreshInbox } from './actions.ts';
import { alertsChanged, loadPendingAlerts, receiveAlerts } from './alerts.ts';
import { useAppStore } from './store.ts';

/**
 * The one place that listens to the bridge: events and connection changes go into the store;
 * components read the store and never subscribe to the bridge themselves.
 */
export function startBridge(): ReturnDeskApi | null {
  const store = useAppStore.getState();
  let bridge: ReturnDeskApi | null = null;
  let subscribed = false;
  let changeTimer: ReturnType<typeof setTimeout> | null = null;
  const changedIds = new Set<number>();
  let fullChange = false;

  const load = async (api: ReturnDeskApi): Promise<void> => {
    const info = await api.app.info();
    if (info.ok) store.setInfo(info.value);
    else store.reportError('Reading application info', info.error);
    const settings = await api.settings.get();
    if (settings.ok) {
      store.setSettings(settings.value);
      applyLocale(settings.value.locale, info.ok ? info.value.systemLocale : null);
    } else store.reportError('Reading settings', settings.error);
    await api.app.ready();
    // Alerts raised while no screen was open wait in main; show them now.
    void loadPendingAlerts();
    // Domain data: each loader keeps its own error for its pane; none blocks another.
    void loadStatus();
    void loadStores();
    void loadApiKey();
    void loadCounts();
    void loadPage(0, true);
    const selected = useAppStore.getState().selectedReturnId;
    if (selected !== null) openReturn(selected);
  };

  // Bursts of returns.changed (a sync writes many) become one refresh.
  const onReturnsChanged = (returnIds: number[], full: boolean): void => {
    for (const id of returnIds) changedIds.add(id);
    fullChange ||= full;
    if (changeTimer) return;
    changeTimer = setTimeout(() => {
      changeTimer = null;
      const selected = useAppStore.getState().selectedReturnId;
      const touchesOpen = selected !== null && (fullChange || changedIds.has(selected));
      changedIds.clear();
      fullChange = false;
      void refreshInbox();
      if (touchesOpen && selected !== null) void loadDetail(selected, true);
    }, 300);
  };

  bridge = connectBridge((state) => {
    store.setConnection(state);
    if (state === 'open' && bridge) void load(bridge);
  });
  if (!bridge) return null;
  if (!subscribed) {
    bridge.on('settings.changed', (settings) => {
      store.setSettings(settings);
      applyLocale(settings.locale, useAppStore.getState().info?.systemLocale);
    });
    bridge.on('returns.changed', ({ returnIds, full }) => onReturnsChanged(returnIds, full));
    bridge.on('status.changed', (status) => store.setStatus({ data: status, error: null }));
    bridge.on('stores.changed', (stores) => store.setStores({ data: stores, error: null }));
    bridge.on('outbox.changed', (entry) => {
      const s = useAppStore.getState();
      s.upsertOutbox(entry);
      s.patchRowOutbox(entry);
      s.trackHeld(entry);
      // A delivered or refused decision changes the return itself: read it again.
      if (s.selectedReturnId === entry.returnId && ['delivered', 'conflict'].includes(entry.state)) {
        void loadDetail(entry.returnId, true);
        void loadOutbox(entry.returnId);
      }
    });
    bridge.on('alerts.notification', (alert) => receiveAlerts([alert]));
    bridge.on('alerts.changed', (change) => alertsChanged(change));
    bridge.on('app.navigate', (target) => navigateTo(target));
    subscribed = true;
  }
  store.setBridge(bridge);
  // The preload bridge is open from the start and never calls back later.
  if (window.returnDesk) void load(bridge);
  return bridge;
}
