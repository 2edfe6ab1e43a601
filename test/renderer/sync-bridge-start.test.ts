// The renderer's start: the inbox's first page is the first call it makes, before who-we-are and the
// settings, and the list's own query (same key) then finds it asked instead of asking again.
import { QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../preload/api.ts';
import type { ChannelName, Result } from '../../preload/contract.ts';
import { createQueryClient, inboxPageQuery, PAGE_SIZE } from '../../renderer/state/queries.ts';
import { useAppStore } from '../../renderer/state/store.ts';
import { startBridge } from '../../renderer/state/sync-bridge.ts';

/** A bridge that records each call: returns.list answers one row, the settings a refusal (no page to apply them to). */
function recordingBridge() {
  const calls: Array<{ channel: ChannelName; args: unknown }> = [];
  const api = buildApi({
    invoke: (channel, args) => {
      calls.push({ channel, args });
      if (channel === 'settings.get') return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } } as Result<unknown>);
      const value = channel === 'returns.list' ? { rows: [{ returnId: 1 }], total: 1 } : channel === 'app.info' ? { systemLocale: 'en' } : null;
      return Promise.resolve({ ok: true, value } as Result<unknown>);
    },
    subscribe: () => () => undefined,
  });
  return { api, calls };
}

describe('the renderer start', () => {
  afterEach(() => useAppStore.setState({ connection: 'connecting', filter: { awaitingDecision: true }, info: null, lastError: null }));

  it('asks the first inbox page before anything else, and the list finds it asked', async () => {
    const { api, calls } = recordingBridge();
    const client = createQueryClient();
    useAppStore.setState({ connection: 'open', filter: { awaitingDecision: true } });
    startBridge(api, client);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls[0]).toEqual({ channel: 'returns.list', args: { filter: { awaitingDecision: true }, offset: 0, limit: PAGE_SIZE } });
    expect(calls.map((c) => c.channel)).toContain('app.info');
    // The list's query for page 0 of the same filter is answered from the call already made.
    const observer = new QueryObserver(client, inboxPageQuery(api, { awaitingDecision: true }, 0));
    const unsubscribe = observer.subscribe(() => undefined);
    expect(observer.getCurrentResult().data?.total).toBe(1);
    unsubscribe();
    expect(calls.filter((c) => c.channel === 'returns.list')).toHaveLength(1);
  });
});
