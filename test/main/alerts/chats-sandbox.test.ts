// Disputes and buyer messages at the Market reach the operator within one poll (real sandbox, real services).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackNotifier, type AlertNotification } from '../../../main/alerts/index.ts';
import type { Services } from '../../../main/services.ts';
import { sandboxAdmin, type AdminReturn, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { servicesOn } from '../../helpers/sandbox-services.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let services: Services;
let fbs: number;
const shown: AlertNotification[] = [];
/** A return whose buyer wrote before the app ever looked at its chats. */
let before: AdminReturn;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 8, returns: 30, quiet: true });
  admin = sandboxAdmin(sandbox.url);
  const info = await admin.info();
  const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
  fbs = info.campaigns.find((c) => c.program === 'FBS' && mine.has(c.businessId))!.id;
  before = await admin.createReturn({ campaignId: fbs });
  await admin.chatMessage(before.id, { message: 'Старое сообщение' });
  ({ services } = await servicesOn(sandbox, { notifier: createCallbackNotifier((n) => shown.push(n)) }));
  await services.session().sync.syncNow();
  await services.chats.idle();
  await services.alerts.tick();
});
afterAll(async () => {
  await services.close();
  await sandbox.close();
});

/** One fast poll of the store, as the timer runs it, then whatever it set off. */
async function onePoll(): Promise<AlertNotification[]> {
  const from = shown.length;
  await services.session().sync.syncCampaign(fbs, 'fast');
  await services.chats.idle();
  await services.alerts.tick();
  return shown.slice(from);
}

const about = (id: number) => (n: AlertNotification) => n.returnIds.includes(id);

describe('an arbitrage started at the Market', () => {
  it('refreshes the return and raises an alert within one poll, and says when it finished', async () => {
    const r = await admin.createReturn({ campaignId: fbs });
    // RefundStatusType: "`PREMODERATION_DECISION_MADE` — по возврату принято решение (FBY, FBS и Экспресс)."
    await admin.setReturnStatus(r.id, 'PREMODERATION_DECISION_MADE');
    await services.session().sync.syncNow();
    await services.chats.idle();
    await services.alerts.tick();
    expect(services.store.getReturn(r.id)?.refundStatus).toBe('PREMODERATION_DECISION_MADE');

    // returns.md: after a dispute opens "The refund status will change to `PREMODERATION_DISPUTE`" and
    // "A chat with the referee will appear"; the push says CHAT_ARBITRAGE_STARTED ("a dispute began").
    await admin.openDispute(r.id);
    const alerts = await onePoll();
    // RefundStatusType: "`PREMODERATION_DISPUTE` — по возврату открыт спор (FBY, FBS и Экспресс)."
    expect(services.store.getReturn(r.id)?.refundStatus).toBe('PREMODERATION_DISPUTE');
    expect(services.store.inboxPage({ inDispute: true }, { limit: 500 }).rows.map((row) => row.id)).toContain(r.id);
    expect(alerts.filter(about(r.id)).map((n) => [n.kind, n.title])).toEqual([['dispute', 'Dispute opened: 1 return']]);
    // Never twice: another poll says nothing more about it.
    expect((await onePoll()).filter(about(r.id))).toEqual([]);

    // ChatStatusType: "`FINISHED` — чат завершен."; the push says CHAT_ARBITRAGE_FINISHED ("the dispute is over").
    await admin.finishDispute(r.id, 'REJECTED');
    const finished = await onePoll();
    expect(finished.filter(about(r.id)).map((n) => [n.kind, n.title, n.target])).toEqual([
      ['disputeFinished', 'Dispute finished: 1 return', { returnId: r.id }],
    ]);
    // RefundStatusType: "`REJECTED` — возврат отклонен модерацией или в ПВЗ."; the status model: "Arbitrator rejected the return".
    expect(services.store.getReturn(r.id)?.refundStatus).toBe('REJECTED');
    expect((await onePoll()).filter(about(r.id))).toEqual([]);
  });
});

describe('buyer messages', () => {
  it('a message written before the app looked is not news; each new one is, once, grouped across returns', async () => {
    expect(shown.filter((n) => n.kind === 'chatMessage')).toEqual([]);
    const a = await admin.createReturn({ campaignId: fbs });
    const b = await admin.createReturn({ campaignId: fbs });
    await services.session().sync.syncNow();
    await services.chats.idle();
    await services.alerts.tick();
    // ChatMessageSenderType: "`CUSTOMER` — покупатель."
    await admin.chatMessage(a.id, { message: 'Где деньги?' });
    await admin.chatMessage(b.id, { message: 'Пришлите фото' });
    await admin.chatMessage(before.id, { message: 'Ответьте, пожалуйста' });
    const first = (await onePoll()).filter((n) => n.kind === 'chatMessage');
    expect(first).toHaveLength(1);
    expect(first[0]!.title).toBe('New buyer messages: 3 returns');
    expect([...first[0]!.returnIds].sort()).toEqual([a.id, b.id, before.id].sort());
    expect((await onePoll()).filter((n) => n.kind === 'chatMessage')).toEqual([]);
    // ChatMessageSenderType: "`MARKET` — Маркет (автоматическое сообщение)": not the buyer, not news.
    await admin.chatMessage(a.id, { sender: 'MARKET', message: 'Напоминание' });
    expect((await onePoll()).filter((n) => n.kind === 'chatMessage')).toEqual([]);
    await admin.chatMessage(a.id, { message: 'Ещё вопрос' });
    expect((await onePoll()).filter((n) => n.kind === 'chatMessage').map((n) => [n.title, n.target])).toEqual([
      [`New buyer message: return ${a.id}`, { returnId: a.id }],
    ]);
  });

  it('a Market that fails while the chats are read loses nothing: the next poll brings the message', async () => {
    const c = await admin.createReturn({ campaignId: fbs });
    await services.session().sync.syncNow();
    await services.chats.idle();
    // The new return's own alert first (a sync's changes are looked at within CHANGE_TICK_GAP_MS, not always at once).
    await services.alerts.tick();
    await admin.chatMessage(c.id, { message: 'Алло?' });
    await admin.setFaults({ type: 'error5xx', path: '/chats', status: 503 });
    expect((await onePoll()).filter(about(c.id))).toEqual([]);
    await admin.clearFaults();
    expect((await onePoll()).filter(about(c.id)).map((n) => n.kind)).toEqual(['chatMessage']);
  });
});
