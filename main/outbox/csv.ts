// The audit log as CSV, through the one CSV writer (BOM, CRLF, quoting, formulas neutralised), in the operator's language.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AuditEntry } from '../../preload/contract.ts';
import { outboxStateWords } from '../../preload/decision-rules.ts';
import { codeLabel } from '../../preload/market-words.ts';
import { formatMskCell } from '../../preload/moscow-time.ts';
import { toCsv, type CsvLocale } from '../reports/csv.ts';

/** What each audited step means; a step this table does not name is written as recorded. */
export const AUDIT_STEP_WORDS: Record<CsvLocale, Record<string, string>> = {
  ru: {
    queued: 'поставлено в очередь',
    edited: 'изменено в очереди',
    cancelled: 'отменено оператором',
    'retry-requested': 'отправить сейчас',
    sending: 'отправка',
    resending: 'повторная отправка',
    accepted: 'принято Маркетом',
    delivered: 'доставлено',
    'confirm-pending': 'ждём подтверждения',
    'not-sent': 'не отправлено',
    'unknown-outcome': 'ответ потерян',
    're-read-failed': 'не удалось перечитать возврат',
    'status-unknown': 'статус неизвестен',
    refused: 'отклонено Маркетом',
    failed: 'ошибка',
    conflict: 'конфликт',
    quarantined: 'отложено (нечитаемая запись)',
  },
  en: {
    queued: 'queued',
    edited: 'changed while queued',
    cancelled: 'cancelled by the operator',
    'retry-requested': 'send now requested',
    sending: 'sending',
    resending: 'sending again',
    accepted: 'accepted by the Market',
    delivered: 'delivered',
    'confirm-pending': 'waiting for confirmation',
    'not-sent': 'not sent',
    'unknown-outcome': 'answer lost',
    're-read-failed': 'could not re-read the return',
    'status-unknown': 'status unknown',
    refused: 'refused by the Market',
    failed: 'failed',
    conflict: 'conflict',
    quarantined: 'set aside (unreadable row)',
  },
};

/** "123:DECLINE_REFUND:MECHANICAL_DAMAGE:150 RUB; …" (the stored items summary) with the codes in words. */
function itemsInWords(items: string | null, locale: CsvLocale): string | null {
  if (!items) return items;
  return items
    .split('; ')
    .map((item) => {
      const [id, type, ...rest] = item.split(':');
      const reason = rest.find((r) => !/ RUB$/.test(r));
      const money = rest.find((r) => / RUB$/.test(r));
      return [id, type ? codeLabel('decisionType', type, locale) : null, reason ? codeLabel('declineReason', reason, locale) : null, money ?? null]
        .filter(Boolean)
        .join(': ');
    })
    .join('; ');
}

export function auditCsv(rows: ReadonlyArray<AuditEntry & { items: string | null }>, locale: CsvLocale = 'en'): string {
  const ru = locale === 'ru';
  const columns = ru
    ? [
        'Запись',
        'Время (МСК)',
        'Оператор',
        'ID магазина',
        'Заказ',
        'Возврат',
        'Решение в очереди',
        'Шаг',
        'Состояние',
        'Решения по товарам',
        'Запрос к Маркету',
        'Ответ Маркета',
      ]
    : [
        'Entry',
        'Time (MSK)',
        'Operator',
        'Store ID',
        'Order',
        'Return',
        'Outbox entry',
        'Step',
        'State',
        'Item decisions',
        'Request to the Market',
        "The Market's answer",
      ];
  return toCsv(
    columns,
    rows.map((r) => [
      r.id,
      formatMskCell(r.at, locale),
      r.operator,
      r.campaignId,
      r.orderId,
      r.returnId,
      r.outboxId,
      AUDIT_STEP_WORDS[locale][r.action] ?? r.action,
      r.state ? outboxStateWords(r.state, locale) : null,
      itemsInWords(r.items, locale),
      r.payload,
      r.serverAnswer,
    ]),
    locale,
  );
}

/** Writes the audit log's CSV to a file (created private to the owner) or a stream; returns the rows written. */
export async function writeAuditCsv(target: string | Writable, rows: ReadonlyArray<AuditEntry & { items: string | null }>, locale: CsvLocale): Promise<number> {
  const text = auditCsv(rows, locale);
  const stream = typeof target === 'string' ? createWriteStream(target, { encoding: 'utf8', mode: 0o600 }) : target;
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
  if (typeof target === 'string') await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return rows.length;
}
