/**
 * The repositories of the store: one owner per table family, in the app's own terms (no SQL, no
 * driver types), so a second engine can implement them. test/main/store/repository-suite.ts is the
 * behaviour every implementation must show. Each method that changes state is one transaction.
 *
 * Synchronous today: node:sqlite is synchronous and the callers (the deadline tick, the outbox's
 * "saved before queued is shown", the sync engine's page upserts) run each write inside one turn of
 * the event loop. A network engine needs these to return promises; the suite awaits every call, so
 * it runs unchanged against such an implementation once the callers await too.
 */
import type { AlertRecord } from '../../preload/contract.ts';
import type { BusinessOrderDTO, CurrencyValue } from '../market/schemas.ts';

// ------------------------------------------------------------ alerts

/** One alert shown (or skipped as superseded) for one return at one threshold. */
export interface StoredAlertMark {
  returnId: number;
  kind: string;
  threshold: number;
  alertedAt: number;
  /** True when superseded by a more urgent alert and therefore never shown. */
  skipped: boolean;
}

export interface AlertMarkRepository {
  all(): StoredAlertMark[];
  /** Records marks; a mark already present (same return, kind and threshold) keeps its first time. */
  record(marks: readonly StoredAlertMark[]): void;
  /** Forgets marks recorded before `before` (epoch ms); returns how many. */
  prune(before: number): number;
}

/** An alert as raised, before the history gives it an id. */
export type NewAlert = Pick<AlertRecord, 'kind' | 'title' | 'body' | 'urgency' | 'target' | 'returnIds'>;

/** Every alert shown; one waits until a screen acknowledges it, a critical one until it is dismissed. */
export interface AlertHistoryRepository {
  /** Keeps a shown alert; `at` is when it was raised (epoch ms). */
  record(alert: NewAlert, at: number): AlertRecord;
  get(id: number): AlertRecord | null;
  /** What a screen must still show, oldest first: not yet acknowledged, and critical ones not dismissed. */
  pending(limit?: number): AlertRecord[];
  /** A screen showed these; returns how many were not acknowledged before. */
  acknowledge(ids: readonly number[], at: number): number;
  /** The operator closed these (critical ones leave the screen only so); returns how many changed. */
  dismiss(ids: readonly number[], at: number): number;
  /** Newest first, `limit` (1–500, 100 by default) of them before `beforeId`. */
  list(options?: { limit?: number; beforeId?: number }): { alerts: AlertRecord[]; total: number };
  /** Forgets alerts raised before `before` that no longer wait for anyone; returns how many. */
  prune(before: number): number;
}

/** What the chat watcher last saw of one chat about a return. Times are the Market's, epoch ms. */
export interface WatchedChat {
  chatId: number;
  businessId: number;
  campaignId: number | null;
  orderId: number | null;
  returnId: number | null;
  type: string;
  status: string;
  /** The chat's last message time as the Market gave it (0 when unreadable). */
  updatedAt: number;
  lastMessageId: number | null;
  lastCustomerMessageId: number | null;
  lastCustomerMessageAt: number | null;
  finishedAt: number | null;
  /** Ever seen open; kept once true. */
  seenOpen: boolean;
  /** When we last looked at the chat. */
  checkedAt: number;
}

export type WatchedChatActivity = Pick<
  WatchedChat,
  'chatId' | 'campaignId' | 'orderId' | 'type' | 'status' | 'lastCustomerMessageId' | 'lastCustomerMessageAt' | 'finishedAt'
> & { returnId: number };

export interface ChatWatchRepository {
  /** When the business was last polled, or null. */
  lastPoll(businessId: number): number | null;
  /** True once a poll of the business finished (later polls report news, the first only takes stock). */
  hasPolled(businessId: number): boolean;
  /** Chats about a return with a buyer message or a finish since `since`, and every open arbitrage. */
  activity(since: number): WatchedChatActivity[];
  get(chatId: number): WatchedChat | null;
  /** Known chats of the business not finished, least recently checked first. */
  openChatIds(businessId: number, limit: number): number[];
  /** The Market no longer knows the chat: it counts as finished. */
  markGone(chatId: number, at: number): void;
  /** Inserts or updates the chat; `seenOpen` once true stays true. */
  save(chat: WatchedChat): void;
  /** A poll of the business ended at `at`; finished chats checked before `forgetFinishedBefore` are forgotten. */
  finishPoll(businessId: number, at: number, forgetFinishedBefore: number): void;
}

// ------------------------------------------------------------ media cache index

export interface MediaFile {
  sha256: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  lastAccess: number;
}

export interface MediaRef {
  kind: 'photo' | 'catalog' | 'pdf';
  source: string;
  returnId: number | null;
  itemId: number | null;
  imageHash: string | null;
  sha256: string;
  thumbSha256: string | null;
  fetchedAt: number;
}

/** The index of the content-addressed media cache: which files exist and which Market object each came from. */
export interface MediaIndexRepository {
  /** Indexes a file; a known one only has its last access moved to `at`. */
  putFile(file: Omit<MediaFile, 'lastAccess'>, at: number): void;
  file(sha256: string): MediaFile | null;
  touch(sha256: string, at: number): void;
  ref(kind: MediaRef['kind'], source: string): MediaRef | null;
  refsOfReturn(returnId: number): MediaRef[];
  /** Inserts a source's ref, or points a known one at new bytes. */
  saveRef(ref: MediaRef): void;
  setThumb(kind: MediaRef['kind'], source: string, thumbSha256: string): void;
  totalBytes(): number;
  /** Every file, least recently used first. */
  filesByAge(): Array<Pick<MediaFile, 'sha256' | 'mime' | 'size'>>;
  /** Drops files from the index with the refs to them (a thumbnail that goes leaves its ref without one). */
  forget(shas: readonly string[]): void;
}

// ------------------------------------------------------------ money of orders

/** A return of an order as a balance needs it. */
export interface ReturnOfOrder {
  returnId: number;
  returnType: string;
  refundStatus: string | null;
  shipmentStatus: string | null;
  amount: CurrencyValue | null;
  awaitingDecision: boolean;
  /** Only read for a return valued by its lines (no amount); empty otherwise. */
  items: Array<{ shopSku: string; count: number }>;
}

export interface OrderBalanceFacts {
  /** The stored order (its prices; its lines are read when first asked for), or null when not stored. */
  order: BusinessOrderDTO | null;
  /** Every stored return of the order, oldest first. */
  returns: ReturnOfOrder[];
}

export interface OrderMoneyRepository {
  /** What the balance of each of `orderIds` is computed from; every id gets an entry. */
  balanceFacts(orderIds: readonly number[]): Map<number, OrderBalanceFacts>;
}

// ------------------------------------------------------------ analytics

/** Returns created in a period of Moscow days (inclusive, YYYY-MM-DD), in the chosen stores (all when none). */
export interface PeriodFilter {
  from: string;
  to: string;
  campaignIds?: readonly number[];
}

export interface ReturnFact {
  id: number;
  orderId: number;
  campaignId: number;
  returnType: string;
  refundStatus: string | null;
  createdAt: number;
  awaitingDecision: boolean;
  amount: { value: number | null; currencyId: string | null };
  /** The Market's DTO holds a decision for an item. */
  marketDecided: boolean;
  /** When the decision ReturnDesk delivered was queued, and when the Market accepted it. */
  queuedAt: number | null;
  acceptedAt: number | null;
}

export interface ReasonCount {
  reason: string;
  subreason: string;
  items: number;
  units: number;
  /** Roubles of the decisions' amounts. */
  refunded: number;
}

export interface ReturnedItemFact {
  returnId: number;
  returnAmount: { value: number | null; currencyId: string | null };
  idx: number;
  shopSku: string;
  count: number;
  name: string | null;
  /** Decisions of the item with an amount. */
  priced: number;
  /** Roubles of the item's decisions' amounts, null when none. */
  decided: number | null;
}

/** Read-only queries of the analytics screen over returns, orders and the outbox; rows per period. */
export interface AnalyticsRepository {
  /** Every return created in the period, oldest first. Throws `to: …` when the period ends before it starts. */
  returnFacts(period: PeriodFilter): ReturnFact[];
  /** Item decisions by the buyer's reason and subreason, most items first. */
  reasons(period: PeriodFilter): ReasonCount[];
  /** Items of the period's returns, by return then item order. */
  returnedItems(period: PeriodFilter): ReturnedItemFact[];
  /** Drafts (JSON text) of the decisions operators queued, sent or delivered for the period's returns. */
  operatorDrafts(period: PeriodFilter): string[];
  /** Item decisions of the Market's DTOs by decision type ('NONE' for none). */
  marketDecisions(period: PeriodFilter): Array<{ decisionType: string; items: number }>;
  /** Per store: roubles of partner compensation, and amounts in another currency. */
  compensation(period: PeriodFilter): Array<{ campaignId: number; roubles: number; foreignAmounts: number }>;
  /** Name of every known store (domain, else business name). */
  storeNames(): Map<number, string | null>;
  /** Orders with a return created in the period: the first store and how many returns each has in all. */
  ordersOfPeriod(period: PeriodFilter): Array<{ orderId: number; campaignId: number; returns: number }>;
}
