import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackNotifier, type AlertNotification } from '../../../main/alerts/index.ts';
import type { Services } from '../../../main/services.ts';
import { sandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { servicesOn } from '../../helpers/sandbox-services.ts';

let sandbox: RunningSandbox;
let services: Services;
const shown: AlertNotification[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, returns: 40, quiet: true });
  ({ services } = await servicesOn(sandbox, { notifier: createCallbackNotifier((n) => shown.push(n)) }));
});
afterAll(async () => {
  await services.close();
  await sandbox.close();
});

describe('alerts against the sandbox clock', () => {
  it('alerts a return whose deadline is near, then sees the Market confirm it on its own once the clock passes it', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const { now } = await admin.clock();
    const created = await admin.createReturn({
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - 47.5 * 3_600_000).toISOString(),
    });
    await services.session().sync.syncNow();
    expect(services.store.getReturn(created.id)?.awaitingDecision).toBe(true);

    await services.alerts.tick();
    const deadline = shown.find((n) => n.kind === 'deadline' && n.returnIds.includes(created.id));
    expect(deadline, JSON.stringify(shown.map((n) => [n.kind, n.title]))).toBeDefined();
    expect(deadline!.urgency).toBe('critical');
    expect(deadline!.title).toMatch(/need(s)? a decision within/);
    // Grouped with others, the most urgent is named: ours, with 30 minutes left.
    expect(deadline!.body).toContain(String(created.id));
    // A second tick, or a re-sync, never alerts the same threshold again.
    const before = shown.length;
    await services.session().sync.syncNow();
    await services.alerts.tick();
    expect(shown.slice(before).filter((n) => n.returnIds.includes(created.id) && n.kind === 'deadline')).toHaveLength(0);

    await admin.advanceClock(2 * 3_600_000);
    await services.session().sync.syncNow();
    const after = services.store.getReturn(created.id);
    expect(after?.awaitingDecision).toBe(false);
    expect(['PREMODERATION_SELECT_DELIVERY', 'REFUND_IN_PROGRESS']).toContain(after?.refundStatus);
    expect(services.status().awaitingDecision).toBeLessThan(services.store.alertCandidates().length + 1);
  });
});
