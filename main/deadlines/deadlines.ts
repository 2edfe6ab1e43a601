/**
 * The clocks of a return, computed from what the store knows and what our outbox holds. Pure: the
 * caller supplies every fact and "now" is never read here, so the same input gives the same answer.
 */

import { awaitsDecision, DBS_WAITING, DECISION_WINDOW_MS, PREMODERATION_WAITING } from '../market/return-rules.ts';

// The Market's rules of waiting, kept beside the Market's API so the store can apply them too.
export { awaitsDecision, DBS_WAITING, DECISION_WINDOW_MS, PREMODERATION_WAITING };

/** Refund status of an FBY/FBS/Express return the buyer disputes. */
export const DISPUTE_STATUS = 'PREMODERATION_DISPUTE';
/** Shipment status of a return that lies at the pickup point for the seller. */
export const READY_FOR_PICKUP = 'READY_FOR_PICKUP';

/** Where a decision for the return stands in our outbox; null when none was made here. */
export type OutboxState = 'queued' | 'sending' | 'delivered' | 'failed' | 'conflict' | null;

/** What the deadline engine needs to know about one return (a small view of the store's row). */
export interface DeadlineInput {
  returnId: number;
  orderId: number;
  campaignId: number;
  campaignName?: string | null;
  /** Campaign placement: FBS, FBY, DBS, LAAS, EXPRESS…; null when the campaign is unknown. */
  placementType: string | null;
  refundStatus: string | null;
  shipmentStatus: string | null;
  /** Creation time of the return, epoch ms. */
  createdAt: number;
  /** `pickupTillDate`, epoch ms; null when the Market gave none. */
  pickupTill: number | null;
}

export interface Deadlines {
  /** When the Market confirms the return by itself; null when no decision is awaited from us. */
  decisionDeadline: number | null;
  /** By when the seller must collect the return at the pickup point; null unless it is ready there. */
  pickupDeadline: number | null;
  inDispute: boolean;
}

/** A decision that is on its way or already accepted stops the clock; a failed or conflicting one does not. */
export function decisionStopsClock(outboxState: OutboxState | undefined): boolean {
  return outboxState === 'queued' || outboxState === 'sending' || outboxState === 'delivered';
}

/** The decision and pickup deadlines of a return and whether it is disputed. */
export function computeDeadlines(ret: DeadlineInput, outboxState: OutboxState = null): Deadlines {
  const waiting = awaitsDecision(ret.placementType, ret.refundStatus) && !decisionStopsClock(outboxState);
  const created = Number.isFinite(ret.createdAt) ? ret.createdAt : null;
  const pickupTill = typeof ret.pickupTill === 'number' && Number.isFinite(ret.pickupTill) ? ret.pickupTill : null;
  return {
    decisionDeadline: waiting && created !== null ? created + DECISION_WINDOW_MS : null,
    pickupDeadline: ret.shipmentStatus === READY_FOR_PICKUP ? pickupTill : null,
    inDispute: ret.refundStatus === DISPUTE_STATUS,
  };
}
