import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerMedia } from '../../../main/evidence/media-server.ts';
import { evidenceWorld, type EvidenceWorld } from '../photos/fixtures.ts';

/** Reads a ZIP back from its central directory (APPNOTE 6.3), checking every entry's CRC-32: not the writer's code. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const packed = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extra = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + packed);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect(crc32(data) >>> 0, name).toBe(crc);
    out.set(name, data);
    at += 46 + nameLength + extra;
  }
  return out;
}

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
    const created = await world.admin.createReturn({
      campaignId: campaign.id,
      type: 'RETURN',
      items: [
        {
          photos: 2,
          images: [
            { format: 'jpeg', width: 400, height: 300 },
            { format: 'png', width: 300, height: 200 },
          ],
        },
      ],
    });
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
    expect(readFileSync(join(pack.folder!, chatFile!), 'utf8')).toContain('Market:'); // ChatMessageSenderType MARKET, in words
    expect(readFileSync(join(pack.folder!, 'application.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readdirSync(join(pack.folder!, 'photos')).sort()).toEqual([expect.stringMatching(/\.jpg$/), expect.stringMatching(/\.png$/)]);
    const manifest = JSON.parse(readFileSync(join(pack.folder!, 'manifest.json'), 'utf8')) as { files: Array<{ name: string; sha256?: string }> };
    expect(manifest.files.find((f) => f.name === 'application.pdf')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pack.missing).toEqual([]);
  });

  it('in web mode, packs the folder as one ZIP offered for download through the authenticated media route', async () => {
    const returnId = await disputedReturn();
    const pack = await world.evidence.savePack(returnId, 'dataDir');
    expect(pack.downloadUrl).toMatch(/^media\/download\/[0-9a-f]{32}\?k=/);
    const zipPath = `${pack.folder!}.zip`;
    const entries = unzip(readFileSync(zipPath));
    const root = pack.folder!.split('/').at(-1)!;
    // Every file of the folder is in the archive, byte for byte, under the pack's folder name.
    for (const file of pack.files) expect(entries.get(`${root}/${file.name}`)?.equals(readFileSync(join(pack.folder!, file.name))), file.name).toBe(true);
    expect(entries.size).toBe(pack.files.length);
    // Served only with this launch's token, only for an id main handed out.
    const url = new URL(pack.downloadUrl!, 'http://127.0.0.1/');
    const answer = answerMedia(world.evidence.media, world.evidence.token, url.pathname, url.searchParams, world.evidence.downloads);
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Disposition']).toContain(`${root}.zip`);
    expect(answer.headers['Content-Type']).toBe('application/zip');
    expect(answer.status === 200 && answer.path).toBe(zipPath);
    expect(answerMedia(world.evidence.media, 'another-launch', url.pathname, url.searchParams, world.evidence.downloads).status).toBe(403);
    expect(
      answerMedia(world.evidence.media, world.evidence.token, '/media/download/' + '0'.repeat(32), url.searchParams, world.evidence.downloads).status,
    ).toBe(404);
    expect(
      answerMedia(world.evidence.media, world.evidence.token, '/media/download/..%2F..%2Fetc%2Fpasswd', url.searchParams, world.evidence.downloads).status,
    ).toBe(400);
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

describe('the evidence pack in Russian', () => {
  it('writes its texts in the operator language: readme, chat transcript, decision history, Moscow times', async () => {
    const world = await evidenceWorld({ returns: 20, locale: 'ru' });
    try {
      const info = await world.admin.info();
      const mine = info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id);
      const campaign = info.campaigns.find((c) => mine.includes(c.businessId) && c.program !== 'DBS')!;
      const created = await world.admin.createReturn({ campaignId: campaign.id, type: 'RETURN', items: [{ photos: 1 }] });
      await world.admin.setReturnStatus(created.id, 'PREMODERATION_DECISION_MADE', { force: true });
      await world.admin.openDispute(created.id);
      await world.sync();
      const pack = await world.evidence.savePack(created.id, 'dataDir');
      const read = (name: string) => readFileSync(join(pack.folder!, name), 'utf8');
      expect(read('ПРОЧТИТЕ.txt')).toContain(`Пакет доказательств по возврату ${created.id}`);
      expect(read('decision-history.txt')).toContain(`История решений по возврату ${created.id}`);
      const chat = pack.files.map((f) => f.name).find((n) => n.endsWith('-arbitrage.txt'))!;
      // ChatType ARBITRAGE "спор", ChatStatusType WAITING_FOR_ARBITER "нужен ответ арбитра": words, and Moscow time.
      expect(read(chat)).toMatch(/^Спор №\d+ по возврату \d+, заказ \d+ \(Ждёт ответа арбитра\)/);
      expect(read(chat)).toMatch(/\[\d{1,2} [а-я]+\.? \d{4}, \d{2}:\d{2} МСК\] Маркет: /);
      expect(read(chat)).not.toMatch(/ARBITRAGE|WAITING_FOR|MARKET:/);
    } finally {
      await world.close();
    }
  });
});
