import type { QueryClient } from '@tanstack/react-query';
import type { ReturnDeskApi } from '../../preload/contract.ts';
import { applyLocale } from '../i18n/index.ts';
import { loadDetail, loadOutbox, navigateTo, openReturn, refreshInboxRows } from './actions.ts';
import { alertsChanged, loadPendingAlerts, receiveAlerts } from './alerts.ts';
import { bridge } from './bridge.ts';
import { inboxPageQuery, loadedInboxRows, patchInboxRows, queryClient, statusQuery, storesQuery } from './queries.ts';
import { useAppStore } from './store.ts';

/** A sync writes many returns at once: their returns.changed events become one refresh. */
const RETURNS_CHANGED_BATCH_MS = 300;

/**
 * The one place that listens to the bridge: events update or invalidate the queries, and connection
 * changes go into the store; components never subscribe to the bridge themselves.
 */
export function startBridge(api: ReturnDeskApi | null = bridge, client: QueryClient = queryClient): void {
  if (!api) return;
  const store = useAppStore.getState();
  // The inbox's first page is the first thing asked, before React renders the screen that asks for it and before
  // who-we-are and the settings: its call waits for the socket and goes first when it opens, so the rows arrive
  // while the page is still being built. The list's own query is this one (same key): it is not asked twice.
  void client.prefetchQuery({ ...inboxPageQuery(api, store.filter, 0), networkMode: 'always' });
  const changed = { ids: new Set<number>(), full: false, rowsOnly: true, timer: null as ReturnType<typeof setTimeout> | null };

  // Each time the connection opens: who we are and the settings (asked together), then main may send what waited for a screen.
  const load = async (): Promise<void> => {
    const [info, settings] = await Promise.all([api.app.info(), api.settings.get()]);
    if (info.ok) store.setInfo(info.value);
    else store.reportError('Reading application info', info.error);
    if (settings.ok) {
      store.setSettings(settings.value);
      applyLocale(settings.value.locale, info.ok ? info.value.systemLocale : null);
    } else store.reportError('Reading settings', settings.error);
    await api.app.ready();
    // Alerts raised while no screen was open wait in main; show them now.
    void loadPendingAlerts();
    const selected = useAppStore.getState().selectedReturnId;
    if (selected !== null) openReturn(selected);
  };

  const onReturnsChanged = (returnIds: number[], full: boolean, rowsOnly: boolean): void => {
    for (const id of returnIds) changed.ids.add(id);
    changed.full ||= full;
    changed.rowsOnly &&= rowsOnly;
    changed.timer ??= setTimeout(() => {
      const { selectedReturnId: selected, filter } = useAppStore.getState();
      const touchesOpen = selected !== null && (changed.full || changed.ids.has(selected));
      const ids = changed.ids;
      // Only rows changed (the sync wrote orders: marked goods, products): the counts stay, and a list holding none of
      // them reads nothing again — at 50,000 returns the sync writes orders every second while the operator scrolls. A
      // search finds product names, which orders bring: its list and counts are read again.
      const rowsOnly = changed.rowsOnly && !changed.full;
      const skip = rowsOnly && !filter.search && !loadedInboxRows(client).some(({ row }) => ids.has(row.returnId));
      changed.ids = new Set();
      changed.full = false;
      changed.rowsOnly = true;
      changed.timer = null;
      if (!skip) void refreshInboxRows({ returnsNamed: !rowsOnly }, client);
      if (touchesOpen && selected !== null) void loadDetail(selected, true);
    }, RETURNS_CHANGED_BATCH_MS);
  };

  api.on('settings.changed', (settings) => {
    store.setSettings(settings);
    applyLocale(settings.locale, useAppStore.getState().info?.systemLocale);
  });
  api.on('returns.changed', ({ returnIds, full, rowsOnly }) => onReturnsChanged(returnIds, full, rowsOnly === true));
  api.on('status.changed', (status) => client.setQueryData(statusQuery(api).queryKey, status));
  api.on('stores.changed', (stores) => client.setQueryData(storesQuery(api).queryKey, stores));
  api.on('outbox.changed', (entry) => {
    const s = useAppStore.getState();
    s.upsertOutbox(entry);
    patchInboxRows(entry.returnId, { outboxState: entry.state }, client);
    s.trackHeld(entry);
    // A delivered or refused decision changes the return itself: read it again.
    if (s.selectedReturnId === entry.returnId && ['delivered', 'conflict'].includes(entry.state)) {
      void loadDetail(entry.returnId, true);
      void loadOutbox(entry.returnId);
    }
  });
  api.on('alerts.notification', (alert) => receiveAlerts([alert]));
  api.on('alerts.changed', (change) => alertsChanged(change));
  api.on('app.navigate', (target) => navigateTo(target));

  // The preload's bridge is open from the start; the WebSocket opens (and reopens) later.
  if (useAppStore.getState().connection === 'open') void load();
  useAppStore.subscribe((s, before) => {
    if (s.connection === 'open' && before.connection !== 'open') void load();
  });
}
