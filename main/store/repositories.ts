/**
 * The repositories of the store: one owner per table family, in the app's own terms (no SQL, no
 * driver types), so a second engine can implement them. test/main/store/repository-suite.ts is the
 * behaviour every implementation must show. Each method that changes state is one transaction.
 *
 * Written for either kind of engine (engine.ts): `XRepository<'async'>` answers with promises (a server
 * such as PostgreSQL), `XRepository<'sync'>` with values (SQLite in this process, node:sqlite being
 * synchronous). The app's callers read the 'sync' flavour today: the deadline tick, the photo cache and
 * the analytics run each read or write within one turn of the event loop, so nothing interleaves.
 */
import type { AlertRecord, AvailableDecision } from '../../preload/contract.ts';
import type { BusinessOrderDTO, CampaignDTO, ReturnDTO } from '../market/schemas.ts';
import type {
  AlertCandidateRow,
  CampaignRow,
  InboxCounts,
  InboxFilter,
  OrderRow,
  ReturnDetail,
  ReturnRow,
  SkipRecord,
  SyncCursor,
  UpsertResult,
} from './store.ts';
import type { ReturnOfOrder } from '../market/money.ts';
import type { Answer, Engine } from './engine.ts';

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

export interface AlertMarkRepository<E extends Engine = 'async'> {
  all(): Answer<StoredAlertMark[], E>;
  /** Records marks; a mark already present (same return, kind and threshold) keeps its first time. */
  record(marks: readonly StoredAlertMark[]): Answer<void, E>;
  /** Forgets marks recorded before `before` (epoch ms); returns how many. */
  prune(before: number): Answer<number, E>;
}

/** An alert as raised, before the history gives it an id. */
export type NewAlert = Pick<AlertRecord, 'kind' | 'title' | 'body' | 'urgency' | 'target' | 'returnIds'> & { facts?: AlertRecord['facts'] };

/** Every alert shown; one waits until a screen acknowledges it, a critical one until it is dismissed. */
export interface AlertHistoryRepository<E extends Engine = 'async'> {
  /** Keeps a shown alert; `at` is when it was raised (epoch ms). */
  record(alert: NewAlert, at: number): Answer<AlertRecord, E>;
  get(id: number): Answer<AlertRecord | null, E>;
  /** What a screen must still show, oldest first: not yet acknowledged, and critical ones not dismissed. */
  pending(limit?: number): Answer<AlertRecord[], E>;
  /** A screen showed these; returns how many were not acknowledged before. */
  acknowledge(ids: readonly number[], at: number): Answer<number, E>;
  /** The operator closed these (critical ones leave the screen only so); returns how many changed. */
  dismiss(ids: readonly number[], at: number): Answer<number, E>;
  /** Newest first, `limit` (1–500, 100 by default) of them before `beforeId`. */
  list(options?: { limit?: number; beforeId?: number }): Answer<{ alerts: AlertRecord[]; total: number }, E>;
  /** Forgets alerts raised before `before` that no longer wait for anyone; returns how many. */
  prune(before: number): Answer<number, E>;
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

export interface ChatWatchRepository<E extends Engine = 'async'> {
  /** When the business was last polled, or null. */
  lastPoll(businessId: number): Answer<number | null, E>;
  /** True once a poll of the business finished (later polls report news, the first only takes stock). */
  hasPolled(businessId: number): Answer<boolean, E>;
  /** Chats about a return with a buyer message or a finish since `since`, and every open arbitrage. */
  activity(since: number): Answer<WatchedChatActivity[], E>;
  get(chatId: number): Answer<WatchedChat | null, E>;
  /** Known chats of the business not finished, least recently checked first. */
  openChatIds(businessId: number, limit: number): Answer<number[], E>;
  /** The Market no longer knows the chat: it counts as finished. */
  markGone(chatId: number, at: number): Answer<void, E>;
  /** Inserts or updates the chat; `seenOpen` once true stays true. */
  save(chat: WatchedChat): Answer<void, E>;
  /** A poll of the business ended at `at`; finished chats checked before `forgetFinishedBefore` are forgotten. */
  finishPoll(businessId: number, at: number, forgetFinishedBefore: number): Answer<void, E>;
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
  /** 'screen': a picture's screen-sized copy, its source the original's sha256 and the box it fits. */
  kind: 'photo' | 'catalog' | 'pdf' | 'screen';
  source: string;
  returnId: number | null;
  itemId: number | null;
  imageHash: string | null;
  sha256: string;
  thumbSha256: string | null;
  fetchedAt: number;
}

/** The index of the content-addressed media cache: which files exist and which Market object each came from. */
export interface MediaIndexRepository<E extends Engine = 'async'> {
  /** Indexes a file; a known one only has its last access moved to `at`. */
  putFile(file: Omit<MediaFile, 'lastAccess'>, at: number): Answer<void, E>;
  file(sha256: string): Answer<MediaFile | null, E>;
  touch(sha256: string, at: number): Answer<void, E>;
  ref(kind: MediaRef['kind'], source: string): Answer<MediaRef | null, E>;
  refsOfReturn(returnId: number): Answer<MediaRef[], E>;
  /** Inserts a source's ref, or points a known one at new bytes. */
  saveRef(ref: MediaRef): Answer<void, E>;
  setThumb(kind: MediaRef['kind'], source: string, thumbSha256: string): Answer<void, E>;
  totalBytes(): Answer<number, E>;
  /** Every file, least recently used first. */
  filesByAge(): Answer<Array<Pick<MediaFile, 'sha256' | 'mime' | 'size'>>, E>;
  /** Drops files from the index with the refs to them (a thumbnail that goes leaves its ref without one). */
  forget(shas: readonly string[]): Answer<void, E>;
}

// ------------------------------------------------------------ money of orders

export type { ReturnOfOrder };

export interface OrderBalanceFacts {
  /** The stored order (its prices; its lines are read when first asked for), or null when not stored. */
  order: BusinessOrderDTO | null;
  /** Every stored return of the order, oldest first. */
  returns: ReturnOfOrder[];
}

export interface OrderMoneyRepository<E extends Engine = 'async'> {
  /** What the balance of each of `orderIds` is computed from; every id gets an entry. */
  balanceFacts(orderIds: readonly number[]): Answer<Map<number, OrderBalanceFacts>, E>;
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
export interface AnalyticsRepository<E extends Engine = 'async'> {
  /** Every return created in the period, oldest first. Throws `to: …` when the period ends before it starts. */
  returnFacts(period: PeriodFilter): Answer<ReturnFact[], E>;
  /** Item decisions by the buyer's reason and subreason, most items first. */
  reasons(period: PeriodFilter): Answer<ReasonCount[], E>;
  /** Items of the period's returns, by return then item order. */
  returnedItems(period: PeriodFilter): Answer<ReturnedItemFact[], E>;
  /** Drafts (JSON text) of the decisions operators queued, sent or delivered for the period's returns. */
  operatorDrafts(period: PeriodFilter): Answer<string[], E>;
  /** Item decisions of the Market's DTOs by decision type ('NONE' for none). */
  marketDecisions(period: PeriodFilter): Answer<Array<{ decisionType: string; items: number }>, E>;
  /** Per store: roubles of partner compensation, and amounts in another currency. */
  compensation(period: PeriodFilter): Answer<Array<{ campaignId: number; roubles: number; foreignAmounts: number }>, E>;
  /** Name of every known store (domain, else business name). */
  storeNames(): Answer<Map<number, string | null>, E>;
  /** Orders with a return created in the period: the first store and how many returns each has in all. */
  ordersOfPeriod(period: PeriodFilter): Answer<Array<{ orderId: number; campaignId: number; returns: number }>, E>;
}

// ------------------------------------------------------------ the returns cache: stores, returns, orders, sync state

export interface CampaignRepository<E extends Engine = 'async'> {
  /** Inserts or refreshes stores; new ones are watched, the watch flag of known ones is kept. */
  upsertCampaigns(campaigns: readonly CampaignDTO[], now: number): Answer<{ added: number[] }, E>;
  listCampaigns(): Answer<CampaignRow[], E>;
  getCampaign(id: number): Answer<CampaignRow | undefined, E>;
  /** Throws naming the id when the store is unknown. */
  setWatched(campaignId: number, watched: boolean): Answer<void, E>;
  watchedCampaigns(): Answer<CampaignRow[], E>;
}

export interface ReturnRepository<E extends Engine = 'async'> {
  /** Idempotent upsert of one store's returns (the store must be known); an unchanged DTO is not rewritten. */
  upsertReturns(campaignId: number, returns: readonly ReturnDTO[], now: number): Answer<UpsertResult, E>;
  getReturn(id: number): Answer<ReturnRow | undefined, E>;
  getReturnDto(id: number): Answer<ReturnDTO | undefined, E>;
  countReturns(campaignId?: number): Answer<number, E>;
  awaitingReturnRefs(campaignId: number): Answer<Array<{ id: number; orderId: number }>, E>;
  /** Returns awaiting a decision, soonest deadline first, with the time left at `now`. */
  awaitingDecision(now: number, campaignIds?: number[]): Answer<Array<ReturnRow & { msLeft: number | null }>, E>;
  /** State of the return's newest queued decision, or null. */
  latestOutboxState(returnId: number): Answer<string | null, E>;
  /** Returns an alert may concern, with their newest decision's state, in one pass. */
  alertCandidates(): Answer<AlertCandidateRow[], E>;
  /** A page of the inbox in its order (soonest deadline first) and how many match the filter. */
  inboxPage(filter?: InboxFilter, page?: { limit?: number; offset?: number }): Answer<{ rows: ReturnRow[]; total: number }, E>;
  /** Counts per facet: each facet counted with every other filter applied but its own. */
  inboxCounts(filter?: InboxFilter): Answer<InboxCounts, E>;
  returnDetail(id: number): Answer<ReturnDetail | undefined, E>;
}

export interface OrderRepository<E extends Engine = 'async'> {
  /** Idempotent upsert of orders with their items; returns the ids written. */
  upsertOrders(orders: readonly BusinessOrderDTO[], now: number): Answer<number[], E>;
  getOrder(id: number): Answer<OrderRow | undefined, E>;
  /** Orders of a store's returns that are not stored, at most `limit`. */
  ordersMissingForCampaign(campaignId: number, limit: number): Answer<number[], E>;
  /** Of `orderIds`, those with no stored order. */
  missingOrderIds(orderIds: readonly number[]): Answer<number[], E>;
}

/** What the Market allowed for each awaiting return (getReturnAvailableDecisions), kept for offline checks. */
export interface DecisionOptionsRepository<E extends Engine = 'async'> {
  saveDecisionOptions(returnId: number, decisions: readonly AvailableDecision[], fetchedAt: number): Answer<void, E>;
  /** The kept answer; `current` when fetched after the return last changed in the store. */
  decisionOptions(returnId: number): Answer<{ json: string; fetchedAt: number; current: boolean } | undefined, E>;
  returnsWantingDecisionOptions(campaignId: number, staleBefore: number): Answer<Array<{ id: number; orderId: number }>, E>;
  decisionOptionsCoverage(campaignId?: number): Answer<{ awaiting: number; kept: number }, E>;
  /** Forgets the answers of returns that no longer await a decision; returns how many. */
  pruneDecisionOptions(): Answer<number, E>;
}

/** Where each store's sync stands, and the Market's objects that could not be read. */
export interface SyncStateRepository<E extends Engine = 'async'> {
  getCursor(campaignId: number): Answer<SyncCursor, E>;
  /** Merges `patch` into the store's cursor; returns the result. */
  saveCursor(campaignId: number, patch: Partial<Omit<SyncCursor, 'campaignId'>>): Answer<SyncCursor, E>;
  recordSkips(campaignId: number, entity: string, skipped: ReadonlyArray<{ id: string | null; reason: string; raw: unknown }>, now: number): Answer<void, E>;
  /** Forgets skips of items since read successfully. */
  clearSkips(campaignId: number, entity: string, ids: readonly (number | string)[]): Answer<void, E>;
  countSkips(entity?: string): Answer<number, E>;
  listSkips(campaignId?: number): Answer<SkipRecord[], E>;
}
