/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { harness, type Harness } from './helpers.ts';

let h: Harness;
let fbs: number;
let biz: number;

beforeAll(async () => {
  h = await harness({ returns: 120, seed: 5 });
  fbs = h.info.campaigns.find((c) => c.program === 'FBS')!.id;
  biz = h.info.campaigns.find((c) => c.program === 'FBS')!.businessId;
});
afterAll(() => h.sb.close());

function jpegSize(buf: Buffer): { w: number; h: number } {
  let i = 2;
  while (i < buf.length) {
    const marker = buf[i + 1]!;
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { h: buf.readUInt16BE(i + 5), w: buf.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF');
}

describe('photos', () => {
  it('serves JPEG and PNG with the right Content-Type; 404 for a hash of another item', async () => {
    const r = await h.admin.createReturn({
      campaignId: fbs,
      items: [
        {
          images: [
            { format: 'jpeg', width: 640, height: 480 },
            { format: 'png', width: 320, height: 200 },
          ],
        },
      ],
    });
    const d = r.items[0]!.decisions![0]!;
    const base = `/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/${d.returnItemId}/image`;
    const j = await h.api(`${base}/${d.images![0]}`);
    expect(j.headers.get('content-type')).toBe('image/jpeg');
    const jb = Buffer.from(await j.arrayBuffer());
    const decoded = jpeg.decode(jb, { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([640, 480]);
    const p = await h.api(`${base}/${d.images![1]}`);
    expect(p.headers.get('content-type')).toBe('image/png');
    const pb = Buffer.from(await p.arrayBuffer());
    expect(pb.subarray(1, 4).toString()).toBe('PNG');
    expect([pb.readUInt32BE(16), pb.readUInt32BE(20)]).toEqual([320, 200]);
    const idat = pb.indexOf('IDAT');
    const len = pb.readUInt32BE(idat - 4);
    expect(inflateSync(pb.subarray(idat + 4, idat + 4 + len)).length).toBe((320 * 3 + 1) * 200);
    expect((await h.api(`${base}/ffffffffffffffffffffffffffffffff`)).status).toBe(404);
    expect((await h.api(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/1/image/${d.images![0]}`)).status).toBe(404);
  });
  it('demo data holds a 12-megapixel JPEG of several megabytes', async () => {
    const rets: any[] = [];
    let token = '';
    do {
      const { body } = await h.json(`/v2/campaigns/${fbs}/returns?limit=100&statuses=PREMODERATION_DECISION_WAITING${token ? `&page_token=${token}` : ''}`);
      rets.push(...body.result.returns);
      token = body.result.paging?.nextPageToken ?? '';
    } while (token);
    const withEight = rets.filter((r) => r.items.some((i: any) => i.decisions?.[0]?.images?.length === 8));
    let found = false;
    for (const r of withEight) {
      const item = r.items.find((i: any) => i.decisions?.[0]?.images?.length === 8);
      const d = item.decisions[0];
      const res = await h.api(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/decision/${d.returnItemId}/image/${d.images[0]}`);
      const buf = Buffer.from(await res.arrayBuffer());
      if (res.headers.get('content-type') === 'image/jpeg' && jpegSize(buf).w === 4000) {
        expect(jpegSize(buf)).toEqual({ w: 4000, h: 3000 });
        expect(buf.length).toBeGreaterThan(2 * 1024 * 1024);
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
  });
});

describe('application PDF', () => {
  it('is a PDF whose text holds the order id; 404 for a non-purchase', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    const res = await h.api(`/v2/campaigns/${fbs}/orders/${r.orderId}/returns/${r.id}/application`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain(`(Order: ${r.orderId})`);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const u = await h.admin.createReturn({ campaignId: fbs, type: 'UNREDEEMED' });
    expect((await h.api(`/v2/campaigns/${fbs}/orders/${u.orderId}/returns/${u.id}/application`)).status).toBe(404);
  });
});

describe('chats', () => {
  it('creates a chat for a return and an order, sends a message and a file, reads history', async () => {
    const r = await h.admin.createReturn({ campaignId: fbs });
    const c1 = await h.json(`/v2/businesses/${biz}/chats/new`, { method: 'POST', body: JSON.stringify({ context: { type: 'RETURN', id: r.id } }) });
    expect(c1.status).toBe(200);
    const chatId = c1.body.result.chatId;
    const c2 = await h.json(`/v2/businesses/${biz}/chats/new`, { method: 'POST', body: JSON.stringify({ context: { type: 'ORDER', id: r.orderId } }) });
    expect(c2.body.result.chatId).not.toBe(chatId);
    expect(
      (
        await h.json(`/v2/businesses/${biz}/chats/message?chatId=${chatId}`, {
          method: 'POST',
          body: JSON.stringify({ message: 'Здравствуйте! Пришлите, пожалуйста, фото упаковки.' }),
        })
      ).status,
    ).toBe(200);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('hello file')], { type: 'text/plain' }), 'note.txt');
    const sent = await h.api(`/v2/businesses/${biz}/chats/file/send?chatId=${chatId}`, { method: 'POST', body: form });
    expect(sent.status).toBe(200);
    const hist = await h.json(`/v2/businesses/${biz}/chats/history?chatId=${chatId}`, { method: 'POST', body: '{}' });
    expect(hist.body.result.context).toMatchObject({ type: 'RETURN', returnId: r.id });
    const msgs = hist.body.result.messages;
    expect(msgs[0].message).toContain('фото упаковки');
    const file = await fetch(msgs[1].payload[0].url);
    expect(await file.text()).toBe('hello file');
    const one = await h.json(`/v2/businesses/${biz}/chats/message?chatId=${chatId}&messageId=${msgs[0].messageId}`);
    expect(one.body.result.sender).toBe('PARTNER');
    const chat = await h.json(`/v2/businesses/${biz}/chat?chatId=${chatId}`);
    expect(chat.body.result.status).toBe('WAITING_FOR_CUSTOMER');
    const list = await h.json(`/v2/businesses/${biz}/chats`, { method: 'POST', body: JSON.stringify({ contexts: [{ type: 'RETURN', id: r.id }] }) });
    expect(list.body.result.chats.map((c: any) => c.chatId)).toEqual([chatId]);
  });
  it('400 on bad chat input', async () => {
    expect((await h.json(`/v2/businesses/${biz}/chats/new`, { method: 'POST', body: JSON.stringify({ context: { type: 'DIRECT', id: 1 } }) })).status).toBe(
      400,
    );
    expect((await h.json(`/v2/businesses/${biz}/chats`, { method: 'POST', body: JSON.stringify({ types: ['FIGHT'] }) })).status).toBe(400);
    expect((await h.json(`/v2/businesses/${biz}/chats?limit=21`, { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await h.json(`/v2/businesses/${biz}/chats/message?chatId=1`, { method: 'POST', body: JSON.stringify({ message: '' }) })).status).toBe(404);
    expect((await h.json(`/v2/businesses/${biz}/chats/history`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});

describe('reports', () => {
  it('PENDING → PROCESSING → DONE with a downloadable CSV; fail-next gives FAILED; the budget is 1 per 2 minutes', async () => {
    const gen = await h.json('/v2/reports/united-returns/generate?format=CSV', {
      method: 'POST',
      body: JSON.stringify({ businessId: biz, dateFrom: '2000-01-01', dateTo: '2100-01-01' }),
    });
    expect(gen.status).toBe(200);
    const id = gen.body.result.reportId;
    const statuses: string[] = [];
    let file = '';
    for (let i = 0; i < 3; i++) {
      const info = await h.json(`/v2/reports/info/${id}`);
      statuses.push(info.body.result.status);
      file = info.body.result.file ?? '';
    }
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'DONE']);
    const csv = await (await fetch(file)).text();
    expect(csv.split('\r\n')[0]).toContain('returnId');
    expect(csv.split('\r\n').length).toBeGreaterThan(50);
    expect(
      (
        await h.json('/v2/reports/united-returns/generate', {
          method: 'POST',
          body: JSON.stringify({ businessId: biz, dateFrom: '2000-01-01', dateTo: '2100-01-01' }),
        })
      ).status,
    ).toBe(420);
    await h.admin.advanceClock(2 * 60_000);
    await h.admin.failNextReport();
    const gen2 = await h.json('/v2/reports/united-returns/generate', {
      method: 'POST',
      body: JSON.stringify({ businessId: biz, dateFrom: '2000-01-01', dateTo: '2100-01-01' }),
    });
    await h.admin.advanceClock(10_000);
    expect((await h.json(`/v2/reports/info/${gen2.body.result.reportId}`)).body.result.status).toBe('FAILED');
    expect((await h.json('/v2/reports/info/nope')).status).toBe(404);
  });
  it('400 on a bad report request', async () => {
    await h.admin.advanceClock(2 * 60_000); // the generate budget is 1 request per 2 minutes
    const res = await h.json('/v2/reports/united-returns/generate', { method: 'POST', body: JSON.stringify({ businessId: biz, dateFrom: 'x' }) });
    expect(res.status).toBe(400);
  });
});

describe('offer mappings', () => {
  it('returns the catalogue with JPEG pictures served by the sandbox', async () => {
    const { status, body } = await h.json(`/v2/businesses/${biz}/offer-mappings?limit=5`, { method: 'POST', body: '{}' });
    expect(status).toBe(200);
    expect(body.result.offerMappings).toHaveLength(5);
    expect(body.result.paging.nextPageToken).toBeTruthy();
    const pic = await fetch(body.result.offerMappings[0].offer.pictures[0]);
    expect(pic.headers.get('content-type')).toBe('image/jpeg');
    const one = await h.json(`/v2/businesses/${biz}/offer-mappings`, {
      method: 'POST',
      body: JSON.stringify({ offerIds: [body.result.offerMappings[1].offer.offerId] }),
    });
    expect(one.body.result.offerMappings).toHaveLength(1);
    expect((await h.json(`/v2/businesses/${biz}/offer-mappings?limit=0`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});

describe('scale', () => {
  // How fast is a figure of bench/sandbox-scale.ts, not a test.
  it('generates 50,000 returns', async () => {
    const big = await startSandbox({ port: 0, quiet: true, returns: 50_000 });
    const info = await (await fetch(`${big.url}/_sandbox/info`)).json();
    await big.close();
    expect(info.returns).toBeGreaterThanOrEqual(50_000);
  });
});
