import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evidenceWorld, type EvidenceWorld } from '../photos/fixtures.ts';

describe('chats about returns against the sandbox', () => {
  let world: EvidenceWorld;
  beforeEach(async () => {
    world = await evidenceWorld({ returns: 20 });
  });
  afterEach(async () => {
    await world.close();
  });

  async function fbsReturn(photos = 1): Promise<{ returnId: number; itemId: number; imageHash: string }> {
    const info = await world.admin.info();
    const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
    const campaign = info.campaigns.find((c) => mine.includes(c.businessId) && c.program !== 'DBS')!;
    const created = await world.admin.createReturn({
      campaignId: campaign.id,
      type: 'RETURN',
      items: [{ photos, images: [{ format: 'jpeg', width: 400, height: 300 }] }],
    });
    await world.sync();
    const photo = world.store.returnDetail(created.id)!.items[0]!.photos[0]!;
    return { returnId: created.id, itemId: photo.returnItemId!, imageHash: photo.imageHash };
  }

  it('opens the chat about a return once, sends a message and a photo, and reads them back', async () => {
    const { returnId, itemId, imageHash } = await fbsReturn();
    expect((await world.evidence.chats.forReturn(returnId)).chats).toEqual([]);
    const chat = await world.evidence.chats.open(returnId);
    expect(chat.type).toBe('CHAT');
    expect((await world.evidence.chats.open(returnId)).chatId).toBe(chat.chatId);

    const afterText = await world.evidence.chats.send(returnId, chat.chatId, 'Здравствуйте! Пришлите, пожалуйста, фото упаковки.');
    expect(afterText.at(-1)).toMatchObject({ sender: 'PARTNER', text: 'Здравствуйте! Пришлите, пожалуйста, фото упаковки.' });

    const photo = await world.evidence.photos.ensurePhoto(returnId, itemId, imageHash, 'interactive', 'none');
    const afterFile = await world.evidence.chats.sendFile(returnId, chat.chatId, {
      name: 'photo.jpg',
      mime: 'image/jpeg',
      data: world.evidence.photos.read(photo.file!),
    });
    expect(afterFile.at(-1)!.files).toEqual([{ name: 'photo.jpg', size: photo.file!.size }]);
    // The sandbox received the file itself, byte for byte.
    const raw = (await (
      await fetch(
        `${world.sandbox.url}/v2/businesses/${world.store.getCampaign(world.store.getReturn(returnId)!.campaignId)!.businessId}/chats/history?chatId=${chat.chatId}`,
        {
          method: 'POST',
          headers: { 'Api-Key': world.sandbox.apiKey, 'Content-Type': 'application/json' },
          body: '{}',
        },
      )
    ).json()) as { result: { messages: Array<{ payload?: Array<{ url: string; size: number }> }> } };
    const url = raw.result.messages.at(-1)!.payload![0]!.url;
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(served.equals(world.evidence.photos.read(photo.file!))).toBe(true);
  });

  it('refuses a chat id that is not about the return', async () => {
    const a = await fbsReturn();
    const b = await fbsReturn();
    const chatA = await world.evidence.chats.open(a.returnId);
    await expect(world.evidence.chats.history(b.returnId, chatA.chatId)).rejects.toMatchObject({ bridgeCode: 'NOT_FOUND' });
  });

  it('lists the arbitrage chat of a dispute first', async () => {
    const { returnId } = await fbsReturn();
    await world.evidence.chats.open(returnId);
    await world.admin.setReturnStatus(returnId, 'PREMODERATION_DECISION_MADE', { force: true });
    await world.admin.openDispute(returnId);
    await world.sync();
    const { chats } = await world.evidence.chats.forReturn(returnId);
    expect(chats.map((c) => c.type)).toEqual(['ARBITRAGE', 'CHAT']);
    const disputes = await world.evidence.disputes();
    const mine = disputes.find((d) => d.row.returnId === returnId);
    expect(mine?.arbitrageChat?.type).toBe('ARBITRAGE');
    const history = await world.evidence.chats.history(returnId, mine!.arbitrageChat!.chatId);
    expect(history[0]).toMatchObject({ sender: 'MARKET' });
  });

  it('says chats are not available for DBS returns', async () => {
    const info = await world.admin.info();
    const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
    const dbs = info.campaigns.find((c) => mine.includes(c.businessId) && c.program === 'DBS');
    if (!dbs) return;
    const created = await world.admin.createReturn({ campaignId: dbs.id, type: 'RETURN' });
    await world.sync();
    expect(await world.evidence.chats.forReturn(created.id)).toMatchObject({ supported: false, chats: [] });
    await expect(world.evidence.chats.open(created.id)).rejects.toMatchObject({ bridgeCode: 'CONFLICT' });
  });
});
