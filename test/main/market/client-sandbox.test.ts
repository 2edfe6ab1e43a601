import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';

describe('MarketClient against the sandbox', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let client: MarketClient;
  let fbs: { id: number; businessId: number };

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 60 });
    admin = sandboxAdmin(sandbox.url);
    client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler(), retry: { baseDelayMs: 2, maxDelayMs: 5 } });
    const info = await admin.info();
    fbs = info.campaigns.find((c) => c.program === 'FBS' && info.businesses.find((b) => b.id === c.businessId)?.key === 'apiKey')!;
  });
  afterEach(async () => sandbox.close());

  it('asks what is allowed, submits a decision with the new method, and reads it back', async () => {
    const created = await admin.createReturn({ campaignId: fbs.id });
    const allowed = await client.getAvailableDecisions(fbs.businessId, fbs.id, created.id);
    expect(allowed.availableDecisions.length).toBeGreaterThan(0);
    const many = await client.getAvailableDecisionsMany(fbs.businessId, fbs.id, [created.id, created.id]);
    expect([...many.keys()]).toEqual([created.id]);
    const ret = await client.getReturn(fbs.id, created.orderId, created.id);
    const itemIds = ret.items.flatMap((i) => i.decisions ?? []).map((d) => d.returnItemId!);
    expect(itemIds.length).toBeGreaterThan(0);
    const type = allowed.availableDecisions.find((d) => d.decisionType === 'REFUND_MONEY') ? 'REFUND_MONEY' : allowed.availableDecisions[0]!.decisionType;
    await client.submitReturnDecision(
      fbs.id,
      created.orderId,
      created.id,
      itemIds.map((returnItemId) => ({ returnItemId, decisionType: type as 'REFUND_MONEY' })),
    );
    const received = await admin.received();
    expect(received.map((r) => r.operationId)).toContain('submitReturnDecision');
    expect(received.map((r) => r.operationId)).not.toContain('setReturnDecision');
    const after = await client.getReturn(fbs.id, created.orderId, created.id);
    expect(after.refundStatus).not.toBe('PREMODERATION_DECISION_WAITING');
  });

  it('a decision cut off mid-response is reported as unknown-outcome and sent once', async () => {
    const created = await admin.createReturn({ campaignId: fbs.id });
    const ret = await client.getReturn(fbs.id, created.orderId, created.id);
    const itemIds = ret.items.flatMap((i) => i.decisions ?? []).map((d) => d.returnItemId!);
    await admin.setFaults({ type: 'reset', path: '/decision/submit$', count: 1 });
    const error = await client
      .submitReturnDecision(
        fbs.id,
        created.orderId,
        created.id,
        itemIds.map((returnItemId) => ({ returnItemId, decisionType: 'REFUND_MONEY' as const })),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unknown-outcome', method: 'submitReturnDecision' });
    const submits = (await admin.received()).filter((r) => r.operationId === 'submitReturnDecision');
    expect(submits).toHaveLength(1);
  });

  it('downloads photos (with their content type) and the application PDF', async () => {
    const created = await admin.createReturn({ campaignId: fbs.id, items: [{ images: [{ format: 'png', width: 40, height: 30 }, { format: 'jpeg' }] }] });
    const ret = await client.getReturn(fbs.id, created.orderId, created.id);
    const decision = ret.items[0]!.decisions![0]!;
    const photos = await Promise.all(decision.images!.map((hash) => client.getReturnPhoto(fbs.id, created.orderId, created.id, decision.returnItemId!, hash)));
    expect(photos.map((p) => p.contentType).sort()).toEqual(['image/jpeg', 'image/png']);
    const png = photos.find((p) => p.contentType === 'image/png')!;
    expect(png.data.subarray(1, 4).toString()).toBe('PNG');
    const pdf = await client.getReturnApplication(fbs.id, created.orderId, created.id);
    expect(pdf.contentType).toBe('application/pdf');
    expect(pdf.data.subarray(0, 5).toString()).toBe('%PDF-');
    await expect(client.getReturnPhoto(fbs.id, created.orderId, created.id, decision.returnItemId!, 'nope')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reads orders, chats, offer mappings and the united returns report', async () => {
    const created = await admin.createReturn({ campaignId: fbs.id });
    const orders = await client.getBusinessOrders(fbs.businessId, { orderIds: [created.orderId], campaignIds: [fbs.id] });
    expect(orders.orders.map((o) => o.orderId)).toEqual([created.orderId]);
    expect(orders.skipped).toEqual([]);
    const chatId = await client.createChat(fbs.businessId, { type: 'RETURN', id: created.id });
    await client.sendChatMessage(fbs.businessId, chatId, 'Здравствуйте! Пришлите, пожалуйста, фото упаковки.');
    const history = await client.getChatHistory(fbs.businessId, chatId);
    expect(history.messages.some((m) => m.message?.includes('фото упаковки'))).toBe(true);
    const chats = await client.listChats(fbs.businessId, { contexts: [{ type: 'RETURN', id: created.id }] });
    expect(chats.chats.map((c) => c.chatId)).toContain(chatId);
    const offerIds = [...new Set(orders.orders[0]!.items.map((i) => i.offerId))];
    const mappings = await client.getOfferMappings(fbs.businessId, offerIds);
    expect(mappings.offerMappings.length).toBeGreaterThan(0);
    const today = (await admin.clock()).now.slice(0, 10);
    const report = await client.generateReturnsReport({ businessId: fbs.businessId, dateFrom: today, dateTo: today, campaignIds: [fbs.id] });
    expect(report.reportId).toBeTruthy();
    let info = await client.getReportInfo(report.reportId);
    for (let i = 0; i < 50 && info.status !== 'DONE' && info.status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      info = await client.getReportInfo(report.reportId);
    }
    expect(info.status).toBe('DONE');
    const file = await client.downloadReport(info.file!);
    expect(file.data.length).toBeGreaterThan(0);
  });
});
