/** The inbox's filter-chip counts from one grouped pass over the returns instead of one scan per facet. */
import { NO_STATUS } from '../../preload/contract.ts';
import type { InboxCounts, InboxFilter } from './store.ts';

const DISPUTE_STATUS = 'PREMODERATION_DISPUTE';

/** One group of returns alike in every facet's column. */
export interface FacetGroup {
  campaign_id: number;
  return_type: string;
  refund_status: string | null;
  shipment_status: string | null;
  awaiting_decision: number;
  fast_return: number;
  photo_count: number;
  n: number;
}

/**
 * Every facet's column, in the order of the returns_facets index and of return_items_facets (each item keeps its
 * return's values), so the grouping walks an index and never sorts.
 */
export const FACET_FIELDS = ['campaign_id', 'return_type', 'refund_status', 'shipment_status', 'awaiting_decision', 'fast_return', 'photo_count'] as const;

/** The facet columns of the table aliased `alias`, for a SELECT list and its GROUP BY. */
export const facetColumns = (alias: string): string => FACET_FIELDS.map((column) => `${alias}.${column}`).join(', ');

/** The filters that are not facets (applied in SQL before grouping). */
export function nonFacetFilter(filter: InboxFilter): InboxFilter {
  return { createdFrom: filter.createdFrom, createdTo: filter.createdTo, search: filter.search };
}

type Facet = 'awaitingDecision' | 'inDispute' | 'fastReturn' | 'hasPhotos' | 'campaignIds' | 'returnType' | 'refundStatuses' | 'shipmentStatuses';

const inStatuses = (value: string | null, wanted: readonly string[] | undefined): boolean => !wanted?.length || wanted.includes(value ?? NO_STATUS);

/** Whether a group passes every facet filter except `except` (the same rules as the inbox query's WHERE). */
function passes(g: FacetGroup, f: InboxFilter, except: Facet | null): boolean {
  if (except !== 'awaitingDecision' && f.awaitingDecision !== undefined && (g.awaiting_decision === 1) !== f.awaitingDecision) return false;
  if (except !== 'inDispute' && f.inDispute !== undefined && (g.refund_status === DISPUTE_STATUS) !== f.inDispute) return false;
  if (except !== 'fastReturn' && f.fastReturn !== undefined && (g.fast_return === 1) !== f.fastReturn) return false;
  if (except !== 'hasPhotos' && f.hasPhotos !== undefined && g.photo_count > 0 !== f.hasPhotos) return false;
  if (except !== 'campaignIds' && f.campaignIds?.length && !f.campaignIds.includes(g.campaign_id)) return false;
  if (except !== 'returnType' && f.returnType && g.return_type !== f.returnType) return false;
  if (except !== 'refundStatuses' && !inStatuses(g.refund_status, f.refundStatuses)) return false;
  if (except !== 'shipmentStatuses' && !inStatuses(g.shipment_status, f.shipmentStatuses)) return false;
  return true;
}

/** Each facet counted with the other filters applied, from the groups of the non-facet filters' rows. */
export function countFacets(groups: readonly FacetGroup[], filter: InboxFilter): InboxCounts {
  const counts: InboxCounts = {
    total: 0,
    awaitingDecision: 0,
    inDispute: 0,
    fastReturn: 0,
    withPhotos: 0,
    byCampaign: {},
    byType: {},
    byRefundStatus: {},
    byShipmentStatus: {},
  };
  const add = (into: Record<string, number>, key: string | number | null, n: number): void => {
    const k = String(key ?? NO_STATUS);
    into[k] = (into[k] ?? 0) + n;
  };
  for (const g of groups) {
    const n = Number(g.n);
    if (passes(g, filter, null)) counts.total += n;
    if (g.awaiting_decision === 1 && passes(g, filter, 'awaitingDecision')) counts.awaitingDecision += n;
    if (g.refund_status === DISPUTE_STATUS && passes(g, filter, 'inDispute')) counts.inDispute += n;
    if (g.fast_return === 1 && passes(g, filter, 'fastReturn')) counts.fastReturn += n;
    if (g.photo_count > 0 && passes(g, filter, 'hasPhotos')) counts.withPhotos += n;
    if (passes(g, filter, 'campaignIds')) add(counts.byCampaign, g.campaign_id, n);
    if (passes(g, filter, 'returnType')) add(counts.byType, g.return_type, n);
    if (passes(g, filter, 'refundStatuses')) add(counts.byRefundStatus, g.refund_status, n);
    if (passes(g, filter, 'shipmentStatuses')) add(counts.byShipmentStatus, g.shipment_status, n);
  }
  return counts;
}
