import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  NO_STATUS,
  type AvailableDecision,
  type OrderBalance,
  type OrderView,
  type ReturnDetail as ContractReturnDetail,
  type ReturnItemView,
} from '../../preload/contract.ts';
import type { BusinessOrderDTO, CampaignDTO, CurrencyValue, ReturnDTO } from '../market/schemas.ts';
import { mskDayEnd, mskDayStart } from '../../preload/moscow-time.ts';
import { awaitsDecision, DECISION_WINDOW_MS } from '../market/return-rules.ts';
import { PRIVATE_FILE_MODE, securePrivateFolder } from './data-folder.ts';
import { DiskFullError, diskFullOf } from './disk-full.ts';
import { BackgroundCheckpointer, WAL_KEPT_BYTES, type CheckpointerOptions } from './checkpointer.ts';
import { migrate, type Migration } from './migrations.ts';
import { MIGRATIONS } from './schema.ts';
import { sqliteAlertHistory, sqliteAlertMarks, sqliteChatWatch } from './alerts.ts';
import { sqliteMediaIndex } from './media.ts';
import { sqliteAnalytics, sqliteOrderMoney } from './analytics.ts';
import type {
  AlertHistoryRepository,
  AlertMarkRepository,
  AnalyticsRepository,
  CampaignRepository,
  ChatWatchRepository,
  DecisionOptionsRepository,
  OrderRepository,
  ReturnRepository,
  SyncStateRepository,
  MediaIndexRepository,
  OrderMoneyRepository,
} from './repositories.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { lineMoney, lineOf, orderBalance, positionMoney } from '../market/money.ts';
import { compareAsSqlite, foldForSearch, itemSearchKeys, prefixEnd } from './search-text.ts';
import { NO_DEADLINE_KEY } from './returns-schema.ts';
import { countFacets, FACET_FIELDS, facetColumns, nonFacetFilter, type FacetGroup } from './inbox-facets.ts';

/** Shortest text matched inside product names: one letter would match nearly every product. */
export const SEARCH_NAME_MIN = 2;

export { DiskFullError };

// One definition of "awaits a decision" and of the 48-hour window, shared with the deadline engine.
export { awaitsDecision, DECISION_WINDOW_MS };

export const STORE_FILE = 'returndesk.sqlite';

/** The store's file inside the data folder. */
export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILE);
}

/** Refund statuses that mean "awaiting a decision", for the fast lane's `statuses=` filter. */
export const AWAITING_STATUSES = ['PREMODERATION_DECISION_WAITING', 'WAITING_FOR_DECISION'] as const;

export interface CampaignRow {
  id: number;
  businessId: number | null;
  businessName: string | null;
  domain: string | null;
  placementType: string | null;
  apiAvailability: string | null;
  watched: boolean;
}

export interface ReturnRow {
  id: number;
  campaignId: number;
  orderId: number;
  returnType: string;
  refundStatus: string | null;
  shipmentStatus: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  amount: CurrencyValue | null;
  fastReturn: boolean;
  hasMarkedGoods: boolean;
  photoCount: number;
  itemCount: number;
  awaitingDecision: boolean;
  /** ISO time by which the decision must be submitted; null unless awaiting a decision. */
  decisionDeadline: string | null;
  pickupTill: string | null;
  /** Shop SKUs of the items, in item order. */
  skus: string[];
  campaignName: string | null;
  placementType: string | null;
}

/** What the deadline policy reads of a return an alert may concern, and the state of its newest decision (null: none). */
export type AlertCandidateRow = Pick<
  ReturnRow,
  'id' | 'campaignId' | 'orderId' | 'refundStatus' | 'shipmentStatus' | 'createdAt' | 'pickupTill' | 'campaignName' | 'placementType'
> & {
  outboxState: string | null;
};

/** An item of a stored return, exactly as the contract shows it. */
export type ItemDetail = ReturnItemView;

/** A stored order: the contract's view of it plus what only main needs. */
export type OrderRow = OrderView & {
  campaignId: number | null;
  businessId: number | null;
  programType: string | null;
  updatedAt: string | null;
  raw: BusinessOrderDTO;
};

export interface ReturnDetail {
  return: ReturnRow;
  raw: ReturnDTO;
  items: ItemDetail[];
  order: OrderRow | null;
  /** Other returns of the same order (a partial non-purchase leaves the order DELIVERED). */
  siblings: ReturnRow[];
  pickupPoint: ContractReturnDetail['pickupPoint'];
  /** The order's cost minus what each of its returns takes back. */
  money: OrderBalance;
}

export interface InboxFilter {
  awaitingDecision?: boolean;
  /** FBY/FBS/Express returns in PREMODERATION_DISPUTE. */
  inDispute?: boolean;
  /** Creation date range, inclusive, as YYYY-MM-DD days of Moscow time (the Market's calendar). */
  createdFrom?: string;
  createdTo?: string;
  campaignIds?: number[];
  returnType?: string;
  refundStatuses?: string[];
  shipmentStatuses?: string[];
  fastReturn?: boolean;
  hasPhotos?: boolean;
  /** An order id, a return id (exact), a shop SKU (prefix) or words of a product name (contained); any case. */
  search?: string;
}

export interface InboxCounts {
  total: number;
  awaitingDecision: number;
  inDispute: number;
  fastReturn: number;
  withPhotos: number;
  byCampaign: Record<string, number>;
  byType: Record<string, number>;
  byRefundStatus: Record<string, number>;
  byShipmentStatus: Record<string, number>;
}

export interface UpsertResult {
  inserted: number[];
  updated: number[];
  unchanged: number;
}

export interface SyncCursor {
  campaignId: number;
  backfillFrom: string | null;
  backfillPageToken: string | null;
  backfillDone: boolean;
  /** Highest updateDate (server clock, epoch ms) seen for this campaign. */
  watermark: number | null;
  lastSuccess: number | null;
  lastFast: number | null;
  lastSlow: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface SkipRecord {
  campaignId: number;
  entity: string;
  itemId: string | null;
  reason: string;
  firstSeen: number;
  lastSeen: number;
  times: number;
}

export interface StoreOptions {
  /** Extra migrations after the built-in ones (tests of the migration mechanism). */
  migrations?: readonly Migration[];
  /** Checkpoint the WAL on a worker thread instead of inside this connection's commits (the app's store). */
  backgroundCheckpoints?: boolean | CheckpointerOptions;
}

type Row = Record<string, SQLInputValue>;

const iso = (ms: unknown): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
const ms = (text: string | null | undefined): number | null => {
  if (!text) return null;
  const value = Date.parse(text);
  return Number.isNaN(value) ? null : value;
};
const bool = (value: boolean | null | undefined): number => (value ? 1 : 0);
const nul = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);
const money = (value: unknown, currency: unknown): CurrencyValue | null =>
  typeof value === 'number' && typeof currency === 'string' ? { value, currencyId: currency } : null;
/** A return position's share of its order line, when the order is stored. */
const positionOf = (order: BusinessOrderDTO | undefined, shopSku: string, units: number) => {
  const line = lineOf(order, shopSku);
  return line ? positionMoney(line, units) : null;
};
/** `amount`, else the deprecated amount in kopecks ("Сумма возврата в копейках", roubles implied). */
const amountOr = (amount: CurrencyValue | null | undefined, inKopecks: number | null | undefined): CurrencyValue | null =>
  amount ?? (typeof inKopecks === 'number' ? { value: inKopecks / 100, currencyId: 'RUR' } : null);

/** The one owner of the SQLite connection; every query the app runs lives here. */
export class Store
  implements
    SqliteConnection,
    CampaignRepository<'sync'>,
    ReturnRepository<'sync'>,
    OrderRepository<'sync'>,
    DecisionOptionsRepository<'sync'>,
    SyncStateRepository<'sync'>
{
  readonly db: DatabaseSync;
  readonly path: string;
  readonly schemaVersion: number;
  /** Files of the data folder that could not be made private to the owner (another owner's). */
  readonly folderProblems: string[] = [];
  private readonly statements = new Map<string, StatementSync>();
  private txDepth = 0;
  /** Set while a worker checkpoints the WAL for this connection. */
  readonly checkpointer: BackgroundCheckpointer | null = null;

  // The table families' repositories on this connection.
  readonly alertMarks: AlertMarkRepository<'sync'> = sqliteAlertMarks(this);
  readonly alertHistory: AlertHistoryRepository<'sync'> = sqliteAlertHistory(this);
  readonly chatWatch: ChatWatchRepository<'sync'> = sqliteChatWatch(this);
  readonly media: MediaIndexRepository<'sync'> = sqliteMediaIndex(this);
  readonly analytics: AnalyticsRepository<'sync'> = sqliteAnalytics(this);
  readonly orderMoney: OrderMoneyRepository<'sync'> = sqliteOrderMoney(this);

  /**
   * Set while writes fail because the disk is full, with the rows of the largest write that failed;
   * cleared when a write at least that large commits (a small one fitting in the last free pages proves little).
   */
  #diskFull: { error: DiskFullError; since: number; rows: number } | null = null;

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path;
    if (path !== ':memory:') {
      this.folderProblems = securePrivateFolder(dirname(path));
      // Created 0600 before SQLite opens it: SQLite gives the WAL and SHM files the database's mode.
      closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
    }
    this.db = new DatabaseSync(path);
    try {
      // First: another connection (a closing checkpoint worker, the CLI beside the app) may hold a lock for a moment.
      this.db.exec('PRAGMA busy_timeout = 5000');
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec('PRAGMA foreign_keys = ON');
      this.db.exec('PRAGMA synchronous = NORMAL');
      // A WAL that grew in a burst is cut back when it starts over, instead of keeping its largest size on disk.
      this.db.exec(`PRAGMA journal_size_limit = ${WAL_KEPT_BYTES}`);
      // 16 MiB of pages instead of 2: a page of the inbox or a search reads index and row pages that would not stay cached.
      this.db.exec('PRAGMA cache_size = -16384');
      this.schemaVersion = migrate(this.db, [...MIGRATIONS, ...(options.migrations ?? [])]);
    } catch (error) {
      this.db.close();
      throw diskFullOf(error, this.folder) ?? error;
    }
    if (options.backgroundCheckpoints && path !== ':memory:') {
      // A checkpoint copies the WAL into the database and fsyncs both: tens of ms a commit must not carry.
      this.db.exec('PRAGMA wal_autocheckpoint = 0');
      this.checkpointer = new BackgroundCheckpointer(
        path,
        () => {
          if (this.db.isOpen) this.db.exec('PRAGMA wal_autocheckpoint = 1000');
        },
        options.backgroundCheckpoints === true ? {} : options.backgroundCheckpoints,
      );
    }
  }

  /** The folder the database lives in (named in the operator's messages). */
  get folder(): string {
    return this.path === ':memory:' ? '(memory)' : dirname(this.path);
  }

  /** Why writes fail right now (the disk is full) and since when; null when the last write committed. */
  get diskFull(): { message: string; folder: string; detail: string; since: number } | null {
    const problem = this.#diskFull;
    return problem && { message: problem.error.message, folder: problem.error.folder, detail: problem.error.detail, since: problem.since };
  }

  close(): void {
    this.statements.clear();
    this.checkpointer?.close();
    if (this.db.isOpen) this.db.close();
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested); rolls back if it or the commit throws. A
   * failed commit leaves the connection as it was before (SQLite may already have rolled back), and
   * a full disk is thrown as a DiskFullError that says so.
   */
  transaction<T>(fn: () => T): T {
    const depth = this.txDepth;
    const name = `sp${depth}`;
    const changesBefore = depth === 0 ? this.totalChanges() : 0;
    try {
      this.db.exec(depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${name}`);
    } catch (error) {
      throw this.failed(error, 0);
    }
    this.txDepth = depth + 1;
    try {
      const result = fn();
      this.db.exec(depth === 0 ? 'COMMIT' : `RELEASE ${name}`);
      if (depth === 0 && this.#diskFull && this.totalChanges() - changesBefore >= this.#diskFull.rows) this.#diskFull = null;
      return result;
    } catch (error) {
      const rows = depth === 0 ? this.totalChanges() - changesBefore : 0;
      // After SQLITE_FULL or an I/O error SQLite may have rolled the whole transaction back itself.
      if (this.db.isTransaction) {
        try {
          this.db.exec(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${name}; RELEASE ${name}`);
        } catch {
          // The original error says what went wrong; a failed rollback ends the transaction anyway.
        }
      }
      throw this.failed(error, rows);
    } finally {
      this.txDepth = depth;
    }
  }

  /** Rows changed on this connection so far (counts statements of rolled-back transactions too). */
  private totalChanges(): number {
    return Number((this.stmt('SELECT total_changes() AS n').get() as { n: number }).n);
  }

  /** A write failure as the operator should read it, remembered while the disk stays full. */
  private failed(error: unknown, rows: number): unknown {
    const full = diskFullOf(error, this.folder);
    if (!full) return error;
    // The largest write that failed while the disk stayed full must fit again before it counts as free.
    this.#diskFull = { error: full, since: this.#diskFull?.since ?? Date.now(), rows: Math.max(rows, this.#diskFull?.rows ?? 0) };
    return full;
  }

  /** A prepared statement, cached for the connection's life (for the table families' repositories). */
  stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  // ------------------------------------------------------------ campaigns

  /** Inserts or refreshes campaigns; new ones are watched by default, the watch flag of known ones is kept. */
  upsertCampaigns(campaigns: readonly CampaignDTO[], now: number): { added: number[] } {
    const added: number[] = [];
    this.transaction(() => {
      for (const c of campaigns) {
        const existed = this.stmt('SELECT 1 FROM campaigns WHERE id = ?').get(c.id) !== undefined;
        this.stmt(
          `INSERT INTO campaigns (id, business_id, business_name, domain, placement_type, api_availability, raw_json, seen_at)
           VALUES (:id, :businessId, :businessName, :domain, :placementType, :apiAvailability, :raw, :now)
           ON CONFLICT(id) DO UPDATE SET business_id = excluded.business_id, business_name = excluded.business_name,
             domain = excluded.domain, placement_type = excluded.placement_type,
             api_availability = excluded.api_availability, raw_json = excluded.raw_json, seen_at = excluded.seen_at`,
        ).run({
          id: c.id,
          businessId: nul(c.business?.id),
          businessName: nul(c.business?.name),
          domain: nul(c.domain),
          placementType: nul(c.placementType),
          apiAvailability: nul(c.apiAvailability),
          raw: JSON.stringify(c),
          now,
        });
        if (!existed) added.push(c.id);
      }
    });
    return { added };
  }

  listCampaigns(): CampaignRow[] {
    return this.stmt('SELECT * FROM campaigns ORDER BY id')
      .all()
      .map((r) => campaignRow(r as Row));
  }

  getCampaign(id: number): CampaignRow | undefined {
    const row = this.stmt('SELECT * FROM campaigns WHERE id = ?').get(id);
    return row ? campaignRow(row as Row) : undefined;
  }

  setWatched(campaignId: number, watched: boolean): void {
    const result = this.transaction(() => this.stmt('UPDATE campaigns SET watched = ? WHERE id = ?').run(bool(watched), campaignId));
    if (Number(result.changes) === 0) throw new Error(`campaignId ${campaignId} is not a known store`);
  }

  watchedCampaigns(): CampaignRow[] {
    return this.stmt('SELECT * FROM campaigns WHERE watched = 1 ORDER BY id')
      .all()
      .map((r) => campaignRow(r as Row));
  }

  // ------------------------------------------------------------ returns

  /** Idempotent upsert of returns of one campaign; children are rewritten only when the DTO changed. */
  upsertReturns(campaignId: number, returns: readonly ReturnDTO[], now: number): UpsertResult {
    const result: UpsertResult = { inserted: [], updated: [], unchanged: 0 };
    if (returns.length === 0) return result;
    const placement = (this.stmt('SELECT placement_type FROM campaigns WHERE id = ?').get(campaignId) as Row | undefined)?.placement_type;
    if (placement === undefined) throw new Error(`campaignId ${campaignId} is not a known store: upsert the campaign first`);
    this.transaction(() => {
      for (const dto of returns) {
        const raw = JSON.stringify(dto);
        const existing = this.stmt('SELECT raw_json, campaign_id FROM returns WHERE id = ?').get(dto.id) as Row | undefined;
        if (existing && existing.raw_json === raw && existing.campaign_id === campaignId) {
          result.unchanged++;
          continue;
        }
        this.writeReturn(campaignId, typeof placement === 'string' ? placement : null, dto, raw, now, existing !== undefined);
        (existing ? result.updated : result.inserted).push(dto.id);
      }
    });
    return result;
  }

  private writeReturn(campaignId: number, placement: string | null, dto: ReturnDTO, raw: string, now: number, existed: boolean): void {
    const createdAt = ms(dto.creationDate);
    const awaiting = awaitsDecision(placement, dto.refundStatus);
    const deadline = awaiting && createdAt !== null ? createdAt + DECISION_WINDOW_MS : null;
    const amount = amountOr(dto.amount, dto.refundAmount);
    let photoCount = 0;
    let marked = false;
    for (const item of dto.items) {
      for (const decision of item.decisions ?? []) photoCount += new Set(decision.images ?? []).size;
      for (const instance of item.instances ?? []) if (instance.cis) marked = true;
    }
    const values: SQLInputValue[] = [
      campaignId,
      dto.orderId,
      dto.returnType,
      nul(dto.refundStatus),
      nul(dto.shipmentStatus),
      createdAt,
      ms(dto.updateDate),
      nul(amount?.value),
      nul(amount?.currencyId),
      bool(dto.fastReturn),
      bool(marked),
      photoCount,
      dto.items.length,
      bool(awaiting),
      deadline,
      ms(dto.pickupTillDate),
      raw,
      now,
    ];
    // A plain INSERT or UPDATE, not an upsert: whether the row exists is already known, and an upsert costs twice the insert.
    if (existed) this.stmt(RETURN_UPDATE).run(...values, dto.id);
    else this.stmt(RETURN_INSERT).run(dto.id, ...values);
    if (existed) {
      for (const table of ['return_items', 'item_decisions', 'photos', 'instances']) {
        this.stmt(`DELETE FROM ${table} WHERE return_id = ?`).run(dto.id);
      }
    }
    // Search reads the return's inbox order and its facets (the chip counts) from its items: they are rewritten whenever the return's row is.
    const searchKeys = itemSearchKeys(dto.items.map((item) => item.shopSku));
    const facets = FACET_FIELDS.map((column) => values[RETURN_WRITE_COLUMNS.indexOf(column)]!);
    dto.items.forEach((item, idx) => {
      const returnItemId = item.decisions?.find((d) => typeof d.returnItemId === 'number')?.returnItemId ?? null;
      this.stmt(RETURN_ITEM_INSERT).run(
        dto.id,
        idx,
        item.shopSku,
        nul(item.marketSku),
        item.count,
        returnItemId,
        searchKeys[idx]!.key,
        searchKeys[idx]!.prev,
        deadline ?? NO_DEADLINE_KEY,
        ms(dto.updateDate),
        ...facets,
      );
      (item.decisions ?? []).forEach((d, seq) => {
        const itemAmount = amountOr(d.amount, d.refundAmount);
        const compensation = amountOr(d.partnerCompensationAmount, d.partnerCompensation);
        this.stmt(
          `INSERT INTO item_decisions (return_id, item_idx, seq, return_item_id, decision_type, reason_type, subreason_type,
             count, comment, amount_value, amount_currency, compensation_value, compensation_currency)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          dto.id,
          idx,
          seq,
          nul(d.returnItemId),
          nul(d.decisionType),
          nul(d.reasonType),
          nul(d.subreasonType),
          nul(d.count),
          nul(d.comment),
          nul(itemAmount?.value),
          nul(itemAmount?.currencyId),
          nul(compensation?.value),
          nul(compensation?.currencyId),
        );
        for (const hash of new Set(d.images ?? [])) {
          this.stmt('INSERT OR IGNORE INTO photos (return_id, item_idx, return_item_id, image_hash) VALUES (?, ?, ?, ?)').run(
            dto.id,
            idx,
            nul(d.returnItemId ?? returnItemId),
            hash,
          );
        }
      });
      (item.instances ?? []).forEach((instance, seq) => {
        this.stmt('INSERT INTO instances (return_id, item_idx, seq, cis, imei, status, stock_type) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          dto.id,
          idx,
          seq,
          nul(instance.cis),
          nul(instance.imei),
          nul(instance.status),
          nul(instance.stockType),
        );
      });
    });
    // Marked goods may also be known from the order (CIS required on the item).
    if (!marked && this.stmt('SELECT 1 FROM orders WHERE id = ?').get(dto.orderId) !== undefined) this.markGoodsFromOrder(dto.orderId);
  }

  getReturn(id: number): ReturnRow | undefined {
    const row = this.stmt(`${RETURN_SELECT} WHERE r.id = ?`).get(id);
    return row ? returnRow(row as Row) : undefined;
  }

  /** The stored DTO of a return, as last read from the Market. */
  getReturnDto(id: number): ReturnDTO | undefined {
    const row = this.stmt('SELECT raw_json FROM returns WHERE id = ?').get(id) as Row | undefined;
    return row ? (JSON.parse(String(row.raw_json)) as ReturnDTO) : undefined;
  }

  countReturns(campaignId?: number): number {
    const row = (
      campaignId === undefined
        ? this.stmt('SELECT COUNT(*) AS n FROM returns').get()
        : this.stmt('SELECT COUNT(*) AS n FROM returns WHERE campaign_id = ?').get(campaignId)
    ) as Row;
    return Number(row.n);
  }

  /** Returns stored as awaiting a decision for a campaign (the fast lane re-reads those that left the list). */
  awaitingReturnRefs(campaignId: number): Array<{ id: number; orderId: number }> {
    return this.stmt('SELECT id, order_id FROM returns WHERE campaign_id = ? AND awaiting_decision = 1')
      .all(campaignId)
      .map((r) => ({ id: Number((r as Row).id), orderId: Number((r as Row).order_id) }));
  }

  /** Every return awaiting a decision, soonest deadline first, with the time left at `now`. */
  awaitingDecision(now: number, campaignIds?: number[]): Array<ReturnRow & { msLeft: number | null }> {
    const where = ['r.awaiting_decision = 1'];
    const params: SQLInputValue[] = [];
    if (campaignIds?.length) {
      where.push(`r.campaign_id IN (${campaignIds.map(() => '?').join(',')})`);
      params.push(...campaignIds);
    }
    return this.db
      .prepare(`${RETURN_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.decision_deadline IS NULL, r.decision_deadline, r.id`)
      .all(...params)
      .map((r) => {
        const row = returnRow(r as Row);
        const deadline = (r as Row).decision_deadline;
        return { ...row, msLeft: typeof deadline === 'number' ? deadline - now : null };
      });
  }

  /** State of the latest (non-quarantined) outbox entry of a return, or null. */
  latestOutboxState(returnId: number): string | null {
    const row = this.stmt('SELECT state FROM outbox WHERE return_id = ? AND quarantined = 0 ORDER BY id DESC LIMIT 1').get(returnId) as
      { state: string } | undefined;
    return row?.state ?? null;
  }

  /**
   * Returns an alert may concern (awaiting a decision, in dispute, or ready for pickup), with only what the deadline
   * policy reads and the newest decision's state in the same pass: the alert tick and the status board read this for
   * every candidate (thousands at 50,000 returns), so no raw JSON, no SKUs and no query per row.
   */
  /**
   * Moves whenever a row of the store may have changed: this connection's writes (SQLite's total_changes, which
   * counts every inserted, updated and deleted row) and another connection's commits (data_version). Equal
   * twice, nothing was written in between; a reader may keep what it derived from the rows.
   */
  changeVersion(): string {
    const written = (this.stmt('SELECT total_changes() AS n').get() as Row).n;
    const others = (this.stmt('PRAGMA data_version').get() as Row).data_version;
    return `${String(written)}:${String(others)}`;
  }

  alertCandidates(): AlertCandidateRow[] {
    return this.stmt(
      `SELECT r.id, r.order_id, r.campaign_id, r.refund_status, r.shipment_status, r.created_at, r.pickup_till,
         c.business_name AS campaign_name, c.domain AS campaign_domain, c.placement_type AS placement_type,
         (SELECT o.state FROM outbox o WHERE o.return_id = r.id AND o.quarantined = 0 ORDER BY o.id DESC LIMIT 1) AS outbox_state
       FROM returns r LEFT JOIN campaigns c ON c.id = r.campaign_id
       WHERE r.awaiting_decision = 1 OR r.refund_status = '${DISPUTE_STATUS}' OR r.shipment_status = 'READY_FOR_PICKUP'`,
    )
      .all()
      .map((r) => {
        const row = r as Row;
        return {
          id: Number(row.id),
          orderId: Number(row.order_id),
          campaignId: Number(row.campaign_id),
          campaignName: (row.campaign_domain as string | null) ?? (row.campaign_name as string | null),
          placementType: row.placement_type as string | null,
          refundStatus: row.refund_status as string | null,
          shipmentStatus: row.shipment_status as string | null,
          createdAt: iso(row.created_at),
          pickupTill: iso(row.pickup_till),
          outboxState: row.outbox_state as string | null,
        };
      });
  }

  /** One page of the inbox: soonest deadline first (none last), then most recently updated. */
  inboxPage(filter: InboxFilter = {}, page: { limit?: number; offset?: number } = {}): { rows: ReturnRow[]; total: number } {
    const limit = Math.min(Math.max(1, Math.floor(page.limit ?? 50)), 500);
    const offset = Math.max(0, Math.floor(page.offset ?? 0));
    const search = this.#searchPlan(filter.search);
    if (search && searchIsTheOnlyFilter(filter)) return this.#searchPage(search, limit, offset);
    const { where, params } = buildWhere(filter, search, this.#broadSearch(search));
    // Two steps: pick the page's ids along the inbox-order index, then read only those rows (without the raw JSON).
    const rows = this.stmt(
      `${RETURN_LIST_COLUMNS} FROM (SELECT r.id AS page_id FROM returns r ${where} ORDER BY ${INBOX_ORDER} LIMIT ? OFFSET ?) page
       JOIN returns r ON r.id = page.page_id LEFT JOIN campaigns c ON c.id = r.campaign_id ORDER BY ${INBOX_ORDER}`,
    )
      .all(...params, limit, offset)
      .map((r) => returnRow(r as Row));
    const total = Number((this.stmt(`SELECT COUNT(*) AS n FROM returns r ${where}`).get(...params) as Row).n);
    return { rows, total };
  }

  /**
   * What a search looks for: a SKU prefix (the range of folded SKUs starting with the text), the SKUs of
   * products whose names contain it (a scan of the catalogue, not of the returns), and an id typed as digits.
   */
  #searchPlan(text: string | undefined): SearchPlan | null {
    const trimmed = text?.trim();
    if (!trimmed) return null;
    const key = foldForSearch(trimmed);
    const end = prefixEnd(key);
    const digits = trimmed.replace(/[\s\u00a0]/g, '');
    const id = /^\d{1,18}$/.test(digits) ? Number(digits) : null;
    const prefixHits = this.stmt('SELECT 1 FROM return_items WHERE sku_key >= ? AND sku_key < ? LIMIT 1').get(key, end) !== undefined;
    const inPrefix = (sku: string): boolean => prefixHits && compareAsSqlite(sku, key) >= 0 && compareAsSqlite(sku, end) < 0;
    const names =
      [...key].length < SEARCH_NAME_MIN
        ? []
        : [
            ...new Set(
              this.stmt('SELECT offer_id FROM product_names WHERE instr(folded, ?) > 0')
                .all(key)
                .map((r) => foldForSearch(String((r as Row).offer_id))),
            ),
          ].filter((sku) => !inPrefix(sku));
    return { key, end, prefixHits, names, id };
  }

  /**
   * A search alone, from the return_items_search index: the page in inbox order and the count read from the
   * index, the returns' rows only for the page. A SKU prefix alone counts each return by its lowest matching item.
   */
  #searchPage(plan: SearchPlan, limit: number, offset: number): { rows: ReturnRow[]; total: number } {
    let ids: number[];
    let total: number;
    if (!plan.names.length && plan.id === null) {
      const first = 'FROM return_items WHERE sku_key >= ? AND sku_key < ? AND (prev_key IS NULL OR prev_key < ?)';
      total = plan.prefixHits ? Number((this.stmt(`SELECT COUNT(*) AS n ${first}`).get(plan.key, plan.end, plan.key) as Row).n) : 0;
      ids = total ? this.#prefixPageIds(plan, limit, offset) : [];
    } else {
      const { sql, params } = searchArms(plan);
      total = Number((this.stmt(`SELECT COUNT(DISTINCT return_id) AS n FROM (${sql})`).get(...params) as Row).n);
      ids = this.#distinctPageIds(sql, params, limit, offset);
    }
    const rows = ids.length
      ? this.stmt(
          `${RETURN_LIST_COLUMNS} FROM json_each(?) page JOIN returns r ON r.id = page.value LEFT JOIN campaigns c ON c.id = r.campaign_id ORDER BY page.key`,
        )
          .all(JSON.stringify(ids))
          .map((r) => returnRow(r as Row))
      : [];
    return { rows, total };
  }

  /**
   * A page of a SKU prefix: each SKU's entries already lie in inbox order, so a few SKUs are merged as they
   * are read and the merge stops at the page; a prefix shared by many SKUs sorts its entries, keeping only the page.
   */
  #prefixPageIds(plan: SearchPlan, limit: number, offset: number): number[] {
    const skus: string[] = [];
    for (let after: string | null = null; skus.length <= PREFIX_MERGE_SKUS;) {
      const next = (
        after === null
          ? this.stmt('SELECT sku_key FROM return_items WHERE sku_key >= ? AND sku_key < ? ORDER BY sku_key LIMIT 1').get(plan.key, plan.end)
          : this.stmt('SELECT sku_key FROM return_items WHERE sku_key > ? AND sku_key < ? ORDER BY sku_key LIMIT 1').get(after, plan.end)
      ) as Row | undefined;
      if (!next) break;
      after = String(next.sku_key);
      skus.push(after);
    }
    const order = 'ORDER BY inbox_key, inbox_updated DESC, return_id DESC LIMIT ? OFFSET ?';
    const read =
      skus.length <= PREFIX_MERGE_SKUS
        ? this.stmt(
            `${skus.map(() => 'SELECT inbox_key, inbox_updated, return_id FROM return_items WHERE sku_key = ? AND (prev_key IS NULL OR prev_key < ?)').join(' UNION ALL ')} ${order}`,
          ).all(...skus.flatMap((sku) => [sku, plan.key]), limit, offset)
        : this.stmt(`SELECT return_id FROM return_items WHERE sku_key >= ? AND sku_key < ? AND (prev_key IS NULL OR prev_key < ?) ${order}`).all(
            plan.key,
            plan.end,
            plan.key,
            limit,
            offset,
          );
    return read.map((r) => Number((r as Row).return_id));
  }

  /** A page of rows in inbox order that may name a return more than once (side by side, as its keys are equal): read on until it is full. */
  #distinctPageIds(sql: string, params: SQLInputValue[], limit: number, offset: number): number[] {
    const wanted = offset + limit;
    for (let read = wanted + 32; ; read *= 2) {
      const rows = this.stmt(`SELECT return_id FROM (${sql}) ORDER BY inbox_key, inbox_updated DESC, return_id DESC LIMIT ?`).all(...params, read);
      const ids: number[] = [];
      for (const row of rows) {
        const id = Number((row as Row).return_id);
        if (ids[ids.length - 1] !== id) ids.push(id);
      }
      if (ids.length >= wanted || rows.length < read) return ids.slice(offset, wanted);
    }
  }

  /**
   * Whether a search matches so many items that checking each index entry beats looking each hit up:
   * a hit costs a lookup of its row, while a walk of the inbox index stops once the page is full.
   */
  #broadSearch(plan: SearchPlan | null): boolean {
    return plan !== null && this.#searchItems(plan) > BROAD_SEARCH_ITEMS;
  }

  /** The items a search matches: exact for a SKU prefix alone; with names, counted only until it is broad. */
  #searchItems(plan: SearchPlan): number {
    let items = plan.prefixHits
      ? Number((this.stmt('SELECT COUNT(*) AS n FROM return_items WHERE sku_key >= ? AND sku_key < ?').get(plan.key, plan.end) as Row).n)
      : 0;
    if (items <= BROAD_SEARCH_ITEMS && plan.names.length) {
      items += Number(
        (this.stmt('SELECT COUNT(*) AS n FROM return_items WHERE sku_key IN (SELECT value FROM json_each(?))').get(JSON.stringify(plan.names)) as Row).n,
      );
    }
    return items;
  }

  /** Counts for the inbox's filter chips; each facet is counted with the other filters applied. */
  inboxCounts(filter: InboxFilter = {}): InboxCounts {
    const search = this.#searchPlan(filter.search);
    const items = search ? this.#searchItems(search) : 0;
    if (search && items > FACET_WALK_ITEMS && search.id === null && !search.names.length && !filter.createdFrom && !filter.createdTo) {
      // A broad SKU prefix alone: one walk of return_items_facets, grouped in its order, each return counted by its lowest matching item,
      // instead of probing every return along returns_facets against the list of hits.
      const columns = facetColumns('i');
      const groups = this.stmt(
        `SELECT ${columns}, COUNT(*) AS n FROM return_items i INDEXED BY return_items_facets
         WHERE i.sku_key >= ? AND i.sku_key < ? AND (i.prev_key IS NULL OR i.prev_key < ?) GROUP BY ${columns}`,
      ).all(search.key, search.end, search.key);
      return countFacets(groups as unknown as FacetGroup[], filter);
    }
    // One pass along the returns_facets index: the rows of the non-facet filters, grouped by every facet's column.
    const { where, params } = buildWhere(nonFacetFilter(filter), search, items > BROAD_SEARCH_ITEMS);
    const columns = facetColumns('r');
    const groups = this.stmt(`SELECT ${columns}, COUNT(*) AS n FROM returns r ${where} GROUP BY ${columns}`).all(...params);
    return countFacets(groups as unknown as FacetGroup[], filter);
  }

  /** A return with its items (decisions, photos, CIS/IMEI), its order and the other returns of that order. */
  returnDetail(id: number): ReturnDetail | undefined {
    const row = this.stmt(`${RETURN_SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
    if (!row) return undefined;
    const ret = returnRow(row);
    const raw = JSON.parse(String(row.raw_json)) as ReturnDTO;
    const decisions = this.stmt('SELECT * FROM item_decisions WHERE return_id = ? ORDER BY item_idx, seq').all(id) as Row[];
    const photos = this.stmt('SELECT * FROM photos WHERE return_id = ? ORDER BY item_idx, image_hash').all(id) as Row[];
    const instances = this.stmt('SELECT * FROM instances WHERE return_id = ? ORDER BY item_idx, seq').all(id) as Row[];
    const order = this.getOrder(ret.orderId) ?? null;
    const items = (
      this.stmt(
        `SELECT ri.*, (SELECT oi.offer_name FROM order_items oi WHERE oi.order_id = ? AND oi.offer_id = ri.shop_sku LIMIT 1) AS name
         FROM return_items ri WHERE ri.return_id = ? ORDER BY ri.idx`,
      ).all(ret.orderId, id) as Row[]
    ).map((item): ItemDetail => ({
      idx: Number(item.idx),
      shopSku: String(item.shop_sku),
      marketSku: item.market_sku === null ? null : Number(item.market_sku),
      name: (item.name as string | null) ?? null,
      count: Number(item.count),
      returnItemId: item.return_item_id === null ? null : Number(item.return_item_id),
      decisions: decisions
        .filter((d) => d.item_idx === item.idx)
        .map((d) => ({
          returnItemId: d.return_item_id === null ? null : Number(d.return_item_id),
          decisionType: d.decision_type as string | null,
          reasonType: d.reason_type as string | null,
          subreasonType: d.subreason_type as string | null,
          count: d.count === null ? null : Number(d.count),
          comment: d.comment as string | null,
          amount: money(d.amount_value, d.amount_currency),
          partnerCompensation: money(d.compensation_value, d.compensation_currency),
        })),
      position: positionOf(order?.raw, String(item.shop_sku), Number(item.count)),
      photos: photos
        .filter((p) => p.item_idx === item.idx)
        .map((p) => ({ returnItemId: p.return_item_id === null ? null : Number(p.return_item_id), imageHash: String(p.image_hash) })),
      instances: instances
        .filter((x) => x.item_idx === item.idx)
        .map((x) => ({
          cis: x.cis as string | null,
          imei: x.imei as string | null,
          status: x.status as string | null,
          stockType: x.stock_type as string | null,
        })),
      tracks: (raw.items[Number(item.idx)]?.tracks ?? []).map((t) => t.trackCode).filter((t): t is string => Boolean(t)),
    }));
    const siblings = this.stmt(`${RETURN_SELECT} WHERE r.order_id = ? AND r.id <> ? ORDER BY r.created_at, r.id`)
      .all(ret.orderId, id)
      .map((r) => returnRow(r as Row));
    const point = raw.logisticPickupPoint;
    const address = point?.address
      ? [point.address.postcode, point.address.city, point.address.street, point.address.house].filter(Boolean).join(', ') || null
      : null;
    const pickupPoint = point ? { name: point.name ?? null, address, instruction: point.instruction ?? null } : null;
    const facts = this.orderMoney.balanceFacts([ret.orderId]).get(ret.orderId)!;
    const balance = orderBalance(facts.order, facts.returns);
    return { return: ret, raw, items, order, siblings, pickupPoint, money: balance };
  }

  // ------------------------------------------------------------ orders

  /** Idempotent upsert of orders with their items; returns the ids written. */
  upsertOrders(orders: readonly BusinessOrderDTO[], now: number): number[] {
    const written: number[] = [];
    this.transaction(() => {
      for (const o of orders) {
        this.stmt(
          `INSERT INTO orders (id, campaign_id, business_id, program_type, status, substatus, created_at, updated_at, raw_json, synced_at)
           VALUES (:id, :campaignId, NULL, :programType, :status, :substatus, :createdAt, :updatedAt, :raw, :now)
           ON CONFLICT(id) DO UPDATE SET campaign_id = excluded.campaign_id, program_type = excluded.program_type,
             status = excluded.status, substatus = excluded.substatus, created_at = excluded.created_at,
             updated_at = excluded.updated_at, raw_json = excluded.raw_json, synced_at = excluded.synced_at`,
        ).run({
          id: o.orderId,
          campaignId: nul(o.campaignId),
          programType: nul(o.programType),
          status: nul(o.status),
          substatus: nul(o.substatus),
          createdAt: ms(o.creationDate),
          updatedAt: ms(o.updateDate),
          raw: JSON.stringify(o),
          now,
        });
        this.stmt('DELETE FROM order_items WHERE order_id = ?').run(o.orderId);
        for (const item of o.items) {
          const marked =
            (item.requiredInstanceTypes ?? []).some((t) => t === 'CIS' || t === 'CIS_OPTIONAL') ||
            (item.instances ?? []).some((i) => Boolean(i.cis || i.cisFull));
          this.stmt('INSERT OR REPLACE INTO order_items (order_id, item_id, offer_id, offer_name, count, marked, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
            o.orderId,
            item.id,
            item.offerId,
            nul(item.offerName),
            nul(item.count),
            bool(marked),
            JSON.stringify(item),
          );
          if (item.offerName)
            this.stmt('INSERT OR REPLACE INTO product_names (offer_id, name, folded) VALUES (?, ?, ?)').run(
              item.offerId,
              item.offerName,
              foldForSearch(item.offerName),
            );
        }
        this.markGoodsFromOrder(o.orderId);
        written.push(o.orderId);
      }
    });
    return written;
  }

  private markGoodsFromOrder(orderId: number): void {
    this.stmt(
      `UPDATE returns SET has_marked_goods = 1 WHERE order_id = ? AND has_marked_goods = 0 AND EXISTS (
         SELECT 1 FROM return_items ri JOIN order_items oi ON oi.order_id = returns.order_id AND oi.offer_id = ri.shop_sku
         WHERE ri.return_id = returns.id AND oi.marked = 1)`,
    ).run(orderId);
  }

  getOrder(id: number): OrderRow | undefined {
    const row = this.stmt('SELECT * FROM orders WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const items = (this.stmt('SELECT * FROM order_items WHERE order_id = ? ORDER BY item_id').all(id) as Row[]).map((i) => {
      const rawItem = JSON.parse(String(i.raw_json)) as BusinessOrderDTO['items'][number];
      const statuses = rawItem.itemStatuses ?? [];
      return {
        itemId: Number(i.item_id),
        offerId: String(i.offer_id),
        offerName: i.offer_name as string | null,
        count: i.count === null ? null : Number(i.count),
        initialCount: statuses.length ? statuses.reduce((n, s) => n + s.count, 0) : null,
        money: lineMoney(rawItem),
        marked: i.marked === 1,
      };
    });
    const rawOrder = JSON.parse(String(row.raw_json)) as BusinessOrderDTO;
    return {
      id: Number(row.id),
      campaignId: row.campaign_id === null ? null : Number(row.campaign_id),
      businessId: row.business_id === null ? null : Number(row.business_id),
      programType: row.program_type as string | null,
      status: row.status as string | null,
      substatus: row.substatus as string | null,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      items,
      raw: rawOrder,
    };
  }

  /** Orders of a store's returns that are not stored (an earlier fetch failed), at most `limit`. */
  ordersMissingForCampaign(campaignId: number, limit: number): number[] {
    return this.stmt('SELECT DISTINCT r.order_id AS id FROM returns r LEFT JOIN orders o ON o.id = r.order_id WHERE r.campaign_id = ? AND o.id IS NULL LIMIT ?')
      .all(campaignId, limit)
      .map((row) => Number((row as Row).id));
  }

  /** The stored returns of these orders (a return belongs to one order; an order may have several returns). */
  returnIdsOfOrders(orderIds: readonly number[]): number[] {
    if (orderIds.length === 0) return [];
    return this.stmt('SELECT id FROM returns WHERE order_id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify([...new Set(orderIds)]))
      .map((row) => Number((row as Row).id));
  }

  /** Of `orderIds`, those with no stored order. */
  missingOrderIds(orderIds: readonly number[]): number[] {
    const out: number[] = [];
    for (const id of new Set(orderIds)) if (this.stmt('SELECT 1 FROM orders WHERE id = ?').get(id) === undefined) out.push(id);
    return out;
  }

  // ------------------------------------------------------------ available decisions

  /**
   * Keeps what the Market allows for a return (getReturnAvailableDecisions), so a decision can be
   * checked and queued while the Market is unreachable. `fetchedAt` is when the request was sent.
   */
  saveDecisionOptions(returnId: number, decisions: readonly AvailableDecision[], fetchedAt: number): void {
    this.stmt('INSERT OR REPLACE INTO available_decisions_cache (return_id, json, fetched_at) VALUES (?, ?, ?)').run(
      returnId,
      JSON.stringify(decisions),
      fetchedAt,
    );
  }

  /**
   * The kept answer for a return; `current` when it was fetched after the return last changed in
   * the store (nothing newer is known to the app).
   */
  decisionOptions(returnId: number): { json: string; fetchedAt: number; current: boolean } | undefined {
    const row = this.stmt(
      'SELECT c.json, c.fetched_at, r.synced_at FROM available_decisions_cache c LEFT JOIN returns r ON r.id = c.return_id WHERE c.return_id = ?',
    ).get(returnId) as Row | undefined;
    if (!row) return undefined;
    const fetchedAt = Number(row.fetched_at);
    return { json: String(row.json), fetchedAt, current: row.synced_at !== null && fetchedAt >= Number(row.synced_at) };
  }

  /**
   * Returns of a store that await a decision and whose available decisions are missing, older than
   * the return's last change, or fetched before `staleBefore`; soonest deadline first.
   */
  returnsWantingDecisionOptions(campaignId: number, staleBefore: number): Array<{ id: number; orderId: number }> {
    return this.stmt(
      `SELECT r.id, r.order_id FROM returns r LEFT JOIN available_decisions_cache c ON c.return_id = r.id
       WHERE r.campaign_id = ? AND r.awaiting_decision = 1 AND (c.return_id IS NULL OR c.fetched_at < r.synced_at OR c.fetched_at < ?)
       ORDER BY r.decision_deadline IS NULL, r.decision_deadline, r.id`,
    )
      .all(campaignId, staleBefore)
      .map((r) => ({ id: Number((r as Row).id), orderId: Number((r as Row).order_id) }));
  }

  /** Awaiting returns of a store, and how many of them have their available decisions kept and current. */
  decisionOptionsCoverage(campaignId?: number): { awaiting: number; kept: number } {
    const row = this.stmt(
      `SELECT COUNT(*) AS awaiting, COUNT(CASE WHEN c.fetched_at >= r.synced_at THEN 1 END) AS kept
       FROM returns r LEFT JOIN available_decisions_cache c ON c.return_id = r.id
       WHERE r.awaiting_decision = 1 AND (? IS NULL OR r.campaign_id = ?)`,
    ).get(campaignId ?? null, campaignId ?? null) as Row;
    return { awaiting: Number(row.awaiting), kept: Number(row.kept) };
  }

  /** Forgets the available decisions of returns that no longer await a decision. */
  pruneDecisionOptions(): number {
    const result = this.stmt('DELETE FROM available_decisions_cache WHERE return_id NOT IN (SELECT id FROM returns WHERE awaiting_decision = 1)').run();
    return Number(result.changes);
  }

  // ------------------------------------------------------------ sync bookkeeping

  getCursor(campaignId: number): SyncCursor {
    const row = this.stmt('SELECT * FROM sync_cursors WHERE campaign_id = ?').get(campaignId) as Row | undefined;
    if (!row) {
      return {
        campaignId,
        backfillFrom: null,
        backfillPageToken: null,
        backfillDone: false,
        watermark: null,
        lastSuccess: null,
        lastFast: null,
        lastSlow: null,
        lastError: null,
        lastErrorAt: null,
      };
    }
    const n = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
    return {
      campaignId,
      backfillFrom: row.backfill_from as string | null,
      backfillPageToken: row.backfill_page_token as string | null,
      backfillDone: row.backfill_done === 1,
      watermark: n(row.watermark),
      lastSuccess: n(row.last_success),
      lastFast: n(row.last_fast),
      lastSlow: n(row.last_slow),
      lastError: row.last_error as string | null,
      lastErrorAt: n(row.last_error_at),
    };
  }

  /** Merges `patch` into the campaign's cursor. */
  saveCursor(campaignId: number, patch: Partial<Omit<SyncCursor, 'campaignId'>>): SyncCursor {
    const next = { ...this.getCursor(campaignId), ...patch, campaignId };
    this.transaction(() =>
      this.stmt(
        `INSERT INTO sync_cursors (campaign_id, backfill_from, backfill_page_token, backfill_done, watermark, last_success,
         last_fast, last_slow, last_error, last_error_at)
       VALUES (:campaignId, :backfillFrom, :backfillPageToken, :backfillDone, :watermark, :lastSuccess, :lastFast, :lastSlow, :lastError, :lastErrorAt)
       ON CONFLICT(campaign_id) DO UPDATE SET backfill_from = excluded.backfill_from,
         backfill_page_token = excluded.backfill_page_token, backfill_done = excluded.backfill_done,
         watermark = excluded.watermark, last_success = excluded.last_success, last_fast = excluded.last_fast,
         last_slow = excluded.last_slow, last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
      ).run({
        campaignId,
        backfillFrom: next.backfillFrom,
        backfillPageToken: next.backfillPageToken,
        backfillDone: bool(next.backfillDone),
        watermark: next.watermark,
        lastSuccess: next.lastSuccess,
        lastFast: next.lastFast,
        lastSlow: next.lastSlow,
        lastError: next.lastError,
        lastErrorAt: next.lastErrorAt,
      }),
    );
    return next;
  }

  /** Records DTOs that could not be read, so they are shown and retried rather than lost. */
  recordSkips(campaignId: number, entity: string, skipped: ReadonlyArray<{ id: string | null; reason: string; raw: unknown }>, now: number): void {
    if (skipped.length === 0) return;
    this.transaction(() => {
      for (const s of skipped) {
        let raw: string | null;
        try {
          raw = JSON.stringify(s.raw) ?? null;
        } catch {
          raw = null;
        }
        const key =
          s.id ??
          `hash:${createHash('sha256')
            .update(raw ?? s.reason)
            .digest('hex')
            .slice(0, 16)}`;
        this.stmt(
          `INSERT INTO sync_skips (campaign_id, entity, item_key, item_id, reason, raw_json, first_seen, last_seen, times)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
           ON CONFLICT(campaign_id, entity, item_key) DO UPDATE SET reason = excluded.reason, raw_json = excluded.raw_json,
             last_seen = excluded.last_seen, times = times + 1`,
        ).run(campaignId, entity, key, s.id, s.reason, raw, now, now);
      }
    });
  }

  /** Forgets skips of items that have since been read successfully. */
  clearSkips(campaignId: number, entity: string, ids: readonly (number | string)[]): void {
    if (ids.length === 0) return;
    if (this.stmt('SELECT 1 FROM sync_skips WHERE campaign_id = ? AND entity = ? LIMIT 1').get(campaignId, entity) === undefined) return;
    this.transaction(() => {
      for (const id of ids) this.stmt('DELETE FROM sync_skips WHERE campaign_id = ? AND entity = ? AND item_key = ?').run(campaignId, entity, String(id));
    });
  }

  /** How many returns could not be read and are held as skips (the status bar's "unreadable"). */
  countSkips(entity = 'return'): number {
    return Number((this.stmt('SELECT COUNT(*) AS n FROM sync_skips WHERE entity = ?').get(entity) as Row).n);
  }

  listSkips(campaignId?: number): SkipRecord[] {
    const rows = (
      campaignId === undefined
        ? this.stmt('SELECT * FROM sync_skips ORDER BY last_seen DESC').all()
        : this.stmt('SELECT * FROM sync_skips WHERE campaign_id = ? ORDER BY last_seen DESC').all(campaignId)
    ) as Row[];
    return rows.map((r) => ({
      campaignId: Number(r.campaign_id),
      entity: String(r.entity),
      itemId: r.item_id as string | null,
      reason: String(r.reason),
      firstSeen: Number(r.first_seen),
      lastSeen: Number(r.last_seen),
      times: Number(r.times),
    }));
  }
}

/** Opens (creating and migrating) the store at `path`, or an in-memory one for ':memory:'. */
export function openStore(path: string, options: StoreOptions = {}): Store {
  return new Store(path, options);
}

/** The columns of a return's row the sync writes, in the order writeReturn gives their values. */
const RETURN_WRITE_COLUMNS = [
  'campaign_id',
  'order_id',
  'return_type',
  'refund_status',
  'shipment_status',
  'created_at',
  'updated_at',
  'amount_value',
  'amount_currency',
  'fast_return',
  'has_marked_goods',
  'photo_count',
  'item_count',
  'awaiting_decision',
  'decision_deadline',
  'pickup_till',
  'raw_json',
  'synced_at',
] as const;
const RETURN_INSERT = `INSERT INTO returns (id, ${RETURN_WRITE_COLUMNS.join(', ')}) VALUES (?${', ?'.repeat(RETURN_WRITE_COLUMNS.length)})`;
const RETURN_ITEM_INSERT = `INSERT INTO return_items (return_id, idx, shop_sku, market_sku, count, return_item_id, sku_key, prev_key, inbox_key, inbox_updated,
  ${FACET_FIELDS.join(', ')}) VALUES (${'?, '.repeat(9 + FACET_FIELDS.length)}?)`;
const RETURN_UPDATE = `UPDATE returns SET ${RETURN_WRITE_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;

/** Soonest decision deadline first (none last), then most recently updated; matches index returns_inbox_sort. */
const INBOX_ORDER = 'coalesce(r.decision_deadline, 9007199254740991), r.updated_at DESC, r.id DESC';

const RETURN_COLUMNS = `
  SELECT r.*, c.business_name AS campaign_name, c.domain AS campaign_domain, c.placement_type AS placement_type,
    (SELECT group_concat(shop_sku, char(31)) FROM (SELECT shop_sku FROM return_items WHERE return_id = r.id ORDER BY idx)) AS skus`;

/** The columns a list row shows: everything but the raw JSON, which only the detail reads. */
const RETURN_LIST_COLUMNS = `
  SELECT r.id, r.campaign_id, r.order_id, r.return_type, r.refund_status, r.shipment_status, r.created_at, r.updated_at,
    r.amount_value, r.amount_currency, r.fast_return, r.has_marked_goods, r.photo_count, r.item_count, r.awaiting_decision,
    r.decision_deadline, r.pickup_till, c.business_name AS campaign_name, c.domain AS campaign_domain, c.placement_type AS placement_type,
    (SELECT group_concat(shop_sku, char(31)) FROM (SELECT shop_sku FROM return_items WHERE return_id = r.id ORDER BY idx)) AS skus`;

/** Up to this many SKUs under a prefix are merged in inbox order as read; more are sorted (measured at 50,000 returns). */
const PREFIX_MERGE_SKUS = 16;

/** A search as the store runs it (see Store.#searchPlan). */
interface SearchPlan {
  /** The text folded as SKUs and names are: a SKU matches when it starts with it. */
  key: string;
  /** Above every SKU starting with `key`. */
  end: string;
  /** Whether any SKU starts with `key`. */
  prefixHits: boolean;
  /** Folded SKUs of products whose names contain `key`, beyond those starting with it. */
  names: string[];
  /** The text as a return or order id, when it is digits. */
  id: number | null;
}

/** Each way a search finds returns, as rows of (inbox order, return id); a return found twice gives the same row twice. */
function searchArms(plan: SearchPlan): { sql: string; params: SQLInputValue[] } {
  const columns = 'SELECT inbox_key, inbox_updated, return_id FROM return_items';
  const arms: string[] = [];
  const params: SQLInputValue[] = [];
  if (plan.prefixHits) {
    arms.push(`${columns} WHERE sku_key >= ? AND sku_key < ?`);
    params.push(plan.key, plan.end);
  }
  if (plan.names.length) {
    arms.push(`${columns} WHERE sku_key IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(plan.names));
  }
  if (plan.id !== null) {
    const own = `SELECT coalesce(decision_deadline, ${NO_DEADLINE_KEY}) AS inbox_key, updated_at AS inbox_updated, id AS return_id FROM returns`;
    arms.push(`${own} WHERE id = ?`, `${own} WHERE order_id = ?`);
    params.push(plan.id, plan.id);
  }
  return { sql: arms.join(' UNION ALL '), params };
}

/** Whether the filter is a search and nothing else (what the inbox sends while the operator types). */
function searchIsTheOnlyFilter(filter: InboxFilter): boolean {
  return Object.entries(filter).every(([name, value]) => name === 'search' || value === undefined || (Array.isArray(value) && value.length === 0));
}

/** Above this many matching items a search is checked along the index instead of looked up hit by hit (measured at 50,000 returns). */
const BROAD_SEARCH_ITEMS = 500;

/**
 * Above this many items under a SKU prefix, the chip counts walk return_items_facets (a fixed cost, ~6 ms CPU at 75,000 items)
 * instead of probing each return against the hits (~1 µs per hit on top): measured at 50,000 returns, 3,300 items probe faster, 17,700 walk.
 */
export const FACET_WALK_ITEMS = 8000;

const RETURN_SELECT = `${RETURN_COLUMNS}
  FROM returns r LEFT JOIN campaigns c ON c.id = r.campaign_id`;

function campaignRow(r: Row): CampaignRow {
  return {
    id: Number(r.id),
    businessId: r.business_id === null ? null : Number(r.business_id),
    businessName: r.business_name as string | null,
    domain: r.domain as string | null,
    placementType: r.placement_type as string | null,
    apiAvailability: r.api_availability as string | null,
    watched: r.watched === 1,
  };
}

function returnRow(r: Row): ReturnRow {
  return {
    id: Number(r.id),
    campaignId: Number(r.campaign_id),
    orderId: Number(r.order_id),
    returnType: String(r.return_type),
    refundStatus: r.refund_status as string | null,
    shipmentStatus: r.shipment_status as string | null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    amount: money(r.amount_value, r.amount_currency),
    fastReturn: r.fast_return === 1,
    hasMarkedGoods: r.has_marked_goods === 1,
    photoCount: Number(r.photo_count),
    itemCount: Number(r.item_count),
    awaitingDecision: r.awaiting_decision === 1,
    decisionDeadline: iso(r.decision_deadline),
    pickupTill: iso(r.pickup_till),
    skus: typeof r.skus === 'string' && r.skus ? r.skus.split('\u001f') : [],
    campaignName: (r.campaign_domain as string | null) ?? (r.campaign_name as string | null),
    placementType: r.placement_type as string | null,
  };
}

const DISPUTE_STATUS = 'PREMODERATION_DISPUTE';

function buildWhere(filter: InboxFilter, search: SearchPlan | null, broadSearch: boolean): { where: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.awaitingDecision !== undefined) clauses.push(`r.awaiting_decision = ${filter.awaitingDecision ? 1 : 0}`);
  if (filter.inDispute !== undefined) {
    clauses.push(filter.inDispute ? `r.refund_status = '${DISPUTE_STATUS}'` : `(r.refund_status IS NULL OR r.refund_status <> '${DISPUTE_STATUS}')`);
  }
  if (filter.createdFrom) {
    clauses.push('r.created_at >= ?');
    params.push(mskDayStart(filter.createdFrom, 'createdFrom'));
  }
  if (filter.createdTo) {
    clauses.push('r.created_at < ?');
    params.push(mskDayEnd(filter.createdTo, 'createdTo'));
  }
  if (filter.campaignIds?.length) {
    clauses.push(`r.campaign_id IN (${filter.campaignIds.map(() => '?').join(',')})`);
    params.push(...filter.campaignIds);
  }
  if (filter.returnType) {
    clauses.push('r.return_type = ?');
    params.push(filter.returnType);
  }
  const statusIn = (column: string, values: readonly string[] | undefined): void => {
    if (!values?.length) return;
    const named = values.filter((s) => s !== NO_STATUS);
    const alternatives = named.length ? [`${column} IN (${named.map(() => '?').join(',')})`] : [];
    if (named.length < values.length) alternatives.push(`${column} IS NULL`);
    clauses.push(`(${alternatives.join(' OR ')})`);
    params.push(...named);
  };
  statusIn('r.refund_status', filter.refundStatuses);
  statusIn('r.shipment_status', filter.shipmentStatuses);
  if (filter.fastReturn !== undefined) clauses.push(`r.fast_return = ${filter.fastReturn ? 1 : 0}`);
  if (filter.hasPhotos !== undefined) clauses.push(filter.hasPhotos ? 'r.photo_count > 0' : 'r.photo_count = 0');
  if (search) {
    // A union of index lookups, never a scan of the returns: return or order id (exact), folded SKU (prefix), SKUs of matching product names.
    const parts: string[] = [];
    if (search.id !== null) {
      parts.push('SELECT id FROM returns WHERE id = ?', 'SELECT id FROM returns WHERE order_id = ?');
      params.push(search.id, search.id);
    }
    parts.push('SELECT return_id FROM return_items WHERE sku_key >= ? AND sku_key < ?');
    params.push(search.key, search.end);
    if (search.names.length) {
      parts.push('SELECT return_id FROM return_items WHERE sku_key IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(search.names));
    }
    // A broad search keeps "+" so the planner walks the inbox index and probes the hit list, instead of one lookup per hit.
    clauses.push(`${broadSearch ? '+' : ''}r.id IN (${parts.join(' UNION ')})`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
