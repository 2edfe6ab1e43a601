import type { InboxRow, OutboxState, ReturnDetail, StoreView } from '../../preload/contract.ts';
import type { ReturnDetail as StoredDetail, ReturnRow } from '../store/store.ts';
import type { CampaignStatus } from '../sync/engine.ts';

/** States in which a decision is on its way or made: the 48-hour clock no longer runs for the operator. */
const CLOCK_STOPPED: ReadonlySet<OutboxState> = new Set(['queued', 'sending', 'delivered']);

/** A stored return as the inbox shows it. */
export function toInboxRow(row: ReturnRow, outboxState: OutboxState | null = null): InboxRow {
  const { id, ...rest } = row;
  return {
    ...rest,
    returnId: id,
    decisionDeadline: outboxState && CLOCK_STOPPED.has(outboxState) ? null : row.decisionDeadline,
    outboxState,
  };
}

export function toReturnDetail(detail: StoredDetail, outboxStateOf: (returnId: number) => OutboxState | null): ReturnDetail {
  return {
    row: toInboxRow(detail.return, outboxStateOf(detail.return.id)),
    items: detail.items,
    order: detail.order && { ...detail.order },
    siblings: detail.siblings.map((s) => toInboxRow(s, outboxStateOf(s.id))),
    pickupPoint: detail.pickupPoint,
    money: detail.money,
  };
}

export function toStoreView(status: CampaignStatus): StoreView {
  return {
    campaignId: status.campaignId,
    name: status.name,
    businessId: status.businessId,
    placementType: status.placementType,
    watched: status.watched,
    lastSuccess: status.lastSuccess,
    lastError: status.lastError,
    syncing: status.syncing,
    returnsKnown: status.returnsKnown,
  };
}
