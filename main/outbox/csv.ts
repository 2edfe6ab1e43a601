// The audit log as CSV, through the one CSV writer (BOM, CRLF, quoting, formulas neutralised).
import type { AuditEntry } from '../../preload/contract.ts';
import { toCsv } from '../reports/csv.ts';

export const AUDIT_CSV_COLUMNS = ['id', 'time', 'operator', 'campaign_id', 'order_id', 'return_id', 'outbox_id', 'action', 'state', 'items', 'payload', 'server_answer'] as const;

export function auditCsv(rows: ReadonlyArray<AuditEntry & { items: string | null }>): string {
  return toCsv(
    AUDIT_CSV_COLUMNS,
    rows.map((r) => [r.id, r.at, r.operator, r.campaignId, r.orderId, r.returnId, r.outboxId, r.action, r.state, r.items, r.payload, r.serverAnswer]),
  );
}
