// The audit log as CSV for spreadsheets: UTF-8 with a BOM (Excel reads Cyrillic right), CRLF, RFC 4180 quoting.
import type { AuditEntry } from '../../preload/contract.ts';

export const AUDIT_CSV_COLUMNS = ['id', 'time', 'operator', 'campaign_id', 'order_id', 'return_id', 'outbox_id', 'action', 'state', 'items', 'payload', 'server_answer'] as const;

/** One field: quoted when it holds a quote, comma, semicolon, line break or edge spaces; quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(rows: ReadonlyArray<AuditEntry & { items: string | null }>): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.id, r.at, r.operator, r.campaignId, r.orderId, r.returnId, r.outboxId, r.action, r.state, r.items, r.payload, r.serverAnswer].map(csvField).join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
