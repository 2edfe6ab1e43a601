/**
 * What the renderer reads from main, cached by TanStack Query: one query per thing main serves, keyed
 * by what was asked. Main's events update or invalidate these queries (sync-bridge.ts); zustand keeps
 * only UI state (filter, cursor, selection, view). A query's answer lands under its own key only, and
 * a refetch supersedes the fetch it replaces, so a slow answer to an older question never wins.
 */
import { onlineManager, QueryClient, queryOptions, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BridgeError, InboxCounts, InboxFilter, InboxRow, Result, ReturnDeskApi } from '../../preload/contract.ts';
import { filterKey, queryFilter } from '../lib/inbox-prefs.ts';
import { bridge } from './bridge.ts';
import { useAppStore } from './store.ts';

/** Rows fetched per request as the operator scrolls. */
export const PAGE_SIZE = 200;
/** Rows read beyond the screen on each side, so a steady scroll meets rows already loaded. */
export const READ_AHEAD_ROWS = 100;
/** A read that failed is asked again this often while something shows it. */
const RETRY_FAILED_MS = 5_000;

/** A refusal from main, carried as a thrown error so a query can hold it. */
export class BridgeFailure extends Error {
  readonly error: BridgeError;
  constructor(error: BridgeError) {
    super(error.message);
    this.name = 'BridgeFailure';
    this.error = error;
  }
}

/** The bridge error a query failed with, in the contract's shape. */
export function bridgeErrorOf(error: unknown): BridgeError | null {
  if (error === null || error === undefined) return null;
  if (error instanceof BridgeFailure) return error.error;
  return { code: 'TRANSPORT', message: error instanceof Error ? error.message : String(error) };
}

const notConnected: BridgeError = { code: 'TRANSPORT', message: 'ReturnDesk is not connected yet.' };

/** Asks main and returns the value, or throws its refusal for the query to keep. */
export async function ask<T>(api: ReturnDeskApi | null, call: (api: ReturnDeskApi) => Promise<Result<T>>): Promise<T> {
  if (!api) throw new BridgeFailure(notConnected);
  let result: Result<T>;
  try {
    result = await call(api);
  } catch (e) {
    throw new BridgeFailure({ code: 'TRANSPORT', message: e instanceof Error ? e.message : String(e) });
  }
  if (!result.ok) throw new BridgeFailure(result.error);
  return result.value;
}

/**
 * The last total each filter's pages answered, by client: the list keeps its length while the pages it
 * shows are read again or scrolled onto (a refresh drops the pages off screen), instead of collapsing to the top.
 */
const knownTotals = new WeakMap<QueryClient, Map<string, number>>();
/** Filters whose totals are kept (a search typed key by key is a filter per key). */
const KNOWN_TOTALS_KEPT = 50;

export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        // Main says when its data changed (returns.changed, status.changed…): nothing goes stale by age.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        // Back after a lost connection, everything on screen is read again.
        refetchOnReconnect: 'always',
        // A failure is shown at once and tried again while on screen; the operator can also retry.
        retry: false,
        refetchInterval: (query) => (query.state.status === 'error' ? RETRY_FAILED_MS : false),
      },
    },
  });
  const totals = new Map<string, number>();
  knownTotals.set(client, totals);
  // Only answers the cache keeps count: a cancelled read's late answer is dropped, and so is its total.
  client.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'success' || event.query.queryKey[0] !== 'inbox') return;
    const key = String(event.query.queryKey[1]);
    totals.delete(key);
    totals.set(key, (event.action.data as InboxPage).total);
    if (totals.size > KNOWN_TOTALS_KEPT) totals.delete(totals.keys().next().value!);
  });
  return client;
}

/** This window's cache of what main served. */
export const queryClient = createQueryClient();

// The bridge's connection is the "network" queries wait for: nothing is asked before it opens.
onlineManager.setEventListener((setOnline) => {
  setOnline(useAppStore.getState().connection === 'open');
  return useAppStore.subscribe((s, before) => {
    if (s.connection !== before.connection) setOnline(s.connection === 'open');
  });
});

// --------------------------------------------------------------------------------------------
// Queries

export type InboxPage = { rows: InboxRow[]; total: number };

/** The filter as sent to main, and the key its answers are cached under. */
export function inboxQuestion(filter: InboxFilter): { filter: InboxFilter; key: string } {
  const sent = queryFilter(filter);
  return { filter: sent, key: filterKey(sent) };
}

export const inboxPageQuery = (api: ReturnDeskApi | null, filter: InboxFilter, page: number) => {
  const question = inboxQuestion(filter);
  return queryOptions({
    queryKey: ['inbox', question.key, page],
    queryFn: () => ask(api, (a) => a.returns.list({ filter: question.filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })),
  });
};

/** The pages a list showing rows `first`..`last` reads: those under the screen and READ_AHEAD_ROWS beyond it. */
export function pageSpan(first: number, last: number): { from: number; to: number } {
  return { from: Math.floor(Math.max(0, first - READ_AHEAD_ROWS) / PAGE_SIZE), to: Math.floor(Math.max(0, last + READ_AHEAD_ROWS) / PAGE_SIZE) };
}

/** Counts for the sidebar: the filter without the quick view, so every view shows its number. */
export const countsQuery = (api: ReturnDeskApi | null, filter: InboxFilter) => {
  const { awaitingDecision: _a, inDispute: _d, ...rest } = inboxQuestion(filter).filter;
  return queryOptions({ queryKey: ['counts', filterKey(rest)], queryFn: () => ask(api, (a) => a.returns.counts({ filter: rest })) });
};

export const statusQuery = (api: ReturnDeskApi | null) => queryOptions({ queryKey: ['status'], queryFn: () => ask(api, (a) => a.status.get()) });
export const storesQuery = (api: ReturnDeskApi | null) => queryOptions({ queryKey: ['stores'], queryFn: () => ask(api, (a) => a.stores.list()) });
export const apiKeyQuery = (api: ReturnDeskApi | null) => queryOptions({ queryKey: ['apiKey'], queryFn: () => ask(api, (a) => a.apiKey.status()) });

/** A query's answer in the shape panes show: the data, and the error when the last read failed. */
function loadable<T>(query: { data: T | undefined; error: unknown; isPending: boolean }) {
  return { data: query.data ?? null, error: bridgeErrorOf(query.error), loading: query.isPending };
}

export const useStatus = () => loadable(useQuery(statusQuery(bridge)));
/** `fresh`: read again whenever the component shows (settings re-reads what another window may have changed). */
export const useStores = (options: { fresh?: boolean } = {}) => loadable(useQuery({ ...storesQuery(bridge), refetchOnMount: options.fresh ? 'always' : true }));
export const useApiKey = () => loadable(useQuery({ ...apiKeyQuery(bridge), refetchOnMount: 'always' }));
export function useCounts() {
  const filter = useAppStore((s) => s.filter);
  return useQuery(countsQuery(bridge, filter)).data ?? null;
}

/** The inbox rows of pages `span.from`..`span.to` of the current filter, read page by page. */
export function useInbox(span: { from: number; to: number }) {
  const filter = useAppStore((s) => s.filter);
  const pages: number[] = [];
  for (let p = span.from; p <= span.to; p++) pages.push(p);
  const results = useQueries({ queries: pages.map((p) => inboxPageQuery(bridge, filter, p)) });
  const key = inboxQuestion(filter).key;
  const byPage = new Map(pages.map((p, i) => [p, results[i]?.data]));
  const client = useQueryClient();
  return {
    key,
    // Scrolled onto pages not read yet, or while a refresh reads them again, the list keeps its length.
    total: results.find((r) => r.data)?.data?.total ?? totalOf(filter, client),
    error: bridgeErrorOf(results.find((r) => r.error)?.error),
    rowAt: (index: number): InboxRow | undefined => byPage.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE],
  };
}

export type InboxRead = ReturnType<typeof useInbox>;

// --------------------------------------------------------------------------------------------
// The same cache for code outside components (keyboard, actions)

/** The loaded pages of the current filter, by page number. */
function currentPages(client: QueryClient = queryClient): Map<number, InboxPage> {
  return pagesOf(inboxQuestion(useAppStore.getState().filter).key, client);
}

function pagesOf(key: string, client: QueryClient): Map<number, InboxPage> {
  const pages = new Map<number, InboxPage>();
  for (const [queryKey, data] of client.getQueriesData<InboxPage>({ queryKey: ['inbox', key] })) if (data) pages.set(queryKey[2] as number, data);
  return pages;
}

/** The row at a list index of the current filter, when its page is loaded. */
export function inboxRowAt(index: number, client: QueryClient = queryClient): InboxRow | undefined {
  return currentPages(client).get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE];
}

/** How many rows the current filter has, once any page of it is loaded. */
export function inboxTotal(client: QueryClient = queryClient): number | null {
  return totalOf(useAppStore.getState().filter, client);
}

/**
 * A filter's length: the last one its pages answered (else a cached page's, for a client made elsewhere), else
 * what its counts say when they came first (a view chosen whose counts are cached): the list is laid out (its
 * length measured, placeholders placed) before the rows arrive, and only the rows are drawn when they do.
 */
function totalOf(filter: InboxFilter, client: QueryClient): number | null {
  const key = inboxQuestion(filter).key;
  return knownTotals.get(client)?.get(key) ?? [...pagesOf(key, client).values()][0]?.total ?? countedTotal(filter, client);
}

/** The filter's length by its counts (counted without the quick view, which each count then says). */
function countedTotal(filter: InboxFilter, client: QueryClient): number | null {
  const counts = client.getQueryData<InboxCounts>(countsQuery(null, filter).queryKey);
  if (!counts) return null;
  const sent = inboxQuestion(filter).filter;
  return sent.awaitingDecision ? counts.awaitingDecision : sent.inDispute ? counts.inDispute : counts.total;
}

/** Every loaded row of the current filter with its list index, in list order. */
export function loadedInboxRows(client: QueryClient = queryClient): Array<{ index: number; row: InboxRow }> {
  return [...currentPages(client).entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([page, data]) => data.rows.map((row, i) => ({ index: page * PAGE_SIZE + i, row })));
}

/** Shows a return's new outbox state in every cached row of it. */
export function patchInboxRows(returnId: number, patch: Partial<InboxRow>, client: QueryClient = queryClient): void {
  client.setQueriesData<InboxPage>({ queryKey: ['inbox'] }, (page) => {
    if (!page?.rows.some((r) => r.returnId === returnId)) return page;
    return { ...page, rows: page.rows.map((r) => (r.returnId === returnId ? { ...r, ...patch } : r)) };
  });
}

/** Whether a counts query counts a search (whose hits also come from product names, which orders bring). */
function countsSearch(queryKey: readonly unknown[]): boolean {
  return (JSON.parse(String(queryKey[1])) as Array<[string, unknown]>).some(([name]) => name === 'search');
}

/**
 * After main says returns changed: the pages on screen are read again, the others forgotten. A read
 * still on its way may hold the old rows: it is cancelled (its answer, whenever it comes, is dropped).
 * `returnsNamed: false` (the change named no return: the sync wrote orders) leaves the counts of filters
 * without a search alone: they count the returns' own columns, which an order does not change, and at
 * 50,000 returns each count costs main tens of milliseconds while the sync writes orders every second.
 */
export async function refreshInbox(client: QueryClient = queryClient, change: { returnsNamed: boolean } = { returnsNamed: true }): Promise<void> {
  const counts = {
    queryKey: ['counts'],
    predicate: change.returnsNamed ? undefined : (query: { queryKey: readonly unknown[] }) => countsSearch(query.queryKey),
  };
  await Promise.all([client.cancelQueries({ queryKey: ['inbox'] }), client.cancelQueries(counts)]);
  client.removeQueries({ queryKey: ['inbox'], type: 'inactive' });
  client.removeQueries({ ...counts, type: 'inactive' });
  await Promise.all([client.invalidateQueries({ queryKey: ['inbox'] }), client.invalidateQueries(counts)]);
}
