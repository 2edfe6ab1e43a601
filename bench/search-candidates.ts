// The search structures tried before return_items_search was chosen, each on a copy of the database the
// store-queries bench measured: CPU per search (page of 200 + count) and CPU to keep the structure for
// 10,000 returns. Run: ./node_modules/.bin/node bench/store-queries.ts --keep /tmp/q.sqlite
//                 then ./node_modules/.bin/node bench/search-candidates.ts --db /tmp/q.sqlite
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { openStore } from '../main/store/store.ts';
import { foldForSearch, prefixEnd } from '../main/store/search-text.ts';
import { round } from './figures.ts';

const NO_DEADLINE = 9007199254740991;
const INBOX_WALK = `ORDER BY coalesce(r.decision_deadline, ${NO_DEADLINE}), r.updated_at DESC, r.id DESC`;
type Row = Record<string, SQLInputValue>;
type Search = (text: string) => { ids: number[]; total: number };

const cpuPerCall = (times: number, run: () => unknown): number => {
  run();
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / times;
};

/** Folded SKUs of products whose names contain the text (the catalogue, as the store reads it). */
const namedSkus = (db: DatabaseSync, key: string): string[] =>
  [...key].length < 2
    ? []
    : (db.prepare('SELECT offer_id FROM product_names WHERE instr(folded, ?) > 0').all(key) as Row[]).map((r) => foldForSearch(String(r.offer_id)));

/** Rows in inbox order that may name a return twice, side by side: the first `limit` distinct. */
const distinctIds = (rows: Row[], limit: number): number[] => {
  const ids: number[] = [];
  for (const row of rows) {
    const id = Number(row.return_id);
    if (ids[ids.length - 1] !== id && ids.length < limit) ids.push(id);
  }
  return ids;
};

/** A: a search-terms table (term, inbox order, return id), one row per distinct SKU of a return. */
function termsTable(db: DatabaseSync): Search {
  db.exec(`CREATE TABLE return_terms (term TEXT NOT NULL, inbox_key INTEGER NOT NULL, inbox_updated INTEGER, return_id INTEGER NOT NULL,
    PRIMARY KEY (term, inbox_key, inbox_updated DESC, return_id DESC)) WITHOUT ROWID;
    INSERT OR IGNORE INTO return_terms SELECT sku_key, inbox_key, inbox_updated, return_id FROM return_items;`);
  return (text) => {
    const key = foldForSearch(text);
    const terms = JSON.stringify(namedSkus(db, key));
    const where = 'FROM return_terms WHERE (term >= ? AND term < ?) OR term IN (SELECT value FROM json_each(?))';
    const params = [key, prefixEnd(key), terms];
    const rows = db.prepare(`SELECT return_id ${where} ORDER BY inbox_key, inbox_updated DESC, return_id DESC LIMIT 400`).all(...params) as Row[];
    const total = Number((db.prepare(`SELECT COUNT(DISTINCT return_id) AS n ${where}`).get(...params) as Row).n);
    return { ids: distinctIds(rows, 200), total };
  };
}

/** B: the chosen index without the lowest-item key: distinct returns counted with COUNT(DISTINCT), names and prefix in one OR (the planner's pick). */
function skuIndexCountDistinct(db: DatabaseSync): Search {
  return (text) => {
    const key = foldForSearch(text);
    const where = 'FROM return_items WHERE (sku_key >= ? AND sku_key < ?) OR sku_key IN (SELECT value FROM json_each(?))';
    const params = [key, prefixEnd(key), JSON.stringify(namedSkus(db, key))];
    const rows = db.prepare(`SELECT return_id ${where} ORDER BY inbox_key, inbox_updated DESC, return_id DESC LIMIT 400`).all(...params) as Row[];
    const total = Number((db.prepare(`SELECT COUNT(DISTINCT return_id) AS n ${where}`).get(...params) as Row).n);
    return { ids: distinctIds(rows, 200), total };
  };
}

/**
 * C: FTS5, one document per return (its folded SKUs, SKU characters kept in tokens), prefix indexes; the count
 * from the full-text index, the page by walking the inbox index against the matches (a few hits looked up instead).
 */
function fts5(db: DatabaseSync): Search {
  db.exec(`CREATE VIRTUAL TABLE return_fts USING fts5(skus, content='', contentless_delete=1, tokenize="unicode61 tokenchars '-_./'", prefix='2 3 4 6')`);
  const insert = db.prepare('INSERT INTO return_fts (rowid, skus) VALUES (?, ?)');
  for (const r of db.prepare("SELECT return_id, group_concat(sku_key, ' ') AS skus FROM return_items GROUP BY return_id").all() as Row[]) {
    insert.run(r.return_id as number, String(r.skus));
  }
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return (text) => {
    const key = foldForSearch(text);
    const query = [`${quote(key)}*`, ...namedSkus(db, key).map(quote)].join(' OR ');
    const total = Number((db.prepare('SELECT COUNT(*) AS n FROM return_fts WHERE return_fts MATCH ?').get(query) as Row).n);
    const ids = (
      total > 500
        ? db.prepare(`SELECT r.id FROM returns r WHERE +r.id IN (SELECT rowid FROM return_fts WHERE return_fts MATCH ?) ${INBOX_WALK} LIMIT 200`).all(query)
        : db.prepare(`SELECT r.id FROM returns r WHERE r.id IN (SELECT rowid FROM return_fts WHERE return_fts MATCH ?) ${INBOX_WALK} LIMIT 200`).all(query)
    ).map((r) => Number((r as Row).id));
    return { ids, total };
  };
}

/** CPU to write the structure's entries for 10,000 returns, 100 per transaction, into a file of its own. */
function writeCost(items: Row[], create: string, insert: (db: DatabaseSync) => (returnItems: Row[]) => void): number {
  const dir = mkdtempSync(join(tmpdir(), 'rd-search-write-'));
  const db = new DatabaseSync(join(dir, 'w.sqlite'));
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(create);
    const put = insert(db);
    const byReturn = new Map<number, Row[]>();
    for (const item of items) byReturn.set(Number(item.return_id), [...(byReturn.get(Number(item.return_id)) ?? []), item]);
    const returns = [...byReturn.values()];
    const start = process.cpuUsage();
    for (let i = 0; i < returns.length; i += 100) {
      db.exec('BEGIN');
      for (const r of returns.slice(i, i + 100)) put(r);
      db.exec('COMMIT');
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { db: { type: 'string' } } });
  if (!values.db) throw new Error('--db: a database kept by bench/store-queries.ts --keep');
  const dir = mkdtempSync(join(tmpdir(), 'rd-search-candidates-'));
  try {
    const copy = join(dir, 'returndesk.sqlite');
    copyFileSync(values.db, copy);
    const store = openStore(copy);
    const sku = String((store.db.prepare('SELECT shop_sku FROM return_items ORDER BY return_id LIMIT 1').get() as Row).shop_sku);
    const word = String((store.db.prepare('SELECT name FROM product_names ORDER BY offer_id LIMIT 1').get() as Row).name)
      .split(/\s+/)[0]!
      .toUpperCase();
    const searches = [sku, sku.slice(0, 6), word];
    const rowsOf = (ids: number[]): unknown[] =>
      store.db
        .prepare(
          `SELECT r.id, r.order_id, r.refund_status, r.updated_at, (SELECT group_concat(shop_sku, char(31)) FROM return_items WHERE return_id = r.id) AS skus
           FROM json_each(?) page JOIN returns r ON r.id = page.value LEFT JOIN campaigns c ON c.id = r.campaign_id ORDER BY page.key`,
        )
        .all(JSON.stringify(ids));
    const candidates: Array<[string, Search]> = [
      ['A: search-terms table (term, inbox order), COUNT(DISTINCT)', termsTable(store.db)],
      ['B: covering SKU index with inbox order, COUNT(DISTINCT)', skuIndexCountDistinct(store.db)],
      ['C: FTS5 prefix indexes, count from FTS, page by inbox walk', fts5(store.db)],
    ];
    process.stdout.write(
      `\nSearch candidates: CPU per search with a page of 200 rows, ms (in brackets: finding the page's ids and the count)\n  ${'candidate'.padEnd(68)} ${searches.map((s) => s.padStart(14)).join(' ')}\n`,
    );
    // What was chosen, as the app runs it: the store's own search, which also maps each row for the list (the others read a lighter row query).
    const chosenCells = searches.map((text) =>
      String(
        round(
          cpuPerCall(20, () => store.inboxPage({ search: text }, { limit: 200 })),
          2,
        ),
      ).padStart(14),
    );
    process.stdout.write(`  ${'chosen: return_items_search (Store.inboxPage, rows mapped)'.padEnd(68)} ${chosenCells.join(' ')}\n`);
    for (const [name, search] of candidates) {
      const cells = searches.map((text) => {
        const expected = store.inboxPage({ search: text }, { limit: 1 }).total;
        const found = search(text).total;
        if (found !== expected) return `(${found}≠${expected})`.padStart(14);
        const find = cpuPerCall(20, () => search(text));
        const page = cpuPerCall(20, () => rowsOf(search(text).ids));
        return `${round(page, 2)} (${round(find, 2)})`.padStart(14);
      });
      process.stdout.write(`  ${name.padEnd(68)} ${cells.join(' ')}\n`);
    }
    const items = store.db
      .prepare('SELECT return_id, idx, shop_sku, sku_key, prev_key, inbox_key, inbox_updated FROM return_items ORDER BY return_id LIMIT 15000')
      .all() as Row[];
    const few = items.filter((i) => Number(i.return_id) <= Number(items[items.length - 1]!.return_id) - 1);
    const returnsWritten = new Set(few.map((i) => i.return_id)).size;
    const costs: Array<[string, number]> = [
      [
        'return_items index before: (shop_sku NOCASE)',
        writeCost(
          few,
          'CREATE TABLE t (return_id INTEGER, idx INTEGER, shop_sku TEXT COLLATE NOCASE, PRIMARY KEY (return_id, idx)) WITHOUT ROWID; CREATE INDEX t_sku ON t(shop_sku COLLATE NOCASE)',
          (db) => {
            const put = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
            return (rs) => rs.forEach((i) => put.run(i.return_id!, i.idx!, i.shop_sku!));
          },
        ),
      ],
      [
        'chosen: return_items_search and its four columns',
        writeCost(
          few,
          `CREATE TABLE t (return_id INTEGER, idx INTEGER, shop_sku TEXT COLLATE NOCASE, sku_key TEXT, prev_key TEXT, inbox_key INTEGER, inbox_updated INTEGER,
             PRIMARY KEY (return_id, idx)) WITHOUT ROWID; CREATE INDEX t_search ON t(sku_key, inbox_key, inbox_updated DESC, return_id DESC, prev_key)`,
          (db) => {
            const put = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)');
            return (rs) => rs.forEach((i) => put.run(i.return_id!, i.idx!, i.shop_sku!, i.sku_key!, i.prev_key!, i.inbox_key!, i.inbox_updated!));
          },
        ),
      ],
      [
        'A: the items (shop_sku index) and a search-terms table',
        writeCost(
          few,
          `CREATE TABLE t (return_id INTEGER, idx INTEGER, shop_sku TEXT COLLATE NOCASE, PRIMARY KEY (return_id, idx)) WITHOUT ROWID; CREATE INDEX t_sku ON t(shop_sku COLLATE NOCASE);
           CREATE TABLE terms (term TEXT NOT NULL, inbox_key INTEGER NOT NULL, inbox_updated INTEGER, return_id INTEGER NOT NULL, PRIMARY KEY (term, inbox_key, inbox_updated DESC, return_id DESC)) WITHOUT ROWID`,
          (db) => {
            const put = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
            const term = db.prepare('INSERT OR IGNORE INTO terms VALUES (?, ?, ?, ?)');
            return (rs) =>
              rs.forEach((i) => {
                put.run(i.return_id!, i.idx!, i.shop_sku!);
                term.run(i.sku_key!, i.inbox_key!, i.inbox_updated!, i.return_id!);
              });
          },
        ),
      ],
      [
        'C: the items (shop_sku index) and an FTS5 document per return',
        writeCost(
          few,
          `CREATE TABLE t (return_id INTEGER, idx INTEGER, shop_sku TEXT COLLATE NOCASE, PRIMARY KEY (return_id, idx)) WITHOUT ROWID; CREATE INDEX t_sku ON t(shop_sku COLLATE NOCASE);
           CREATE VIRTUAL TABLE f USING fts5(skus, content='', contentless_delete=1, tokenize="unicode61 tokenchars '-_./'", prefix='2 3 4 6')`,
          (db) => {
            const put = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
            const doc = db.prepare('INSERT INTO f (rowid, skus) VALUES (?, ?)');
            return (rs) => {
              rs.forEach((i) => put.run(i.return_id!, i.idx!, i.shop_sku!));
              doc.run(rs[0]!.return_id!, rs.map((i) => foldForSearch(String(i.shop_sku))).join(' '));
            };
          },
        ),
      ],
    ];
    process.stdout.write(`\nSearch candidates: CPU to write the items' search structures of ${returnsWritten} returns (100 per transaction), ms\n`);
    for (const [name, ms] of costs) process.stdout.write(`  ${name.padEnd(68)} ${String(round(ms, 0)).padStart(14)}\n`);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
