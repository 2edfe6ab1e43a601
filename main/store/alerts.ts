/**
 * The alerts' tables: marks (which alert was shown for which return), the alert history (every alert
 * shown, until a screen acknowledges it) and the chats the chat watcher has seen. SQLite's side of the
 * repositories declared in repositories.ts, with the schema steps that create the tables.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { AlertFacts, type AlertRecord } from '../../preload/contract.ts';
import type { Migration } from './migrations.ts';
import type {
  AlertHistoryRepository,
  AlertMarkRepository,
  ChatWatchRepository,
  NewAlert,
  StoredAlertMark,
  WatchedChat,
  WatchedChatActivity,
} from './repositories.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

type Row = Record<string, SQLInputValue>;

/** Schema steps of the alerts' tables, at the versions they shipped with. Idempotent. */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'alert marks: which alert was shown (or skipped) for which return, so none repeats',
    up(db: DatabaseSync): void {
      db.exec(`
      CREATE TABLE IF NOT EXISTS alert_marks (
        return_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        alerted_at INTEGER NOT NULL,
        skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (return_id, kind, threshold)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS alert_marks_alerted_at ON alert_marks(alerted_at);
    `);
    },
  },
  {
    version: 6,
    name: 'alert history and watched chats: alerts wait for a screen; chat activity is news once',
    up(db: DatabaseSync): void {
      db.exec(`
      CREATE TABLE IF NOT EXISTS alert_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        urgency TEXT NOT NULL,
        target_json TEXT NOT NULL,
        return_ids_json TEXT NOT NULL,
        acknowledged_at INTEGER,
        dismissed_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS alert_history_open ON alert_history(dismissed_at, acknowledged_at);
      CREATE TABLE IF NOT EXISTS chat_watch (
        chat_id INTEGER PRIMARY KEY,
        business_id INTEGER NOT NULL,
        campaign_id INTEGER,
        order_id INTEGER,
        return_id INTEGER,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        last_message_id INTEGER,
        last_customer_message_id INTEGER,
        last_customer_message_at INTEGER,
        seen_open INTEGER NOT NULL DEFAULT 0,
        finished_at INTEGER,
        first_seen_at INTEGER NOT NULL,
        checked_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS chat_watch_by_business ON chat_watch(business_id, status);
      CREATE TABLE IF NOT EXISTS chat_watch_business (
        business_id INTEGER PRIMARY KEY,
        first_poll_at INTEGER NOT NULL,
        last_poll_at INTEGER NOT NULL
      );
    `);
    },
  },
  {
    version: 10,
    name: 'alert facts: each alert keeps what it says, so a screen writes its words in the language it speaks when it shows it',
    up(db: DatabaseSync): void {
      const columns = db.prepare('PRAGMA table_info(alert_history)').all() as Array<{ name: string }>;
      // Rows kept before this step have none: they show the words they were kept with.
      if (!columns.some((c) => c.name === 'facts_json')) db.exec('ALTER TABLE alert_history ADD COLUMN facts_json TEXT');
    },
  },
];

const num = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

// ------------------------------------------------------------ marks

export function sqliteAlertMarks(sql: SqliteConnection): AlertMarkRepository<'sync'> {
  return {
    all: () =>
      (sql.stmt('SELECT return_id, kind, threshold, alerted_at, skipped FROM alert_marks').all() as Row[]).map((r) => ({
        returnId: Number(r.return_id),
        kind: String(r.kind),
        threshold: Number(r.threshold),
        alertedAt: Number(r.alerted_at),
        skipped: r.skipped === 1,
      })),
    record(list: readonly StoredAlertMark[]) {
      if (list.length === 0) return;
      const insert = sql.stmt('INSERT OR IGNORE INTO alert_marks (return_id, kind, threshold, alerted_at, skipped) VALUES (?, ?, ?, ?, ?)');
      sql.transaction(() => {
        for (const m of list) insert.run(m.returnId, m.kind, Math.round(m.threshold), m.alertedAt, m.skipped ? 1 : 0);
      });
    },
    prune: (before) => sql.transaction(() => Number(sql.stmt('DELETE FROM alert_marks WHERE alerted_at < ?').run(before).changes)),
  };
}

// ------------------------------------------------------------ history

const PENDING = "dismissed_at IS NULL AND (acknowledged_at IS NULL OR urgency = 'critical')";

const iso = (v: SQLInputValue | undefined): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

/** The facts kept with an alert; null for a row without them (an older version kept it) or with facts this version cannot read. */
function factsOf(text: SQLInputValue | undefined): AlertRecord['facts'] {
  if (typeof text !== 'string') return null;
  try {
    const parsed = AlertFacts.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function toRecord(row: Row): AlertRecord {
  return {
    id: Number(row.id),
    kind: String(row.kind),
    title: String(row.title),
    body: String(row.body),
    facts: factsOf(row.facts_json),
    urgency: row.urgency === 'critical' ? 'critical' : 'normal',
    target: JSON.parse(String(row.target_json)) as AlertRecord['target'],
    returnIds: JSON.parse(String(row.return_ids_json)) as number[],
    at: new Date(Number(row.at)).toISOString(),
    acknowledgedAt: iso(row.acknowledged_at),
    dismissedAt: iso(row.dismissed_at),
  };
}

export function sqliteAlertHistory(sql: SqliteConnection): AlertHistoryRepository<'sync'> {
  const get = (id: number): AlertRecord | null => {
    const row = sql.stmt('SELECT * FROM alert_history WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  };
  // The id list varies in length, so these statements are prepared per call rather than cached.
  const update = (statement: string, ids: readonly number[], ...values: number[]): number => {
    const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > 0);
    if (unique.length === 0) return 0;
    return sql.transaction(() => Number(sql.db.prepare(`${statement} (${unique.map(() => '?').join(',')})`).run(...values, ...unique).changes));
  };
  return {
    record(alert: NewAlert, at: number): AlertRecord {
      return sql.transaction(() => {
        const info = sql
          .stmt('INSERT INTO alert_history (at, kind, title, body, facts_json, urgency, target_json, return_ids_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(
            at,
            alert.kind,
            alert.title,
            alert.body,
            alert.facts ? JSON.stringify(alert.facts) : null,
            alert.urgency,
            JSON.stringify(alert.target),
            JSON.stringify(alert.returnIds),
          );
        return get(Number(info.lastInsertRowid))!;
      });
    },
    get,
    pending(limit = 100) {
      const rows = sql.stmt(`SELECT * FROM alert_history WHERE ${PENDING} ORDER BY id DESC LIMIT ?`).all(limit) as Row[];
      return rows.reverse().map(toRecord);
    },
    acknowledge: (ids, at) => update('UPDATE alert_history SET acknowledged_at = ? WHERE acknowledged_at IS NULL AND id IN', ids, at),
    dismiss: (ids, at) =>
      update('UPDATE alert_history SET dismissed_at = ?, acknowledged_at = coalesce(acknowledged_at, ?) WHERE dismissed_at IS NULL AND id IN', ids, at, at),
    list(options = {}) {
      const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), 500);
      const rows = (
        options.beforeId === undefined
          ? sql.stmt('SELECT * FROM alert_history ORDER BY id DESC LIMIT ?').all(limit)
          : sql.stmt('SELECT * FROM alert_history WHERE id < ? ORDER BY id DESC LIMIT ?').all(options.beforeId, limit)
      ) as Row[];
      const total = Number((sql.stmt('SELECT COUNT(*) AS n FROM alert_history').get() as Row).n);
      return { alerts: rows.map(toRecord), total };
    },
    prune: (before) => sql.transaction(() => Number(sql.stmt(`DELETE FROM alert_history WHERE at < ? AND NOT (${PENDING})`).run(before).changes)),
  };
}

// ------------------------------------------------------------ watched chats

const FINISHED = 'FINISHED';

export function sqliteChatWatch(sql: SqliteConnection): ChatWatchRepository<'sync'> {
  return {
    lastPoll(businessId) {
      const row = sql.stmt('SELECT last_poll_at FROM chat_watch_business WHERE business_id = ?').get(businessId) as Row | undefined;
      return row ? Number(row.last_poll_at) : null;
    },
    activity(since): WatchedChatActivity[] {
      const rows = sql
        .stmt(
          `SELECT chat_id, campaign_id, order_id, return_id, type, status, last_customer_message_id, last_customer_message_at, finished_at
         FROM chat_watch WHERE return_id IS NOT NULL AND (
           (last_customer_message_id IS NOT NULL AND last_customer_message_at >= ?)
           OR (type = 'ARBITRAGE' AND status <> 'FINISHED')
           OR (finished_at IS NOT NULL AND finished_at >= ?))`,
        )
        .all(since, since) as Row[];
      return rows.map((r) => ({
        chatId: Number(r.chat_id),
        campaignId: num(r.campaign_id),
        orderId: num(r.order_id),
        returnId: Number(r.return_id),
        type: String(r.type),
        status: String(r.status),
        lastCustomerMessageId: num(r.last_customer_message_id),
        lastCustomerMessageAt: num(r.last_customer_message_at),
        finishedAt: num(r.finished_at),
      }));
    },
    get(chatId): WatchedChat | null {
      const r = sql.stmt('SELECT * FROM chat_watch WHERE chat_id = ?').get(chatId) as Row | undefined;
      if (!r) return null;
      return {
        chatId,
        businessId: Number(r.business_id),
        campaignId: num(r.campaign_id),
        orderId: num(r.order_id),
        returnId: num(r.return_id),
        status: String(r.status),
        type: String(r.type),
        updatedAt: Number(r.updated_at),
        lastMessageId: num(r.last_message_id),
        lastCustomerMessageId: num(r.last_customer_message_id),
        lastCustomerMessageAt: num(r.last_customer_message_at),
        finishedAt: num(r.finished_at),
        seenOpen: Number(r.seen_open) === 1,
        checkedAt: Number(r.checked_at),
      };
    },
    hasPolled: (businessId) => sql.stmt('SELECT 1 FROM chat_watch_business WHERE business_id = ?').get(businessId) !== undefined,
    openChatIds: (businessId, limit) =>
      (
        sql.stmt(`SELECT chat_id FROM chat_watch WHERE business_id = ? AND status <> '${FINISHED}' ORDER BY checked_at LIMIT ?`).all(businessId, limit) as Row[]
      ).map((r) => Number(r.chat_id)),
    markGone(chatId, at) {
      sql.transaction(() => sql.stmt(`UPDATE chat_watch SET status = '${FINISHED}', checked_at = ? WHERE chat_id = ?`).run(at, chatId));
    },
    save(chat: WatchedChat) {
      sql.transaction(() =>
        sql
          .stmt(
            `INSERT INTO chat_watch (chat_id, business_id, campaign_id, order_id, return_id, type, status, updated_at, last_message_id, last_customer_message_id, last_customer_message_at, seen_open, finished_at, first_seen_at, checked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(chat_id) DO UPDATE SET campaign_id = excluded.campaign_id, order_id = excluded.order_id, type = excluded.type, status = excluded.status,
           updated_at = excluded.updated_at, last_message_id = excluded.last_message_id, last_customer_message_id = excluded.last_customer_message_id,
           last_customer_message_at = excluded.last_customer_message_at, seen_open = max(seen_open, excluded.seen_open), finished_at = excluded.finished_at, checked_at = excluded.checked_at`,
          )
          .run(
            chat.chatId,
            chat.businessId,
            chat.campaignId,
            chat.orderId,
            chat.returnId,
            chat.type,
            chat.status,
            chat.updatedAt,
            chat.lastMessageId,
            chat.lastCustomerMessageId,
            chat.lastCustomerMessageAt,
            chat.seenOpen ? 1 : 0,
            chat.finishedAt,
            chat.checkedAt,
            chat.checkedAt,
          ),
      );
    },
    finishPoll(businessId, at, forgetFinishedBefore) {
      sql.transaction(() => {
        sql
          .stmt(
            'INSERT INTO chat_watch_business (business_id, first_poll_at, last_poll_at) VALUES (?, ?, ?) ON CONFLICT(business_id) DO UPDATE SET last_poll_at = excluded.last_poll_at',
          )
          .run(businessId, at, at);
        sql.stmt(`DELETE FROM chat_watch WHERE status = '${FINISHED}' AND checked_at < ?`).run(forgetFinishedBefore);
      });
    },
  };
}
