import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GlobalStatus } from '../../preload/contract.ts';
import type { Services } from '../../main/services.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { servicesOn } from '../helpers/sandbox-services.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let services: Services;
const pushed: GlobalStatus[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, returns: 30, quiet: true });
  admin = sandboxAdmin(sandbox.url);
  ({ services } = await servicesOn(sandbox));
  services.events.subscribe('test', (event, payload) => {
    if (event === 'status.changed') pushed.push(payload as GlobalStatus);
  });
  services.events.ready('test');
});
afterAll(async () => {
  await services.close();
  await sandbox.close();
});

describe('the status bar’s online state and clock', () => {
  it('goes offline when the Market reaches nobody and online at the first successful request after, also for a fresh read', async () => {
    await services.session().sync.syncNow();
    expect(services.status().online).toBe(true);
    await admin.setFaults({ type: 'drop' });
    await services.session().sync.syncNow();
    expect(services.status().online).toBe(false);
    await vi.waitFor(() => expect(pushed.at(-1)?.online).toBe(false));
    await admin.clearFaults();
    // One request of anyone (here a chat listing) is enough: no waiting for the next poll or the outbox's probe.
    const campaign = services.store.listCampaigns()[0]!;
    await services.session().client.listChats(campaign.businessId!, {});
    expect(services.status().online).toBe(true);
    expect(services.session().outbox.status().online).toBe(true);
    await vi.waitFor(() => expect(pushed.at(-1)?.online).toBe(true));
  });

  it('an answer with an error is still an answer: a 5xx keeps it online', async () => {
    await admin.setFaults({ type: 'error5xx' });
    await services.session().sync.syncNow();
    expect(services.status().online).toBe(true);
    await admin.clearFaults();
  });

  it('reports the Market clock’s offset and calls it large past two minutes', async () => {
    await services.session().client.listCampaigns();
    expect(Math.abs(services.status().marketClock.offsetMs)).toBeLessThan(1_500);
    expect(services.status().marketClock.large).toBe(false);
    await admin.setSkew(3 * 3_600_000);
    await services.session().client.listCampaigns();
    const { marketClock } = services.status();
    expect(Math.abs(marketClock.offsetMs - 3 * 3_600_000)).toBeLessThan(1_500);
    expect(marketClock.large).toBe(true);
    expect(marketClock.measuredAt).not.toBeNull();
    await vi.waitFor(() => expect(pushed.at(-1)?.marketClock.large).toBe(true));
  });
});
