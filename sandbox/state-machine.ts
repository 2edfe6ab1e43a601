// Refund status machines of the Market: FBY/FBS/Express (premoderation) and DBS.
import type { Program, ReturnItem, ReturnRecord } from './types.ts';

export const DECISION_WINDOW_MS = 48 * 3600_000;

export function isPremoderation(program: Program): boolean {
  return program !== 'DBS';
}

export function awaitingStatus(program: Program): string {
  return isPremoderation(program) ? 'PREMODERATION_DECISION_WAITING' : 'WAITING_FOR_DECISION';
}

export function decisionMadeStatus(program: Program): string {
  return isPremoderation(program) ? 'PREMODERATION_DECISION_MADE' : 'DECISION_MADE';
}

/** Status the Market moves an undecided return to when the 48 hours run out. */
export function autoConfirmedStatus(program: Program): string {
  return isPremoderation(program) ? 'PREMODERATION_SELECT_DELIVERY' : 'REFUND_IN_PROGRESS';
}

export function isAwaitingDecision(r: ReturnRecord): boolean {
  return r.returnType === 'RETURN' && r.refundStatus === awaitingStatus(r.program);
}

export function decisionDeadline(r: ReturnRecord): number {
  return r.createdAt + DECISION_WINDOW_MS;
}

const PREMODERATION: Record<string, string[]> = {
  STARTED_BY_USER: ['PREMODERATION_DECISION_WAITING', 'REFUND_IN_PROGRESS', 'CANCELLED'],
  PREMODERATION_DECISION_WAITING: ['PREMODERATION_DECISION_MADE', 'PREMODERATION_SELECT_DELIVERY', 'CANCELLED'],
  PREMODERATION_DECISION_MADE: ['PREMODERATION_SELECT_DELIVERY', 'PREMODERATION_DISPUTE', 'REJECTED', 'REFUND_IN_PROGRESS'],
  PREMODERATION_DISPUTE: ['REFUND_IN_PROGRESS', 'PREMODERATION_SELECT_DELIVERY', 'REJECTED'],
  PREMODERATION_SELECT_DELIVERY: ['REFUND_IN_PROGRESS', 'CANCELLED'],
  REFUND_IN_PROGRESS: ['REFUNDED', 'REJECTED', 'FAILED', 'REFUNDED_WITH_BONUSES'],
};

const DBS: Record<string, string[]> = {
  STARTED_BY_USER: ['WAITING_FOR_DECISION', 'CANCELLED'],
  WAITING_FOR_DECISION: ['DECISION_MADE', 'REFUND_IN_PROGRESS', 'CANCELLED'],
  DECISION_MADE: ['REFUND_IN_PROGRESS', 'REJECTED', 'REFUNDED_BY_SHOP', 'COMPLETE_WITHOUT_REFUND'],
  REFUND_IN_PROGRESS: ['REFUNDED', 'REJECTED', 'FAILED', 'REFUNDED_BY_SHOP'],
};

export function allowedNextStatuses(program: Program, from: string | undefined): string[] {
  const table = isPremoderation(program) ? PREMODERATION : DBS;
  return table[from ?? ''] ?? [];
}

export function statusesOf(program: Program): string[] {
  const table = isPremoderation(program) ? PREMODERATION : DBS;
  const all = new Set<string>(Object.keys(table));
  for (const next of Object.values(table)) for (const s of next) all.add(s);
  return [...all];
}

export const DECLINE_REASONS = [
  'ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED',
  'MECHANICAL_DAMAGE',
  'WARRANTY_PERIOD_HAS_EXPIRED',
  'CONFIGURATION_OR_PACKAGING_COMPROMISED',
  'PRODUCT_APPEARANCE_COMPROMISED',
  'WARRANTY_TERMS_VIOLATED',
  'DEVICE_ACTIVATED',
];

export interface AvailableDecision {
  decisionType: string;
  decisionReasonTypes?: string[];
  partialCompensationBounds?: { minAmount: { value: number; currencyId: 'RUR' }; maxAmount: { value: number; currencyId: 'RUR' }; maxPercent: number };
}

export const PARTIAL_MAX_PERCENT = 50;

/** The amount of a return position: every unit of it, at what the seller is owed per unit. */
export function positionAmount(item: ReturnItem): number {
  return item.unitValue * item.count;
}

/** Whole roubles of `percent` of `amount`, rounded down. */
export function percentOf(amount: number, percent: number): number {
  return Math.floor((amount * percent) / 100 + 1e-9);
}

/** What the Market lets the seller decide for this return (empty once it no longer awaits a decision). */
export function availableDecisions(r: ReturnRecord): AvailableDecision[] {
  if (!isAwaitingDecision(r)) return [];
  // One set of bounds for every position of the return: maxAmount is the largest position's share, so
  // for the smaller positions maxPercent ("доли суммы позиции") is the limit that binds.
  const largest = Math.max(...r.items.map(positionAmount));
  const partial: AvailableDecision = {
    decisionType: 'PARTIAL_MONEY_REFUND',
    partialCompensationBounds: {
      minAmount: { value: 1, currencyId: 'RUR' },
      maxAmount: { value: Math.max(1, percentOf(largest, PARTIAL_MAX_PERCENT)), currencyId: 'RUR' },
      maxPercent: PARTIAL_MAX_PERCENT,
    },
  };
  const decline: AvailableDecision = {
    decisionType: 'DECLINE_REFUND',
    decisionReasonTypes: r.items.some((i) => i.imei.length > 0) ? DECLINE_REASONS : DECLINE_REASONS.filter((x) => x !== 'DEVICE_ACTIVATED'),
  };
  if (isPremoderation(r.program)) {
    const list: AvailableDecision[] = [];
    if (r.fastReturn) list.push({ decisionType: 'FAST_REFUND_MONEY' });
    list.push({ decisionType: 'REFUND_MONEY' }, partial, decline);
    if (r.id % 3 === 0) list.push({ decisionType: 'REPLACE' });
    if (r.id % 4 === 0) list.push({ decisionType: 'SEND_TO_EXAMINATION' });
    return list;
  }
  return [
    { decisionType: 'REFUND_MONEY' },
    { decisionType: 'REFUND_MONEY_INCLUDING_SHIPMENT' },
    { decisionType: 'REPAIR' },
    { decisionType: 'REPLACE' },
    { decisionType: 'SEND_TO_EXAMINATION' },
    partial,
    decline,
    { decisionType: 'OTHER_DECISION' },
  ];
}
