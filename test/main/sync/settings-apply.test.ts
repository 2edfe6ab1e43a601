import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings, StoreView } from '../../../preload/contract.ts';
import { silentLogger } from '../../../main/log.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { createServices, type Services } from '../../../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../../../main/settings/settings-store.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { SyncEngine, watchedAfter, type Lane } from '../../../main/sync/engine.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { FakeClock } from '../market/fake-clock.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, returns: 60 });
  admin = sandboxAdmin(sandbox.url);
});
afterEach(() => sandbox.close());

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate(), what).toBe(true);
}

describe('a changed poll interval reschedules the running engine', () => {
  let store: Store;
  let clock: FakeClock;
  let engine: SyncEngine;
  const rounds: Lane[] = [];

  beforeEach(async () => {
    store = openStore(':memory:');
    clock = new FakeClock(Date.parse((await admin.clock()).now));
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler(), retry: { baseDelayMs: 2, maxDelayMs: 5 } });
    engine = new SyncEngine({ client, store, clock, options: { fastIntervalMs: 60_000, slowIntervalMs: 600_000 } });
    rounds.length = 0;
    engine.on('round', (r) => rounds.push(r.lane));
  });
  afterEach(async () => {
    await engine.stop();
    store.close();
  });
  const count = (lane: Lane) => rounds.filter((r) => r === lane).length;

  it('shorter: the next poll comes at the new interval, not at the old one', async () => {
    engine.start();
    await until(() => count('fast') === 1 && count('slow') === 1, 'first rounds');
    await clock.advance(10_000);
    engine.configure({ fastIntervalMs: 15_000, slowIntervalMs: 120_000 });
    // 15 s after the last poll: 5 s from now.
    await clock.advance(5_000);
    await until(() => count('fast') === 2, 'fast poll at the new interval');
    await clock.advance(15_000);
    await until(() => count('fast') === 3, 'and every 15 s after');
    expect(count('slow')).toBe(1);
    await clock.advance(100_000);
    await until(() => count('slow') === 2, 'slow poll at 120 s');
  });

  it('longer: the poll due at the old interval waits for the new one', async () => {
    engine.start();
    await until(() => count('fast') === 1, 'first round');
    engine.configure({ fastIntervalMs: 300_000 });
    await clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(count('fast')).toBe(1);
    await clock.advance(240_000);
    await until(() => count('fast') === 2, 'fast poll at 300 s');
  });
});

describe('the watched stores in the settings drive what sync polls, at once', () => {
  let services: Services;
  const sender = { transport: 'websocket' as const, id: 'test', origin: 'http://test', mainFrame: true };

  /** Services of this data folder (its settings file included), as a restart would open them. */
  const open = async (dataDir: string): Promise<Services> => {
    const opened = await createServices({
      config: { dataDir, apiKey: sandbox.apiKey, baseUrl: sandbox.url },
      logger: silentLogger,
      settings: createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), silentLogger), silentLogger),
      version: 'test',
      background: false,
      host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
    });
    opened.trustedOrigins.add(sender.origin);
    return opened;
  };

  beforeEach(async () => {
    services = await open(mkdtempSync(join(tmpdir(), 'returndesk-watch-')));
  });
  afterEach(() => services.close());

  const call = async <T>(channel: string, args?: unknown): Promise<T> => {
    const result = await services.router.dispatch(channel, args, sender);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  };
  const syncedStores = async (): Promise<number[]> => {
    const before = new Map(services.store.listCampaigns().map((c) => [c.id, services.store.getCursor(c.id).lastSuccess]));
    await services.session().sync.syncNow();
    return services.store
      .listCampaigns()
      .filter((c) => services.store.getCursor(c.id).lastSuccess !== before.get(c.id))
      .map((c) => c.id)
      .sort((a, b) => a - b);
  };

  it('settings.set({ watchedCampaignIds }) and the store checkboxes are one setting, read by sync', async () => {
    const all = await syncedStores();
    expect(all.length).toBeGreaterThan(2);
    const [first, second] = all as [number, number];

    // Through the settings channel: only the listed store is polled from now on.
    const saved = await call<Settings>('settings.set', { watchedCampaignIds: [first] });
    expect(saved.watchedCampaignIds).toEqual([first]);
    expect((await call<StoreView[]>('stores.list')).filter((s) => s.watched).map((s) => s.campaignId)).toEqual([first]);
    expect(await syncedStores()).toEqual([first]);

    // Through the checkbox: the setting follows, and so does sync.
    const views = await call<StoreView[]>('stores.setWatched', { campaignId: second, watched: true });
    expect(views.filter((s) => s.watched).map((s) => s.campaignId)).toEqual([first, second].sort((a, b) => a - b));
    expect((await call<Settings>('settings.get')).watchedCampaignIds).toEqual([first, second].sort((a, b) => a - b));
    expect(await syncedStores()).toEqual([first, second].sort((a, b) => a - b));

    // Every store checked again: back to "every store", new ones included.
    for (const id of all) await call('stores.setWatched', { campaignId: id, watched: true });
    expect((await call<Settings>('settings.get')).watchedCampaignIds).toBeNull();
    expect(await syncedStores()).toEqual(all);
  });

  it('a store unwatched by its flag alone (before the setting drove sync) stays unwatched', async () => {
    const all = await syncedStores();
    const dataDir = services.info().dataDir;
    await services.close();
    const store = openStore(join(dataDir, 'returndesk.sqlite'));
    store.setWatched(all[0]!, false);
    store.close();
    services = await open(dataDir);
    expect((await call<Settings>('settings.get')).watchedCampaignIds).toEqual(all.slice(1));
    expect(await syncedStores()).toEqual(all.slice(1));
  });

  it('a changed poll interval reaches the running engine', async () => {
    await call('settings.set', { pollFastSeconds: 20, pollSlowSeconds: 90 });
    expect(services.session().sync.options.fastIntervalMs).toBe(20_000);
    expect(services.session().sync.options.slowIntervalMs).toBe(90_000);
  });
});

describe('watchedAfter', () => {
  it('turns a checkbox into the setting: a list, or null once every known store is watched', () => {
    expect(watchedAfter(null, [1, 2, 3], 2, false)).toEqual([1, 3]);
    expect(watchedAfter([1, 3], [1, 2, 3], 2, true)).toBeNull();
    expect(watchedAfter([1], [1, 2, 3], 3, true)).toEqual([1, 3]);
    expect(watchedAfter([1], [1, 2, 3], 1, false)).toEqual([]);
  });
});
