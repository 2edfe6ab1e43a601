// State of the analytics screen: the period, the figures read from main, the report job and export notes.
import { create } from 'zustand';
import { MAX_PERIOD_DAYS, type AnalyticsResult, type BridgeError, type ExportResult, type OrderMoneyPage, type ReportJob } from '../../preload/contract.ts';
import { mskDay } from '../../preload/moscow-time.ts';
import { queryFilter } from '../lib/inbox-prefs.ts';
import { useAppStore } from '../state/store.ts';
import { bridge } from '../state/bridge.ts';

const DAY = 86_400_000;
/** Today in Moscow time (the Market's calendar), as YYYY-MM-DD. */
export const mskToday = (now = Date.now()): string => mskDay(now);

export interface Period {
  from: string;
  to: string;
  bucket: 'day' | 'week';
  campaignId: number | null;
}

export type MoneySort = 'net' | 'refunded' | 'cost' | 'orderId' | 'returns';

export interface AnalyticsState {
  period: Period;
  result: AnalyticsResult | null;
  error: BridgeError | null;
  loading: boolean;
  money: OrderMoneyPage | null;
  moneySort: { sort: MoneySort; descending: boolean; offset: number };
  /** Folder chosen in the native dialog (desktop); null: the default folder. */
  folder: string | null;
  defaultFolder: string | null;
  lastExport: (ExportResult & { at: number }) | null;
  exportError: BridgeError | null;
  dialogOpen: boolean;
  job: ReportJob | null;
  setPeriod(patch: Partial<Period>): void;
  setDialogOpen(open: boolean): void;
}

export const useAnalyticsStore = create<AnalyticsState>()((set) => ({
  period: { from: mskToday(Date.now() - 29 * DAY), to: mskToday(), bucket: 'day', campaignId: null },
  result: null,
  error: null,
  loading: false,
  money: null,
  moneySort: { sort: 'refunded', descending: true, offset: 0 },
  folder: null,
  defaultFolder: null,
  lastExport: null,
  exportError: null,
  dialogOpen: false,
  job: null,
  setPeriod: (patch) => set((s) => ({ period: { ...s.period, ...patch }, moneySort: { ...s.moneySort, offset: 0 } })),
  setDialogOpen: (dialogOpen) => set({ dialogOpen }),
}));

/** Why a period cannot be asked for, or null. */
export function periodProblem(p: Pick<Period, 'from' | 'to'>): 'missing' | 'reversed' | 'too-long' | null {
  if (!p.from || !p.to) return 'missing';
  if (p.from > p.to) return 'reversed';
  return (Date.parse(p.to) - Date.parse(p.from)) / DAY + 1 > MAX_PERIOD_DAYS ? 'too-long' : null;
}

const queryOf = (p: Period) => ({ from: p.from, to: p.to, bucket: p.bucket, ...(p.campaignId ? { campaignIds: [p.campaignId] } : {}) });
export const MONEY_PAGE = 25;

let seq = 0;
/** Reads the figures and the current page of money for the period (the latest request wins). */
export async function loadAnalytics(): Promise<void> {
  const api = bridge;
  const { period, moneySort } = useAnalyticsStore.getState();
  if (!api || periodProblem(period)) return;
  const mine = ++seq;
  useAnalyticsStore.setState({ loading: true });
  const [result, money] = await Promise.all([
    api.analytics.get({ query: queryOf(period) }),
    api.analytics.orderMoney({
      query: { from: period.from, to: period.to, ...(period.campaignId ? { campaignIds: [period.campaignId] } : {}), ...moneySort, limit: MONEY_PAGE },
    }),
  ]);
  if (mine !== seq) return;
  useAnalyticsStore.setState({
    loading: false,
    result: result.ok ? result.value : null,
    error: !result.ok ? result.error : !money.ok ? money.error : null,
    money: money.ok ? money.value : null,
  });
}

export function setMoneySort(patch: Partial<AnalyticsState['moneySort']>): void {
  useAnalyticsStore.setState((s) => ({ moneySort: { ...s.moneySort, ...patch } }));
  void loadAnalytics();
}

export async function chooseFolder(): Promise<void> {
  const api = bridge;
  if (!api) return;
  const answer = await api.files.chooseFolder();
  if (answer.ok) useAnalyticsStore.setState((s) => ({ folder: answer.value.folder ?? s.folder, defaultFolder: answer.value.defaultFolder }));
}

type ExportKind =
  | { kind: 'inbox' }
  | { kind: 'audit' }
  | { kind: 'analytics'; table: 'timeline' | 'reasons' | 'topSkus' | 'decisionMix' | 'timeToDecision' | 'deadlines' | 'stores' | 'money' };

export async function runExport(what: ExportKind): Promise<void> {
  const api = bridge;
  if (!api) return;
  const { period, folder } = useAnalyticsStore.getState();
  const answer =
    what.kind === 'inbox'
      ? await api.exports.inbox({ filter: queryFilter(useAppStore.getState().filter), folder })
      : what.kind === 'audit'
        ? await api.exports.audit({ folder })
        : await api.exports.analytics({ query: queryOf(period), table: what.table, folder });
  useAnalyticsStore.setState(answer.ok ? { lastExport: { ...answer.value, at: Date.now() }, exportError: null } : { exportError: answer.error });
}

/** Opens a file ReturnDesk wrote; `confirmed` after the operator read the report's spreadsheet warning. */
export async function openFile(path: string, confirmed?: boolean): Promise<BridgeError | null> {
  const api = bridge;
  if (!api) return null;
  const answer = await api.files.open(confirmed ? { path, confirmed } : { path });
  return answer.ok ? null : answer.error;
}
