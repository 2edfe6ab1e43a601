// The Market's push notifications, opt-in: the receiver follows the settings and a notification syncs its store at once.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../preload/contract.ts';
import { createCallbackNotifier, type AlertNotification } from '../../../main/alerts/index.ts';
import type { Sender } from '../../../main/ipc/router.ts';
import type { Services } from '../../../main/services.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { freePort, servicesOn } from '../../helpers/sandbox-services.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let services: Services;
let fbs: number;
const shown: AlertNotification[] = [];
const tab: Sender = { transport: 'websocket', id: 'settings-tab', origin: 'http://127.0.0.1:2', mainFrame: true };

const settingsSet = (patch: unknown) => services.router.dispatch('settings.set', patch, tab);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 31, returns: 20, quiet: true });
  admin = sandboxAdmin(sandbox.url);
  const info = await admin.info();
  const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
  fbs = info.campaigns.find((c) => c.program === 'FBS' && mine.has(c.businessId))!.id;
  ({ services } = await servicesOn(sandbox, { notifier: createCallbackNotifier((n) => shown.push(n)) }));
  services.trustedOrigins.add(tab.origin);
  await services.session().sync.syncNow();
  await services.chats.idle();
});
afterAll(async () => {
  await services.close();
  await sandbox.close();
});

describe('the push receiver, opt-in', () => {
  it('is off by default and says so', () => {
    expect(DEFAULT_SETTINGS.pushReceiver.enabled).toBe(false);
    expect(services.status().push).toEqual({ state: 'off', url: null, error: null, lastEventAt: null });
  });

  it('turned on, it listens on the port and path given; each notification syncs its store at once', async () => {
    const port = await freePort();
    expect(await settingsSet({ pushReceiver: { enabled: true, port, path: '/market/notification', allInterfaces: false } })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(services.status().push).toMatchObject({ state: 'listening', url: `http://127.0.0.1:${port}/market/notification` }));
    // The Market answers PING before it sends anything else (sendNotification.md: "`PING` — verification notification").
    const ping = await fetch(`http://127.0.0.1:${port}/market/notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notificationType: 'PING', time: new Date().toISOString() }),
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ name: 'ReturnDesk', version: 'test' });
    await admin.setPush(`http://127.0.0.1:${port}/market/notification`);

    // "`ORDER_RETURN_CREATED` — a new non-purchase or refund has been created": in the store without waiting for a poll.
    const { now } = await admin.clock();
    const created = await admin.createReturn({
      campaignId: fbs,
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - 47.6 * 3_600_000).toISOString(),
    });
    await vi.waitFor(() => expect(services.store.getReturn(created.id)?.awaitingDecision).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(shown.some((n) => n.kind === 'deadline' && n.returnIds.includes(created.id))).toBe(true), { timeout: 10_000 });
    expect(services.status().push.lastEventAt).not.toBeNull();

    // "`ORDER_RETURN_STATUS_UPDATED`" and "`CHAT_ARBITRAGE_STARTED` — at the request of the buyer, a dispute began".
    const decided = await admin.createReturn({ campaignId: fbs });
    await admin.setReturnStatus(decided.id, 'PREMODERATION_DECISION_MADE');
    await vi.waitFor(() => expect(services.store.getReturn(decided.id)?.refundStatus).toBe('PREMODERATION_DECISION_MADE'), { timeout: 10_000 });
    await admin.openDispute(decided.id);
    await vi.waitFor(() => expect(services.store.getReturn(decided.id)?.refundStatus).toBe('PREMODERATION_DISPUTE'), { timeout: 10_000 });
    await vi.waitFor(() => expect(shown.some((n) => n.kind === 'dispute' && n.returnIds.includes(decided.id))).toBe(true), { timeout: 10_000 });

    // "`CHAT_MESSAGE_SENT` — A new chat message has been added": the chats are read now, the alert follows.
    await admin.chatMessage(created.id, { message: 'Срочно!' });
    await vi.waitFor(() => expect(shown.some((n) => n.kind === 'chatMessage' && n.returnIds.includes(created.id))).toBe(true), { timeout: 10_000 });
    const deliveries = (await admin.pushes()).deliveries;
    expect(deliveries.length).toBeGreaterThan(3);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    await admin.setPush(null);
  });

  it('says why it cannot listen, and stops when turned off', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await settingsSet({ pushReceiver: { enabled: true, port: taken, path: '/notification', allInterfaces: false } });
      await vi.waitFor(() =>
        expect(services.status().push).toMatchObject({
          state: 'failed',
          url: null,
          error: `port ${taken} is already in use by another program; choose another port`,
        }),
      );
    } finally {
      blocker.close();
    }
    const port = await freePort();
    await settingsSet({ pushReceiver: { enabled: true, port, path: '/notification', allInterfaces: false } });
    await vi.waitFor(() => expect(services.status().push.state).toBe('listening'));
    await settingsSet({ pushReceiver: { enabled: false, port, path: '/notification', allInterfaces: false } });
    await vi.waitFor(() => expect(services.status().push.state).toBe('off'));
    await expect(fetch(`http://127.0.0.1:${port}/notification`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('refuses settings it cannot use, naming the field', async () => {
    const bad = await settingsSet({ pushReceiver: { enabled: true, port: 80, path: 'notification', allInterfaces: false } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    const paths = (bad as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['pushReceiver.port', 'pushReceiver.path']));
  });
});
