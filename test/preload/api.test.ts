import { describe, expect, it } from 'vitest';
import { buildApi } from '../../preload/api.ts';
import { channels } from '../../preload/contract.ts';

describe('the domain API built from the contract', () => {
  it('offers every channel as group.method and forwards name and arguments', async () => {
    const calls: unknown[] = [];
    const api = buildApi({
      invoke: async (channel, args) => {
        calls.push([channel, args]);
        return { ok: true, value: null };
      },
      subscribe: () => () => undefined,
    });
    for (const name of Object.keys(channels)) {
      const [group, method] = name.split('.') as [string, string];
      expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[group]?.[method]).toBe('function');
    }
    await api.settings.set({ theme: 'dark' });
    await api.app.info();
    expect(calls).toEqual([
      ['settings.set', { theme: 'dark' }],
      ['app.info', undefined],
    ]);
    expect(Object.isFrozen(api)).toBe(true);
  });
});
