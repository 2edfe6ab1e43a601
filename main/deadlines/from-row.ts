import type { DeadlineInput } from './deadlines.ts';

/** The fields of a stored return row the deadline engine reads (the store's ReturnRow fits this shape). */
export interface ReturnRowLike {
  id: number;
  orderId: number;
  campaignId: number;
  campaignName?: string | null;
  placementType: string | null;
  refundStatus: string | null;
  shipmentStatus: string | null;
  /** ISO 8601 */
  createdAt: string | null;
  /** ISO 8601 */
  pickupTill: string | null;
}

const ms = (text: string | null): number | null => {
  if (!text) return null;
  const value = Date.parse(text);
  return Number.isNaN(value) ? null : value;
};

/** Converts a store row (ISO times) to a DeadlineInput (epoch ms); an unreadable creation time gives NaN, i.e. no clock. */
export function deadlineInputFromRow(row: ReturnRowLike): DeadlineInput {
  return {
    returnId: row.id,
    orderId: row.orderId,
    campaignId: row.campaignId,
    campaignName: row.campaignName ?? null,
    placementType: row.placementType,
    refundStatus: row.refundStatus,
    shipmentStatus: row.shipmentStatus,
    createdAt: ms(row.createdAt) ?? Number.NaN,
    pickupTill: ms(row.pickupTill),
  };
}
