// CSV exports: the inbox under a filter, the audit log, and each analytics table. Written atomically.
import { Writable } from 'node:stream';
import type { AnalyticsResult, AnalyticsTable, ExportResult, InboxFilter, InboxRow } from '../../preload/contract.ts';
import { MSK_OFFSET_MS } from '../../preload/moscow-time.ts';
import { toCsv, type CsvValue } from './csv.ts';
import { freeName, safeFileName, writeFileAtomic } from './atomic.ts';

const PAGE = 500;

export const INBOX_CSV_COLUMNS = [
  'return_id', 'order_id', 'campaign_id', 'store', 'placement', 'type', 'refund_status', 'shipment_status', 'created_at', 'updated_at',
  'decision_deadline', 'amount', 'currency', 'fast_return', 'photos', 'items', 'skus', 'awaiting_decision', 'outbox_state',
] as const;

/** Every row of the inbox under `filter`, as CSV. `page` reads one page of rows (returns.list). */
export function inboxCsv(page: (filter: InboxFilter, offset: number, limit: number) => { rows: InboxRow[]; total: number }, filter: InboxFilter): { text: string; rows: number } {
  const lines: CsvValue[][] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { rows, total } = page(filter, offset, PAGE);
    for (const r of rows) {
      lines.push([
        r.returnId, r.orderId, r.campaignId, r.campaignName, r.placementType, r.returnType, r.refundStatus, r.shipmentStatus, r.createdAt, r.updatedAt,
        r.decisionDeadline, r.amount?.value, r.amount?.currencyId, r.fastReturn, r.photoCount, r.itemCount, r.skus.join(' '), r.awaitingDecision, r.outboxState,
      ]);
    }
    if (rows.length < PAGE || offset + PAGE >= total) break;
  }
  return { text: toCsv(INBOX_CSV_COLUMNS, lines), rows: lines.length };
}

/** Columns and rows of one analytics table (money comes separately: it is paged). */
export function analyticsTableCsv(result: AnalyticsResult, table: Exclude<AnalyticsTable, 'money'>): { text: string; rows: number } {
  const out = ((): { columns: string[]; rows: CsvValue[][] } => {
    switch (table) {
      case 'timeline':
        return { columns: [result.query.bucket === 'week' ? 'week_from' : 'day', 'returns', 'non_purchases', 'refunded_rub'], rows: result.timeline.map((t) => [t.bucket, t.returns, t.nonPurchases, t.refunded]) };
      case 'reasons':
        return { columns: ['reason', 'subreason', 'items', 'units', 'refunded_rub'], rows: result.reasons.map((r) => [r.reason, r.subreason, r.items, r.units, r.refunded]) };
      case 'topSkus':
        return { columns: ['shop_sku', 'name', 'returns', 'units', 'refunded_rub'], rows: result.topSkus.map((s) => [s.shopSku, s.name, s.returns, s.units, s.refunded]) };
      case 'decisionMix':
        return { columns: ['decision_type', 'items_decided_in_returndesk', 'items_in_market_data'], rows: result.decisionMix.map((d) => [d.decisionType, d.operatorItems, d.marketItems]) };
      case 'timeToDecision':
        return { columns: ['hours', 'returns'], rows: result.timeToDecision.histogram.map((h) => [h.range, h.returns]) };
      case 'deadlines':
        return {
          columns: ['return_id', 'order_id', 'campaign_id', 'created_at', 'deadline', 'refund_status', 'why'],
          rows: result.deadlines.map((d) => [d.returnId, d.orderId, d.campaignId, d.createdAt, d.deadline, d.refundStatus, d.why]),
        };
      case 'stores':
        return {
          columns: ['campaign_id', 'store', 'returns', 'non_purchases', 'refunded_rub', 'compensation_rub', 'decision_due', 'deadlines_missed', 'median_hours_to_decision'],
          rows: result.stores.map((s) => [s.campaignId, s.name, s.returns, s.nonPurchases, s.refunded, s.compensation, s.decisionDue, s.deadlinesMissed, s.medianHoursToDecision]),
        };
    }
  })();
  return { text: toCsv(out.columns, out.rows), rows: out.rows.length };
}

export const ORDER_MONEY_COLUMNS = ['order_id', 'campaign_id', 'returns', 'cost_rub', 'refunded_rub', 'net_rub', 'pending_decision'] as const;

/** Writes `text` as `name` (made unique) in `folder`, atomically. */
export async function writeExport(folder: string, name: string, text: string, rows: number): Promise<ExportResult> {
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
