/** The Market's rules of a return that waits for the seller: which statuses wait, and for how long. */

/** The Market confirms a return by itself 48 hours after its creation. */
export const DECISION_WINDOW_MS = 48 * 3_600_000;

/** Refund status of an FBY/FBS/Express return that waits for the seller. */
export const PREMODERATION_WAITING = 'PREMODERATION_DECISION_WAITING';
/** Refund status of a DBS return that waits for the seller. */
export const DBS_WAITING = 'WAITING_FOR_DECISION';

const PREMODERATION_PLACEMENTS = new Set(['FBS', 'FBY', 'EXPRESS', 'LAAS']);

/**
 * Whether the Market waits for the seller's decision: FBY/FBS/Express in PREMODERATION_DECISION_WAITING,
 * DBS in WAITING_FOR_DECISION. With an unknown placement either waiting status counts (never drop a return).
 */
export function awaitsDecision(placementType: string | null | undefined, refundStatus: string | null | undefined): boolean {
  if (refundStatus === PREMODERATION_WAITING) return placementType !== 'DBS';
  if (refundStatus === DBS_WAITING) return !placementType || !PREMODERATION_PLACEMENTS.has(placementType);
  return false;
}
