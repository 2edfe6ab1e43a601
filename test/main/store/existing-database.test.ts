/**
 * A database written by the app before the tables got their repositories (fixtures/returndesk-v7.sqlite:
 * a sync of the sandbox, alerts, a watched chat, a cached photo and a queued decision, made by the code
 * of main at 8bc4a92, schema version 7) opens with every row kept and readable; the steps it lacks apply on
 * top, and the registered steps up to its version build exactly the schema it had.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/store/migrations.ts';
import { MIGRATIONS } from '../../../main/store/schema.ts';
import { openStore } from '../../../main/store/store.ts';
import { expectSearchAsScan } from './search-scan.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'returndesk-v7.sqlite');

type Snapshot = { version: number; schema: Array<{ type: string; name: string; sql: string | null }>; rows: Record<string, unknown[]> };

/** Everything in the file: its schema version, every table and index definition, every row of every table. */
function snapshot(db: DatabaseSync): Snapshot {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  const schema = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Snapshot['schema'];
  const rows: Record<string, unknown[]> = {};
  for (const { name } of schema.filter((s) => s.type === 'table')) {
    rows[name] = db
      .prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`)
      .all()
      .map((r) => ({ ...r }));
  }
  return { version, schema, rows };
}

function read(path: string): Snapshot {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return snapshot(db);
  } finally {
    db.close();
  }
}

describe('a database made by the previous version', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-existing-'));
    path = join(dir, 'returndesk.sqlite');
    copyFileSync(FIXTURE, path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds data in every table family (the check below would pass vacuously on empty tables)', () => {
    const before = read(path);
    expect(before.version).toBe(7);
    for (const table of ['returns', 'orders', 'alert_marks', 'alert_history', 'chat_watch', 'media_files', 'media_refs', 'outbox', 'decision_audit']) {
      expect(before.rows[table]?.length, table).toBeGreaterThan(0);
    }
  });

  it('opens with every row unchanged, the later steps applied on top: the schema of a new database', () => {
    const before = read(path);
    const store = openStore(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    const after = read(path);
    // Every row of every table keeps every value it had; later steps only add columns and tables.
    const asBefore = Object.fromEntries(
      Object.entries(before.rows).map(([table, rows]) => [
        table,
        after.rows[table]!.map((row) =>
          Object.fromEntries(Object.keys((rows[0] ?? row) as object).map((column) => [column, (row as Record<string, unknown>)[column]])),
        ),
      ]),
    );
    expect(asBefore).toEqual(before.rows);
    const fresh = openStore(':memory:');
    try {
      expect(after.schema).toEqual(snapshot(fresh.db).schema);
    } finally {
      fresh.close();
    }
  });

  it('the registered schema steps up to its version build exactly the schema the previous version built', () => {
    const db = new DatabaseSync(':memory:');
    try {
      expect(
        migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 7),
        ),
      ).toBe(7);
      expect(snapshot(db)).toEqual({ ...read(path), rows: Object.fromEntries(Object.keys(read(path).rows).map((t) => [t, []])) });
    } finally {
      db.close();
    }
  });

  it('fills the search index for the kept returns: a search finds what a reading of their rows finds', () => {
    const store = openStore(path);
    try {
      const unfilled = store.db.prepare('SELECT COUNT(*) AS n FROM return_items WHERE sku_key IS NULL OR inbox_key IS NULL').get() as { n: number };
      expect(unfilled.n).toBe(0);
      // The chip counts of a broad search read each item's copy of its return's facets.
      const copies = store.db
        .prepare(
          `SELECT COUNT(*) AS n, SUM(i.campaign_id IS NOT r.campaign_id OR i.return_type IS NOT r.return_type OR i.refund_status IS NOT r.refund_status
             OR i.shipment_status IS NOT r.shipment_status OR i.awaiting_decision IS NOT r.awaiting_decision OR i.fast_return IS NOT r.fast_return
             OR i.photo_count IS NOT r.photo_count) AS differ
           FROM return_items i JOIN returns r ON r.id = i.return_id`,
        )
        .get() as { n: number; differ: number };
      expect(copies.n).toBeGreaterThan(0);
      expect(copies.differ).toBe(0);
      const item = store.db.prepare('SELECT ri.shop_sku, r.order_id FROM return_items ri JOIN returns r ON r.id = ri.return_id LIMIT 1').get() as {
        shop_sku: string;
        order_id: number;
      };
      const name = (store.db.prepare('SELECT name FROM product_names LIMIT 1').get() as { name: string }).name;
      for (const text of [item.shop_sku, item.shop_sku.slice(0, 4).toLowerCase(), name.split(' ')[0]!.toUpperCase(), String(item.order_id)]) {
        expect(expectSearchAsScan(store, text).length, text).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
  });

  it('reads the kept rows through the repositories', () => {
    const before = read(path).rows;
    const store = openStore(path);
    try {
      expect(store.countReturns()).toBe(before.returns!.length);
      const someReturn = before.returns![0] as { id: number; order_id: number };
      const detail = store.returnDetail(someReturn.id)!;
      expect(detail.return.orderId).toBe(someReturn.order_id);
      expect(store.alertMarks.all()).toHaveLength(before.alert_marks!.length);
      expect(store.alertHistory.list().total).toBe(before.alert_history!.length);
      const chat = before.chat_watch![0] as { chat_id: number; return_id: number };
      expect(store.chatWatch.get(chat.chat_id)?.returnId).toBe(chat.return_id);
      const file = before.media_files![0] as { sha256: string; size: number };
      expect(store.media.file(file.sha256)?.size).toBe(file.size);
      const ref = before.media_refs![0] as { kind: 'photo'; source: string; sha256: string };
      expect(store.media.ref(ref.kind, ref.source)?.sha256).toBe(ref.sha256);
      const balances = store.orderMoney.balanceFacts([someReturn.order_id]).get(someReturn.order_id)!;
      expect(balances.returns.map((r) => r.returnId)).toContain(someReturn.id);
    } finally {
      store.close();
    }
  });
});
