// `cli watch`, run as an operator runs it, prints the escalation of a decision stuck past its deadline and a buyer's message.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { freePort, servicesOn } from '../../helpers/sandbox-services.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const MINUTE = 60_000;

let sandbox: RunningSandbox;
let admin: SandboxAdmin;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 90, returns: 0, quiet: true });
  admin = sandboxAdmin(sandbox.url);
});
afterAll(() => sandbox.close());

describe('cli watch', () => {
  it('prints a decision not delivered by its deadline, and a buyer message, then stops on Ctrl+C', async () => {
    const port = await freePort();
    const info = await admin.info();
    const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
    const fbs = info.campaigns.find((c) => c.program === 'FBS' && mine.has(c.businessId))!.id;
    const { now } = await admin.clock();
    // 30 minutes left by the Market's clock.
    const stuck = await admin.createReturn({
      campaignId: fbs,
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - 48 * 60 * MINUTE + 30 * MINUTE).toISOString(),
    });
    const chatty = await admin.createReturn({ campaignId: fbs });

    // The operator decided in the app while the Market stopped answering about returns; the decision stayed queued.
    const { services: app, settings, dataDir } = await servicesOn(sandbox);
    await app.session().sync.syncNow();
    const available = await app.session().outbox.available(stuck.id);
    await admin.setFaults({ type: 'drop', path: '/returns' });
    await app.session().outbox.submit({
      returnId: stuck.id,
      items: available.items.map((i) => ({ returnItemId: i.returnItemId, decisionType: available.decisions[0]!.decisionType })),
    });
    await app.close();
    // The Market's clock passes the deadline; the Market's notifications come to this computer.
    await admin.advanceClock(45 * MINUTE);
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({ ...settings.get(), pushReceiver: { enabled: true, port, path: '/notification', allInterfaces: false } }),
    );
    await admin.setPush(`http://127.0.0.1:${port}/notification`);

    const child = spawn(process.execPath, [join(root, 'main', 'cli.ts'), 'watch'], {
      cwd: root,
      env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (out += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await vi.waitFor(
        () =>
          expect(out, out).toMatch(
            new RegExp(`undeliveredExpired +Decision for return ${stuck.id} was not delivered in time — Order \\d+, return ${stuck.id}`),
          ),
        { timeout: 60_000, interval: 200 },
      );
      // The deadline's own expiry is not said for a return whose decision is queued.
      expect(out).not.toMatch(new RegExp(`expired +Decision time is up.*return ${stuck.id}`));
      // Once watch has taken stock of the chats, a buyer writes; the Market's notification makes it news at once.
      await vi.waitFor(async () => expect((await admin.stats()).byOperation.getChats ?? 0).toBeGreaterThan(0), { timeout: 60_000, interval: 200 });
      await admin.chatMessage(chatty.id, { message: 'Когда решение?' });
      await vi.waitFor(() => expect(out).toMatch(new RegExp(`chatMessage +New buyer message: return ${chatty.id}`)), { timeout: 30_000, interval: 200 });
    } finally {
      child.kill('SIGINT');
      await admin.setPush(null);
      await admin.clearFaults();
    }
    expect(await exited).toBe(0);
    expect(out).toContain('Stopped.');
  }, 150_000);
});
