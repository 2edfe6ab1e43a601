/**
 * Alerts on this screen. Main keeps every alert until a screen acknowledges it, so a tab opened
 * later still shows what was raised while none was open; critical ones stay until dismissed here
 * (or on another screen). Components read this store; only sync-bridge feeds it.
 */
import { create } from 'zustand';
import type { AlertRecord, BridgeError } from '../../preload/contract.ts';
import { alertWordsReady } from './alert-words.ts';
import { showBrowserNotification } from './notifications.ts';
import { useAppStore } from './store.ts';
import { bridge } from './bridge.ts';

/** Normal alerts on screen at once; older ones are in the history. */
const MAX_NORMAL = 3;

export interface AlertsState {
  onScreen: AlertRecord[];
  historyOpen: boolean;
  history: { alerts: AlertRecord[]; total: number; error: BridgeError | null; loading: boolean };
}

export const useAlertsStore = create<AlertsState>()(() => ({
  onScreen: [],
  historyOpen: false,
  history: { alerts: [], total: 0, error: null, loading: false },
}));

/** Puts alerts from main on screen (or in a browser notification) once their words can be written, and tells main this screen has shown them. */
export function receiveAlerts(records: readonly AlertRecord[]): void {
  if (records.length === 0) return;
  // Calls made before the words have loaded keep their order: each waits on the same promise.
  void alertWordsReady().then(() => showAlerts(records));
}

function showAlerts(records: readonly AlertRecord[]): void {
  const { onScreen } = useAlertsStore.getState();
  const known = new Set(onScreen.map((a) => a.id));
  const inTab = useAppStore.getState().info?.transport === 'websocket';
  const add: AlertRecord[] = [];
  for (const record of records) {
    if (known.has(record.id) || record.dismissedAt !== null) continue;
    known.add(record.id);
    // A browser notification is enough for a normal alert; a critical one also stays in the page until dismissed.
    const notified = inTab && record.acknowledgedAt === null && showBrowserNotification(record);
    if (!notified || record.urgency === 'critical') add.push(record);
  }
  if (add.length > 0) {
    const all = [...onScreen, ...add];
    const critical = all.filter((a) => a.urgency === 'critical');
    const normal = all.filter((a) => a.urgency !== 'critical').slice(-MAX_NORMAL);
    useAlertsStore.setState({ onScreen: [...critical, ...normal].sort((a, b) => a.id - b.id) });
  }
  const seen = records.filter((r) => r.acknowledgedAt === null).map((r) => r.id);
  for (let i = 0; i < seen.length; i += 500) void bridge?.alerts.acknowledge({ ids: seen.slice(i, i + 500) });
  if (useAlertsStore.getState().historyOpen && records.length > 0) void loadHistory();
}

/** What waited for a screen (after the tab opens or reconnects). */
export async function loadPendingAlerts(): Promise<void> {
  const api = bridge;
  if (!api) return;
  const answer = await api.alerts.pending();
  if (answer.ok) receiveAlerts(answer.value);
  else useAppStore.getState().reportError('Reading alerts', answer.error);
}

/** Takes a normal alert off the screen after its time; it stays in the history. */
export function hideAlert(id: number): void {
  useAlertsStore.setState((s) => ({ onScreen: s.onScreen.filter((a) => a.id !== id || a.urgency === 'critical') }));
}

/** The operator closed it: gone from every screen. */
export async function dismissAlert(id: number): Promise<void> {
  useAlertsStore.setState((s) => ({ onScreen: s.onScreen.filter((a) => a.id !== id) }));
  const answer = await bridge?.alerts.dismiss({ ids: [id] });
  if (answer && !answer.ok) useAppStore.getState().reportError('Dismissing an alert', answer.error);
  if (useAlertsStore.getState().historyOpen) void loadHistory();
}

/** Another screen acknowledged or dismissed alerts. */
export function alertsChanged(change: { ids: number[]; dismissed: boolean }): void {
  if (change.dismissed) {
    const gone = new Set(change.ids);
    useAlertsStore.setState((s) => ({ onScreen: s.onScreen.filter((a) => !gone.has(a.id)) }));
  }
  if (useAlertsStore.getState().historyOpen) void loadHistory();
}

export async function loadHistory(more = false): Promise<void> {
  const api = bridge;
  if (!api) return;
  const current = useAlertsStore.getState().history;
  const beforeId = more ? current.alerts.at(-1)?.id : undefined;
  useAlertsStore.setState({ history: { ...current, loading: true } });
  const [answer] = await Promise.all([api.alerts.history({ limit: 100, ...(beforeId ? { beforeId } : {}) }), alertWordsReady()]);
  const latest = useAlertsStore.getState().history;
  useAlertsStore.setState({
    history: answer.ok
      ? { alerts: more ? [...latest.alerts, ...answer.value.alerts] : answer.value.alerts, total: answer.value.total, error: null, loading: false }
      : { ...latest, error: answer.error, loading: false },
  });
}

export function setHistoryOpen(open: boolean): void {
  useAlertsStore.setState({ historyOpen: open });
  if (open) void loadHistory();
}
