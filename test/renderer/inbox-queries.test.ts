// The inbox's reads through TanStack Query: a slow answer to an older question never replaces a newer
// one, whether the list was read again (returns.changed) or a search replaced the filter meanwhile.
import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxCounts, InboxFilter, InboxRow, Result, ReturnDeskApi } from '../../preload/contract.ts';
import {
  countsQuery,
  createQueryClient,
  inboxPageQuery,
  inboxRowAt,
  inboxTotal,
  pageSpan,
  patchInboxRows,
  READ_AHEAD_ROWS,
  refreshInbox,
  type InboxPage,
} from '../../renderer/state/queries.ts';
import { useAppStore } from '../../renderer/state/store.ts';

const row = (returnId: number, orderId: number): InboxRow => ({ returnId, orderId, outboxState: null }) as unknown as InboxRow;

/** A bridge whose returns.list answers only when the test says, one call at a time. */
function slowBridge() {
  const calls: Array<{ filter: InboxFilter; answer: (page: InboxPage) => void }> = [];
  const api = {
    returns: {
      list: ({ filter }: { filter: InboxFilter }) =>
        new Promise<Result<InboxPage>>((resolve) => calls.push({ filter, answer: (value) => resolve({ ok: true, value }) })),
    },
  } as unknown as ReturnDeskApi;
  return { api, calls };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('inbox queries', () => {
  let client: QueryClient;
  const stops: Array<() => void> = [];
  beforeEach(() => {
    client = createQueryClient();
    // As QueryClientProvider does: the client follows the connection (onlineManager).
    client.mount();
    // Queries wait for the bridge's connection; here it is open.
    useAppStore.setState({ connection: 'open', filter: {} });
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    client.clear();
    client.unmount();
  });

  /** Shows a page on "screen": an observer makes its query active, as the list does. */
  const show = (api: ReturnDeskApi, filter: InboxFilter, page = 0) => {
    const observer = new QueryObserver(client, inboxPageQuery(api, filter, page));
    stops.push(observer.subscribe(() => undefined));
    return observer;
  };

  it('keeps the fresh answer when the slow answer of the read it replaced arrives after it', async () => {
    const { api, calls } = slowBridge();
    show(api, {});
    await settle();
    expect(calls).toHaveLength(1);
    // main says returns changed while the first read is still on its way: the list is read again.
    const refreshed = refreshInbox(client);
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]!.answer({ rows: [row(2, 20)], total: 1 });
    await refreshed;
    calls[0]!.answer({ rows: [row(1, 10)], total: 5 });
    await settle();
    expect(inboxRowAt(0, client)?.returnId).toBe(2);
    expect(inboxTotal(client)).toBe(1);
  });

  it('shows the search that replaced a filter, whatever the replaced filter answers later', async () => {
    const { api, calls } = slowBridge();
    show(api, { awaitingDecision: true });
    await settle();
    useAppStore.getState().setFilter({ search: '4242' });
    show(api, { search: '4242' });
    await settle();
    expect(calls.map((c) => c.filter)).toEqual([{ awaitingDecision: true }, { search: '4242' }]);
    calls[1]!.answer({ rows: [row(4242, 77)], total: 1 });
    await settle();
    calls[0]!.answer({ rows: [row(1, 10), row(3, 30)], total: 2 });
    await settle();
    expect(inboxRowAt(0, client)?.returnId).toBe(4242);
    expect(inboxRowAt(1, client)).toBeUndefined();
    expect(inboxTotal(client)).toBe(1);
  });

  it('asks nothing until the connection opens', async () => {
    useAppStore.setState({ connection: 'connecting' });
    const { api, calls } = slowBridge();
    show(api, {});
    await settle();
    expect(calls).toHaveLength(0);
    useAppStore.setState({ connection: 'open' });
    await settle();
    expect(calls).toHaveLength(1);
  });

  it('shows a decision’s new state in every cached row of its return', async () => {
    const { api, calls } = slowBridge();
    show(api, {});
    await settle();
    calls[0]!.answer({ rows: [row(1, 10), row(2, 20)], total: 2 });
    await settle();
    patchInboxRows(2, { outboxState: 'queued' }, client);
    expect(inboxRowAt(1, client)?.outboxState).toBe('queued');
    expect(inboxRowAt(0, client)?.outboxState).toBeNull();
  });
});

describe('inbox length while pages are read', () => {
  it('keeps the list’s length when a refresh drops the pages off screen while the page scrolled onto is still being read', async () => {
    const client = createQueryClient();
    client.mount();
    useAppStore.setState({ connection: 'open', filter: {} });
    const { api, calls } = slowBridge();
    const first = new QueryObserver(client, inboxPageQuery(api, {}, 0));
    const stopFirst = first.subscribe(() => undefined);
    await settle();
    calls[0]!.answer({ rows: [row(1, 10)], total: 50_000 });
    await settle();
    // Scrolled on: page 1 is on screen and on its way, page 0 is off screen; then main says returns changed.
    const second = new QueryObserver(client, inboxPageQuery(api, {}, 1));
    const stopSecond = second.subscribe(() => undefined);
    stopFirst();
    const refreshed = refreshInbox(client);
    await settle();
    expect(client.getQueryData(inboxPageQuery(api, {}, 0).queryKey)).toBeUndefined();
    expect(client.getQueryData(inboxPageQuery(api, {}, 1).queryKey)).toBeUndefined();
    expect(inboxTotal(client)).toBe(50_000);
    // The page's answer says how long the list is now.
    for (const call of calls.slice(1)) call.answer({ rows: [row(2, 20)], total: 49_999 });
    await refreshed;
    expect(inboxTotal(client)).toBe(49_999);
    stopSecond();
    client.clear();
    client.unmount();
  });

  it('reads the pages under the screen and a hundred rows beyond it on each side', () => {
    expect(READ_AHEAD_ROWS).toBe(100);
    expect(pageSpan(0, 20)).toEqual({ from: 0, to: 0 });
    expect(pageSpan(80, 99)).toEqual({ from: 0, to: 0 });
    // Within a hundred rows of the next page: it is read before the screen reaches it.
    expect(pageSpan(90, 110)).toEqual({ from: 0, to: 1 });
    expect(pageSpan(290, 310)).toEqual({ from: 0, to: 2 });
    expect(pageSpan(320, 340)).toEqual({ from: 1, to: 2 });
  });
});

describe('refreshing after returns changed', () => {
  /** A bridge that answers at once and records what was asked. */
  function countingBridge() {
    const asked: string[] = [];
    const api = {
      returns: {
        list: async ({ filter }: { filter: InboxFilter }) => {
          asked.push(`list ${JSON.stringify(filter)}`);
          return { ok: true, value: { rows: [row(1, 10)], total: 1 } };
        },
        counts: async ({ filter }: { filter: InboxFilter }) => {
          asked.push(`counts ${JSON.stringify(filter)}`);
          return { ok: true, value: { total: 1 } };
        },
      },
    } as unknown as ReturnDeskApi;
    return { api, asked };
  }

  it('reads the rows on screen again but not the counts when the change names no return (the sync wrote orders), except a search’s', async () => {
    const client = createQueryClient();
    client.mount();
    useAppStore.setState({ connection: 'open', filter: {} });
    const { api, asked } = countingBridge();
    const stops = [
      new QueryObserver(client, inboxPageQuery(api, {}, 0)).subscribe(() => undefined),
      new QueryObserver(client, countsQuery(api, {})).subscribe(() => undefined),
      new QueryObserver(client, countsQuery(api, { search: 'Чайник' })).subscribe(() => undefined),
    ];
    await settle();
    asked.length = 0;
    await refreshInbox(client, { returnsNamed: false });
    await settle();
    // preload/contract.ts, 'returns.changed': "Returns were added or changed in the local store." — no id, not full: none was.
    // Orders bring marked goods (a row's flag) and product names (a search's hits); the counts count the returns' own columns.
    expect(asked.sort()).toEqual(['counts {"search":"Чайник"}', 'list {}']);
    asked.length = 0;
    await refreshInbox(client, { returnsNamed: true });
    await settle();
    expect(asked.sort()).toEqual(['counts {"search":"Чайник"}', 'counts {}', 'list {}']);
    for (const stop of stops) stop();
    client.clear();
    client.unmount();
  });
});

describe('the list’s length before its first page', () => {
  it('is what the counts say for the view, so the list is laid out before the rows arrive; the page’s answer then wins', async () => {
    const client = createQueryClient();
    client.mount();
    useAppStore.setState({ connection: 'open', filter: { awaitingDecision: true } });
    const { api, calls } = slowBridge();
    const counted = { total: 48_000, awaitingDecision: 6_284, inDispute: 1_035 } as InboxCounts;
    const counts = new QueryObserver(client, countsQuery({ ...api, returns: { ...api.returns, counts: async () => ({ ok: true, value: counted }) } }, {}));
    const stopCounts = counts.subscribe(() => undefined);
    const page = new QueryObserver(client, inboxPageQuery(api, { awaitingDecision: true }, 0));
    const stopPage = page.subscribe(() => undefined);
    await settle();
    expect(calls).toHaveLength(1);
    // preload/contract.ts InboxCounts: counted without the quick view, "awaitingDecision" is the awaiting view's length.
    expect(inboxTotal(client)).toBe(6_284);
    useAppStore.setState({ filter: {} });
    expect(inboxTotal(client)).toBe(48_000);
    useAppStore.setState({ filter: { inDispute: true } });
    expect(inboxTotal(client)).toBe(1_035);
    useAppStore.setState({ filter: { awaitingDecision: true } });
    calls[0]!.answer({ rows: [row(1, 10)], total: 6_285 });
    await settle();
    expect(inboxTotal(client)).toBe(6_285);
    stopPage();
    stopCounts();
    client.clear();
    client.unmount();
  });
});
