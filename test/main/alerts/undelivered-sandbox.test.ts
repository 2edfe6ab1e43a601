// A skewed workstation clock and a decision stuck offline near its deadline, against the real sandbox.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCallbackNotifier, type AlertNotification } from '../../../main/alerts/index.ts';
import type { Clock } from '../../../main/market/scheduler.ts';
import type { Services } from '../../../main/services.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { servicesOn } from '../../helpers/sandbox-services.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let services: Services;
const shown: AlertNotification[] = [];
/** The workstation's clock runs 2 h 10 min behind the Market's; tests move it on. */
const workstation = {
  shift: -(2 * HOUR + 10 * MINUTE),
  now(): number {
    return Date.now() + this.shift;
  },
};
const clock: Clock = {
  now: () => workstation.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 21, returns: 20, quiet: true });
  admin = sandboxAdmin(sandbox.url);
  ({ services } = await servicesOn(sandbox, { clock, notifier: createCallbackNotifier((n) => shown.push(n)) }));
});
afterAll(async () => {
  await services.close();
  await sandbox.close().catch(() => undefined);
});

describe('the deadline is never silent', () => {
  it('counts the deadline in the Market’s time, then escalates a decision stuck offline at the last threshold and at expiry, each once', async () => {
    const info = await admin.info();
    const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
    const fbs = info.campaigns.find((c) => c.program === 'FBS' && mine.has(c.businessId))!;
    const { now } = await admin.clock();
    // ReturnDTO.creationDate: "Дата создания невыкупа или возврата." The guide (returns.md): submit the decision
    // "within 48 hours after creating the application". This one has 70 minutes left by the Market's clock;
    // RefundStatusType: "`PREMODERATION_DECISION_WAITING` — ожидает решения (FBY, FBS и Экспресс)."
    const created = await admin.createReturn({
      campaignId: fbs.id,
      type: 'RETURN',
      status: 'PREMODERATION_DECISION_WAITING',
      createdAt: new Date(Date.parse(now) - 48 * HOUR + 70 * MINUTE).toISOString(),
    });
    await services.session().sync.syncNow();
    expect(services.status().marketClock.large).toBe(true);
    expect(Math.abs(services.status().marketClock.offsetMs - (2 * HOUR + 10 * MINUTE))).toBeLessThan(2_000);

    await services.alerts.tick();
    const first = shown.filter((n) => n.returnIds.includes(created.id));
    // On the workstation's own clock 3 h 20 min would be left and only the 6 h threshold crossed; on the Market's, 1 h 10 min.
    expect(first.map((n) => n.kind)).toEqual(['deadline']);
    expect(first[0]!.body).toMatch(new RegExp(`return ${created.id}.* — 1 h (9|10) min left`));

    // The operator decides; the Market then cannot be reached at all, and the outbox keeps it queued.
    const available = await services.session().outbox.available(created.id);
    const type = ['REFUND_MONEY', 'FAST_REFUND_MONEY', 'REPLACE', 'SEND_TO_EXAMINATION'].find((t) => available.decisions.some((d) => d.decisionType === t))!;
    await sandbox.close();
    const entry = await services
      .session()
      .outbox.submit({ returnId: created.id, items: available.items.map((i) => ({ returnItemId: i.returnItemId, decisionType: type })) });
    services.session().outbox.start();
    // Whether the lost connection looked like "not sent" or "answer lost", the outbox keeps the decision and the Market is offline.
    await vi.waitFor(() => expect(services.session().outbox.get(entry.id)?.attempts).toBeGreaterThan(0), { timeout: 10_000 });
    expect(['queued', 'sending']).toContain(services.session().outbox.get(entry.id)?.state);
    await vi.waitFor(() => expect(services.status().online).toBe(false), { timeout: 10_000 });

    const marks = (): AlertNotification[] => shown.filter((n) => n.returnIds.includes(created.id)).slice(1);
    // 61 minutes left, eight minutes queued: the 6 h threshold was the deadline alert's; nothing new yet.
    workstation.shift += 8 * MINUTE;
    await services.alerts.tick();
    expect(marks()).toEqual([]);
    // Past the last threshold, still not delivered: escalated, with the reason.
    workstation.shift += 3 * MINUTE;
    await services.alerts.tick();
    expect(marks().map((n) => [n.kind, n.urgency])).toEqual([['undelivered', 'critical']]);
    expect(marks()[0]!.title).toMatch(new RegExp(`^Decision for return ${created.id} not yet delivered — (58|57) min left, the Market is unreachable$`));
    expect(services.alerts.counts().undeliveredCount).toBe(1);
    // Never repeated: more ticks, and half an hour more, say nothing.
    await services.alerts.tick();
    workstation.shift += 30 * MINUTE;
    await services.alerts.tick();
    expect(marks()).toHaveLength(1);
    // The clock passes the deadline with the decision still queued.
    workstation.shift += 30 * MINUTE;
    await services.alerts.tick();
    await services.alerts.tick();
    expect(marks().map((n) => [n.kind, n.urgency])).toEqual([
      ['undelivered', 'critical'],
      ['undeliveredExpired', 'critical'],
    ]);
    expect(marks()[1]!.title).toBe(`Decision for return ${created.id} was not delivered in time`);
    // No deadline alert in its own words once the decision was queued.
    expect(shown.filter((n) => n.returnIds.includes(created.id) && (n.kind === 'deadline' || n.kind === 'expired'))).toHaveLength(1);
    expect(services.status().outbox.queued + services.status().outbox.sending).toBe(1);
  });
});
