import { NO_STATUS } from '../../preload/contract.ts';

/** Where a return stands on the status model of its placement (FBY/FBS/Express or DBS). */

export interface TimelineStep {
  /** The statuses this step may show (alternatives, e.g. select delivery or dispute). */
  statuses: string[];
  /** The status to name on this step: the current one when it is here, else the first option. */
  shown: string;
  state: 'done' | 'current' | 'todo';
}

const PREMODERATION: string[][] = [
  ['STARTED_BY_USER'],
  ['PREMODERATION_DECISION_WAITING'],
  ['PREMODERATION_DECISION_MADE'],
  ['PREMODERATION_SELECT_DELIVERY', 'PREMODERATION_DISPUTE'],
  ['REFUND_IN_PROGRESS'],
  ['REFUNDED', 'REJECTED'],
];

const DBS: string[][] = [['STARTED_BY_USER'], ['WAITING_FOR_DECISION'], ['DECISION_MADE'], ['REFUND_IN_PROGRESS'], ['REFUNDED', 'REJECTED']];

const SHIPMENT: string[][] = [['CREATED'], ['RECEIVED'], ['IN_TRANSIT'], ['READY_FOR_PICKUP'], ['PICKED', 'FULFILMENT_RECEIVED']];

/** True for the DBS placement, whose statuses differ from FBY/FBS/Express. */
export function isDbs(placementType: string | null | undefined): boolean {
  return (placementType ?? '').toUpperCase() === 'DBS';
}

function layout(model: string[][], status: string | null): TimelineStep[] {
  const at = status ? model.findIndex((step) => step.includes(status)) : -1;
  const steps: TimelineStep[] = model.map((statuses, i) => ({
    statuses,
    shown: at === i && status ? status : (statuses[0] as string),
    state: at < 0 ? 'todo' : i < at ? 'done' : i === at ? 'current' : 'todo',
  }));
  // A status outside the model (cancelled, refunded by the shop, unknown…) ends the line where it is.
  if (status && at < 0) steps.push({ statuses: [status], shown: status, state: 'current' });
  return steps;
}

/** The refund-status timeline for a return, by placement. */
export function refundTimeline(placementType: string | null | undefined, refundStatus: string | null): TimelineStep[] {
  return layout(isDbs(placementType) ? DBS : PREMODERATION, refundStatus);
}

/** The shipment timeline, for non-purchases (which have no refund status) and returns in transit. */
export function shipmentTimeline(shipmentStatus: string | null): TimelineStep[] {
  return layout(SHIPMENT, shipmentStatus);
}

/** The status that means "in dispute" (FBY/FBS/Express only). */
export const DISPUTE_STATUS = 'PREMODERATION_DISPUTE';

/**
 * Entries of the refund-status filter. The two placements name the same step twice (FBY/FBS/Express
 * "PREMODERATION_…", DBS plain): one entry covers both, so the list has one "awaiting decision" and one
 * "decision made". Non-purchases, which have no refund status, get an entry of their own.
 */
export const REFUND_FILTER_GROUPS: readonly (readonly string[])[] = [
  ['PREMODERATION_DECISION_WAITING', 'WAITING_FOR_DECISION'],
  ['PREMODERATION_DECISION_MADE', 'DECISION_MADE'],
  ['STARTED_BY_USER'],
  ['PREMODERATION_SELECT_DELIVERY'],
  ['PREMODERATION_DISPUTE'],
  ['REFUND_IN_PROGRESS'],
  ['REFUNDED'],
  ['REFUNDED_WITH_BONUSES'],
  ['REFUNDED_BY_SHOP'],
  ['COMPLETE_WITHOUT_REFUND'],
  ['REJECTED'],
  ['CANCELLED'],
  ['FAILED'],
  ['UNKNOWN'],
  [NO_STATUS],
];

/** The filter's entries: the groups above, then any status the store holds that no group names (the API grows). */
export function refundFilterOptions(seen: readonly string[]): string[][] {
  const known = new Set(REFUND_FILTER_GROUPS.flat());
  return [...REFUND_FILTER_GROUPS.map((g) => [...g]), ...seen.filter((s) => !known.has(s)).map((s) => [s])];
}
