import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evidenceWorld, type EvidenceWorld } from '../photos/fixtures.ts';

describe('evidence pack and application PDF against the sandbox', () => {
  let world: EvidenceWorld;
  beforeEach(async () => {
    world = await evidenceWorld({ returns: 20 });
  });
  afterEach(async () => {
    await world.close();
  });

  async function disputedReturn(): Promise<number> {
    const info = await world.admin.info();
    const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
    const campaign = info.campaigns.find((c) => mine.includes(c.businessId) && c.program !== 'DBS')!;
    const created = await world.admin.createReturn({ campaignId: campaign.id, type: 'RETURN', items: [{ photos: 2, images: [{ format: 'jpeg', width: 400, height: 300 }, { format: 'png', width: 300, height: 200 }] }] });
    await world.admin.setReturnStatus(created.id, 'PREMODERATION_DECISION_MADE', { force: true });
    await world.admin.openDispute(created.id);
    await world.sync();
    return created.id;
  }

  it('caches the application PDF and reports a non-purchase has none', async () => {
    const returnId = await disputedReturn();
    const application = await world.evidence.application(returnId);
    expect(application).toMatchObject({ state: 'cached', fileName: `return-application-${returnId}.pdf` });
    expect(application.file!.mime).toBe('application/pdf');
    expect((await world.evidence.applicationBytes(returnId)).subarray(0, 5).toString()).toBe('%PDF-');
    const unredeemed = await world.admin.createReturn({ type: 'UNREDEEMED' });
    await world.sync();
    expect((await world.evidence.application(unredeemed.id)).state).toBe('none');
  });

  it('writes application, photos, chat transcripts and decision history into one folder', async () => {
    const returnId = await disputedReturn();
    const pack = await world.evidence.savePack(returnId, 'dataDir');
    expect(pack.saved).toBe(true);
    expect(pack.folder!.startsWith(join(world.dir, 'evidence', `${returnId}-`))).toBe(true);
    const names = pack.files.map((f) => f.name).sort();
    expect(names).toEqual(expect.arrayContaining(['application.pdf', 'decision-history.json', 'decision-history.txt', 'return.json', 'manifest.json']));
    expect(names.filter((n) => n.startsWith('photos/'))).toHaveLength(2);
    const chatFile = names.find((n) => n.startsWith('chat-') && n.endsWith('-arbitrage.txt'));
    expect(chatFile).toBeDefined();
    expect(readFileSync(join(pack.folder!, chatFile!), 'utf8')).toContain('MARKET:');
    expect(readFileSync(join(pack.folder!, 'application.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readdirSync(join(pack.folder!, 'photos')).sort()).toEqual([expect.stringMatching(/\.jpg$/), expect.stringMatching(/\.png$/)]);
    const manifest = JSON.parse(readFileSync(join(pack.folder!, 'manifest.json'), 'utf8')) as { files: Array<{ name: string; sha256?: string }> };
    expect(manifest.files.find((f) => f.name === 'application.pdf')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.missing).toEqual([]);
  });

  it('saves what is cached when the Market cannot be reached, and names what is missing', async () => {
    const returnId = await disputedReturn();
    await world.evidence.application(returnId);
    await world.admin.setFaults({ type: 'drop' });
    const pack = await world.evidence.savePack(returnId, 'dataDir');
    expect(existsSync(join(pack.folder!, 'application.pdf'))).toBe(true);
    expect(pack.missing.some((m) => m.startsWith('photo'))).toBe(true);
    expect(pack.missing.some((m) => m.startsWith('chats:'))).toBe(true);
  });

  it('refuses the native dialog destination where there are no dialogs', async () => {
    const returnId = await disputedReturn();
    await expect(world.evidence.savePack(returnId, 'choose')).rejects.toMatchObject({ bridgeCode: 'CONFLICT' });
  });
});
