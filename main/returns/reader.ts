/** What the screens read from the local store, shaped as the contract says: the domain side of the read channels. */
import type { AnalyticsResult, InboxCounts, InboxFilter, InboxRow, OrderMoneyPage, OutboxState, ReturnDetail } from '../../preload/contract.ts';
import { computeAnalytics, type AnalyticsInput } from '../analytics/analytics.ts';
import { orderMoney, type OrderMoneyInput } from '../analytics/order-money.ts';
import type { Store } from '../store/store.ts';
import { toInboxRow, toReturnDetail } from './views.ts';

export interface ReturnsReader {
  page(filter: InboxFilter, offset?: number, limit?: number): { rows: InboxRow[]; total: number };
  counts(filter: InboxFilter): InboxCounts;
  /** Undefined when the return is not in the local store. */
  detail(returnId: number): ReturnDetail | undefined;
  /** The state of the return's latest decision in the outbox, if it has one. */
  outboxStateOf(returnId: number): OutboxState | null;
  /** The ids of the stores the key has shown so far. */
  storeIds(): number[];
  hasStore(campaignId: number): boolean;
}

export interface AnalyticsReader {
  compute(input: AnalyticsInput, now: number): AnalyticsResult;
  orderMoney(input: OrderMoneyInput): OrderMoneyPage;
}

const OUTBOX_STATES = new Set<string>(['queued', 'sending', 'delivered', 'failed', 'conflict', 'cancelled']);

/** A stored outbox state as the contract names it; anything else (or none) is null. */
export function outboxStateFrom(state: string | null): OutboxState | null {
  return state && OUTBOX_STATES.has(state) ? (state as OutboxState) : null;
}

export function createReturnsReader(store: Store): ReturnsReader {
  const outboxStateOf = (returnId: number): OutboxState | null => {
    return outboxStateFrom(store.latestOutboxState(returnId));
  };
  return {
    page(filter, offset, limit) {
      const result = store.inboxPage(filter, { offset, limit });
      return { rows: result.rows.map((row) => toInboxRow(row, outboxStateOf(row.id))), total: result.total };
    },
    counts: (filter) => store.inboxCounts(filter),
    detail(returnId) {
      const stored = store.returnDetail(returnId);
      return stored && toReturnDetail(stored, outboxStateOf);
    },
    outboxStateOf,
    storeIds: () => store.listCampaigns().map((c) => c.id),
    hasStore: (campaignId) => store.getCampaign(campaignId) !== undefined,
  };
}

export function createAnalyticsReader(store: Store): AnalyticsReader {
  return {
    compute: (input, now) => computeAnalytics(store.analytics, input, now),
    orderMoney: (input) => orderMoney(store, input),
  };
}
