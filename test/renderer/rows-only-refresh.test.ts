// A sync at 50,000 returns writes orders every second while the operator scrolls; main names the returns of those
// orders with `rowsOnly` (preload/contract.ts, 'returns.changed': "only what their rows show changed … a list holding
// none of them needs nothing read again"). The list reads its pages again only when it holds one of them, or searches.
import { QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../preload/api.ts';
import type { ChannelName, Result } from '../../preload/contract.ts';
import { createQueryClient, inboxPageQuery } from '../../renderer/state/queries.ts';
import { useAppStore } from '../../renderer/state/store.ts';
import { startBridge } from '../../renderer/state/sync-bridge.ts';

/** A bridge whose returns.list answers rows 1–3, and whose events the test sends. */
function bridgeWithEvents() {
  const lists: unknown[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = buildApi({
    invoke: (channel: ChannelName, args: unknown) => {
      if (channel === 'returns.list') lists.push(args);
      if (channel === 'settings.get') return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } } as Result<unknown>);
      const value =
        channel === 'returns.list' ? { rows: [1, 2, 3].map((returnId) => ({ returnId })), total: 3 } : channel === 'app.info' ? { systemLocale: 'en' } : null;
      return Promise.resolve({ ok: true, value } as Result<unknown>);
    },
    subscribe: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  });
  const send = (payload: { returnIds: number[]; full: boolean; rowsOnly?: boolean }) => listeners.get('returns.changed')!(payload);
  return { api, lists, send };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 450));

describe('rows that changed without moving', () => {
  afterEach(() => useAppStore.setState({ connection: 'connecting', filter: { awaitingDecision: true } }));

  it('read the list again only when it holds one of them, or searches', async () => {
    const { api, lists, send } = bridgeWithEvents();
    const client = createQueryClient();
    useAppStore.setState({ connection: 'open', filter: { awaitingDecision: true } });
    startBridge(api, client);
    const observer = new QueryObserver(client, inboxPageQuery(api, { awaitingDecision: true }, 0));
    const unsubscribe = observer.subscribe(() => undefined);
    await settle();
    const read = lists.length;
    expect(observer.getCurrentResult().data?.rows).toHaveLength(3);

    // Orders of returns the list does not hold: nothing read.
    send({ returnIds: [40, 41], full: false, rowsOnly: true });
    await settle();
    expect(lists.length).toBe(read);
    // One the list holds: its pages are read again.
    send({ returnIds: [41, 2], full: false, rowsOnly: true });
    await settle();
    expect(lists.length).toBe(read + 1);
    // Returns themselves changed (they may move into the list): read again, whichever they are.
    send({ returnIds: [40], full: false });
    await settle();
    expect(lists.length).toBe(read + 2);
    // Too many to name: read again.
    send({ returnIds: [], full: true, rowsOnly: true });
    await settle();
    expect(lists.length).toBe(read + 3);
    unsubscribe();

    // A search finds product names, which orders bring: its list is read again whatever it holds.
    useAppStore.setState({ filter: { awaitingDecision: true, search: 'кофе' } });
    const searching = new QueryObserver(client, inboxPageQuery(api, { awaitingDecision: true, search: 'кофе' }, 0));
    const stop = searching.subscribe(() => undefined);
    await settle();
    const before = lists.length;
    send({ returnIds: [40], full: false, rowsOnly: true });
    await settle();
    expect(lists.length).toBe(before + 1);
    stop();
  });
});
