/**
 * Every alert shown, in `alert_history`: an alert waits until a screen acknowledges it (a tab that was
 * closed when it came shows it when it opens); a critical one (expiry, conflict, the last threshold)
 * stays until the operator dismisses it. The rows are the app's alert history.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { AlertRecord } from '../../preload/contract.ts';
import type { AlertNotification, AlertTarget } from './policy.ts';

const PENDING = "dismissed_at IS NULL AND (acknowledged_at IS NULL OR urgency = 'critical')";

export class AlertHistory {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_history'").get();
    if (!exists) throw new Error('alert_history table is missing: register alertHistoryMigration in the store migrations');
  }

  /** Keeps a shown alert; `at` is when it was raised (epoch ms). */
  record(notification: AlertNotification, at: number): AlertRecord {
    const info = this.#db
      .prepare('INSERT INTO alert_history (at, kind, title, body, urgency, target_json, return_ids_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        at,
        notification.kind,
        notification.title,
        notification.body,
        notification.urgency,
        JSON.stringify(notification.target),
        JSON.stringify(notification.returnIds),
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): AlertRecord | null {
    const row = this.#db.prepare('SELECT * FROM alert_history WHERE id = ?').get(id) as Record<string, SQLInputValue> | undefined;
    return row ? toRecord(row) : null;
  }

  /** What a screen must still show, oldest first: not yet acknowledged, and critical ones not dismissed. */
  pending(limit = 100): AlertRecord[] {
    const rows = this.#db.prepare(`SELECT * FROM alert_history WHERE ${PENDING} ORDER BY id DESC LIMIT ?`).all(limit) as Array<Record<string, SQLInputValue>>;
    return rows.reverse().map(toRecord);
  }

  /** A screen showed these; returns how many were not acknowledged before. */
  acknowledge(ids: readonly number[], at: number): number {
    return this.#update('UPDATE alert_history SET acknowledged_at = ? WHERE acknowledged_at IS NULL AND id IN', ids, at);
  }

  /** The operator closed these (critical ones leave the screen only so); returns how many changed. */
  dismiss(ids: readonly number[], at: number): number {
    return this.#update(
      'UPDATE alert_history SET dismissed_at = ?, acknowledged_at = coalesce(acknowledged_at, ?) WHERE dismissed_at IS NULL AND id IN',
      ids,
      at,
      at,
    );
  }

  /** Newest first, `limit` of them before `beforeId`. */
  list(options: { limit?: number; beforeId?: number } = {}): { alerts: AlertRecord[]; total: number } {
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), 500);
    const rows = (
      options.beforeId === undefined
        ? this.#db.prepare('SELECT * FROM alert_history ORDER BY id DESC LIMIT ?').all(limit)
        : this.#db.prepare('SELECT * FROM alert_history WHERE id < ? ORDER BY id DESC LIMIT ?').all(options.beforeId, limit)
    ) as Array<Record<string, SQLInputValue>>;
    const total = Number((this.#db.prepare('SELECT COUNT(*) AS n FROM alert_history').get() as { n: number }).n);
    return { alerts: rows.map(toRecord), total };
  }

  /** Forgets alerts raised before `before` that no longer wait for anyone; returns how many. */
  prune(before: number): number {
    return Number(this.#db.prepare(`DELETE FROM alert_history WHERE at < ? AND NOT (${PENDING})`).run(before).changes);
  }

  #update(sql: string, ids: readonly number[], ...values: number[]): number {
    const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > 0);
    if (unique.length === 0) return 0;
    return Number(this.#db.prepare(`${sql} (${unique.map(() => '?').join(',')})`).run(...values, ...unique).changes);
  }
}

const iso = (v: SQLInputValue | undefined): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

function toRecord(row: Record<string, SQLInputValue>): AlertRecord {
  return {
    id: Number(row.id),
    kind: String(row.kind),
    title: String(row.title),
    body: String(row.body),
    urgency: row.urgency === 'critical' ? 'critical' : 'normal',
    target: JSON.parse(String(row.target_json)) as AlertTarget,
    returnIds: JSON.parse(String(row.return_ids_json)) as number[],
    at: new Date(Number(row.at)).toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    dismissedAt: iso(row.dismissed_at),
  };
}
