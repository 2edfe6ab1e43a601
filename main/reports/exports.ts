// CSV exports: the inbox under a filter, the audit log, and each analytics table, in the operator's
// language (headings, words for codes, Moscow times, ";" in Russian). Written atomically.
import { Writable } from 'node:stream';
import type { AnalyticsResult, AnalyticsTable, ExportResult, InboxFilter, InboxRow, OrderMoneyRow } from '../../preload/contract.ts';
import { outboxStateWords } from '../../preload/decision-rules.ts';
import { codeLabel, isoCurrency, type CodeGroup } from '../../preload/market-words.ts';
import { formatMskCell, MSK_OFFSET_MS } from '../../preload/moscow-time.ts';
import { toCsv, type CsvLocale, type CsvValue } from './csv.ts';
import { freeName, safeFileName, writeFileAtomic } from './atomic.ts';

const PAGE = 500;

/** A column of an export: its heading in each language and how a row fills it. */
type Column<R> = readonly [ru: string, en: string, value: (row: R) => CsvValue];

/** An export as a spreadsheet of the operator's language opens it: headings in words, codes as words, Moscow times. */
function sheet<R>(columns: ReadonlyArray<Column<R>>, rows: readonly R[], locale: CsvLocale): { text: string; rows: number } {
  return {
    text: toCsv(
      columns.map((c) => (locale === 'ru' ? c[0] : c[1])),
      rows.map((r) => columns.map((c) => c[2](r))),
      locale,
    ),
    rows: rows.length,
  };
}

/** A Market code in words for a cell; nothing for none ("NONE" is how the analytics name a missing code). */
function words(group: CodeGroup, code: string | null | undefined, locale: CsvLocale): string {
  return code && code !== 'NONE' ? codeLabel(group, code, locale) : '';
}

const WHY: Record<CsvLocale, Record<string, string>> = {
  ru: {
    'auto-confirmed': 'Подтверждён Маркетом автоматически',
    'still-waiting': 'Всё ещё ждёт после срока',
    'delivered-late': 'Решение доставлено после срока',
  },
  en: {
    'auto-confirmed': 'Auto-confirmed by the Market',
    'still-waiting': 'Still waiting after the deadline',
    'delivered-late': 'Delivered after the deadline',
  },
};

/** Every row of the inbox under `filter`, as CSV. `page` reads one page of rows (returns.list). */
export function inboxCsv(
  page: (filter: InboxFilter, offset: number, limit: number) => { rows: InboxRow[]; total: number },
  filter: InboxFilter,
  locale: CsvLocale = 'en',
): { text: string; rows: number } {
  const all: InboxRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { rows, total } = page(filter, offset, PAGE);
    all.push(...rows);
    if (rows.length < PAGE || offset + PAGE >= total) break;
  }
  const time = (at: string | null) => formatMskCell(at, locale);
  const columns: Array<Column<InboxRow>> = [
    ['Возврат', 'Return', (r) => r.returnId],
    ['Заказ', 'Order', (r) => r.orderId],
    ['ID магазина', 'Store ID', (r) => r.campaignId],
    ['Магазин', 'Store', (r) => r.campaignName],
    ['Модель работы', 'Placement', (r) => words('placement', r.placementType, locale)],
    ['Тип', 'Type', (r) => words('returnType', r.returnType, locale)],
    ['Статус возврата денег', 'Refund status', (r) => words('refundStatus', r.refundStatus, locale)],
    ['Статус передачи', 'Shipment status', (r) => words('shipmentStatus', r.shipmentStatus, locale)],
    ['Создан (МСК)', 'Created (MSK)', (r) => time(r.createdAt)],
    ['Обновлён (МСК)', 'Updated (MSK)', (r) => time(r.updatedAt)],
    ['Решить до (МСК)', 'Decide by (MSK)', (r) => time(r.decisionDeadline)],
    ['Сумма', 'Amount', (r) => r.amount?.value],
    ['Валюта', 'Currency', (r) => (r.amount ? isoCurrency(r.amount.currencyId) : '')],
    ['Быстрый возврат', 'Fast return', (r) => r.fastReturn],
    ['Фото', 'Photos', (r) => r.photoCount],
    ['Товаров', 'Items', (r) => r.itemCount],
    ['SKU', 'SKUs', (r) => r.skus.join(' ')],
    ['Ждёт решения', 'Awaiting decision', (r) => r.awaitingDecision],
    ['Решение в очереди', 'Decision in the outbox', (r) => (r.outboxState ? outboxStateWords(r.outboxState, locale) : '')],
  ];
  return sheet(columns, all, locale);
}

/** Columns and rows of one analytics table (money comes separately: it is paged). */
export function analyticsTableCsv(result: AnalyticsResult, table: Exclude<AnalyticsTable, 'money'>, locale: CsvLocale = 'en'): { text: string; rows: number } {
  switch (table) {
    case 'timeline':
      return sheet(
        [
          result.query.bucket === 'week' ? ['Неделя с', 'Week from', (t) => t.bucket] : ['День', 'Day', (t) => t.bucket],
          ['Возвраты', 'Returns', (t) => t.returns],
          ['Невыкупы', 'Non-purchases', (t) => t.nonPurchases],
          ['Сумма возвратов, ₽', 'Refund amount, RUB', (t) => t.refunded],
        ],
        result.timeline,
        locale,
      );
    case 'reasons':
      return sheet(
        [
          ['Причина', 'Reason', (r) => words('returnReason', r.reason, locale)],
          ['Подробности', 'Details', (r) => words('returnSubreason', r.subreason, locale)],
          ['Товаров', 'Items', (r) => r.items],
          ['Штук', 'Units', (r) => r.units],
          ['Сумма возвратов, ₽', 'Refund amount, RUB', (r) => r.refunded],
        ],
        result.reasons,
        locale,
      );
    case 'topSkus':
      return sheet(
        [
          ['SKU', 'SKU', (r) => r.shopSku],
          ['Товар', 'Product', (r) => r.name],
          ['Возвраты', 'Returns', (r) => r.returns],
          ['Штук', 'Units', (r) => r.units],
          ['Сумма возвратов, ₽', 'Refund amount, RUB', (r) => r.refunded],
        ],
        result.topSkus,
        locale,
      );
    case 'decisionMix':
      return sheet(
        [
          ['Решение', 'Decision', (d) => words('decisionType', d.decisionType, locale)],
          ['Товаров решено в ReturnDesk', 'Items decided in ReturnDesk', (d) => d.operatorItems],
          ['Товаров по данным Маркета', 'Items in the Market data', (d) => d.marketItems],
        ],
        result.decisionMix,
        locale,
      );
    case 'timeToDecision':
      return sheet(
        [
          ['Время до решения, ч', 'Time to decision, h', (h) => h.range.replace(/h$/, '')],
          ['Возвраты', 'Returns', (h) => h.returns],
        ],
        result.timeToDecision.histogram,
        locale,
      );
    case 'deadlines':
      return sheet(
        [
          ['Возврат', 'Return', (d) => d.returnId],
          ['Заказ', 'Order', (d) => d.orderId],
          ['ID магазина', 'Store ID', (d) => d.campaignId],
          ['Создан (МСК)', 'Created (MSK)', (d) => formatMskCell(d.createdAt, locale)],
          ['Срок решения (МСК)', 'Decision deadline (MSK)', (d) => formatMskCell(d.deadline, locale)],
          ['Статус возврата денег', 'Refund status', (d) => words('refundStatus', d.refundStatus, locale)],
          ['Почему', 'Why', (d) => WHY[locale][d.why] ?? d.why],
        ],
        result.deadlines,
        locale,
      );
    case 'stores':
      return sheet(
        [
          ['ID магазина', 'Store ID', (s) => s.campaignId],
          ['Магазин', 'Store', (s) => s.name],
          ['Возвраты', 'Returns', (s) => s.returns],
          ['Невыкупы', 'Non-purchases', (s) => s.nonPurchases],
          ['Сумма возвратов, ₽', 'Refund amount, RUB', (s) => s.refunded],
          ['Компенсации, ₽', 'Compensation, RUB', (s) => s.compensation],
          ['Срок решения прошёл', 'Decision due', (s) => s.decisionDue],
          ['Сроков пропущено', 'Deadlines missed', (s) => s.deadlinesMissed],
          ['Медиана до решения, ч', 'Median time to decision, h', (s) => s.medianHoursToDecision],
        ],
        result.stores,
        locale,
      );
  }
}

/** Money per order as CSV. */
export function orderMoneyCsv(rows: readonly OrderMoneyRow[], locale: CsvLocale = 'en'): { text: string; rows: number } {
  return sheet(
    [
      ['Заказ', 'Order', (r) => r.orderId],
      ['ID магазина', 'Store ID', (r) => r.campaignId],
      ['Возвраты', 'Returns', (r) => r.returns],
      ['Стоимость заказа, ₽', 'Order cost, RUB', (r) => r.cost],
      ['Сумма возвратов, ₽', 'Refund amount, RUB', (r) => r.refunded],
      ['Остаётся, ₽', 'Remains, RUB', (r) => r.net],
      ['Ждёт решения', 'Awaiting decision', (r) => r.pending],
    ],
    rows,
    locale,
  );
}

/** Writes `text` as `name` (made unique) in `folder`, atomically. */
export async function writeExport(folder: string, name: string, text: string, rows: number): Promise<Omit<ExportResult, 'downloadUrl'>> {
  const path = await freeName(folder, safeFileName(name));
  const bytes = await writeFileAtomic(path, text);
  return { path, rows, bytes };
}

/** Collects what a function writes to a stream (the outbox's audit export) into a string. */
export async function collect(run: (stream: Writable) => Promise<number>): Promise<{ text: string; rows: number }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      callback();
    },
  });
  const rows = await run(sink);
  return { text: Buffer.concat(chunks).toString('utf8'), rows };
}

/** "2025-03-04_101502" in Moscow time, for file names. */
export function stamp(now: number): string {
  return new Date(now + MSK_OFFSET_MS).toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '');
}
