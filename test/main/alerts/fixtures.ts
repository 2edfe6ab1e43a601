import type { AlertReturn } from '../../../main/alerts/policy.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** 2025-01-15 09:00 UTC, a Wednesday: 12:00 in Moscow. */
export const T0 = Date.UTC(2025, 0, 15, 9, 0);

/** An FBS return created at T0 that awaits a decision; deadline T0 + 48 h. */
export function aReturn(returnId: number, over: Partial<AlertReturn> = {}): AlertReturn {
  return {
    returnId,
    orderId: 1000 + returnId,
    campaignId: 7,
    campaignName: null,
    placementType: 'FBS',
    refundStatus: 'PREMODERATION_DECISION_WAITING',
    shipmentStatus: null,
    createdAt: T0,
    pickupTill: null,
    outboxState: null,
    ...over,
  };
}
