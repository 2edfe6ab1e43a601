/**
 * Analytics over the local store (works offline), from the store's analytics queries; definitions
 * are in main/analytics/README.md and repeated where each figure is computed.
 */
import type { AnalyticsResult } from '../../preload/contract.ts';
import { DECISION_WINDOW_MS } from '../deadlines/deadlines.ts';
import type { AnalyticsRepository } from '../store/repositories.ts';
import { bucketsOf, mondayOf, mskDay, type PeriodFilter } from './period.ts';

const HOUR_MS = 3_600_000;

export interface AnalyticsInput extends PeriodFilter {
  bucket: 'day' | 'week';
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

/** Statuses in which a return never reached the seller's decision (unless a decision is on record). */
const NEVER_DUE = new Set(['STARTED_BY_USER', 'CANCELLED']);

/** Time-to-decision histogram ranges, in hours: [from, to). */
export const DECISION_RANGES: ReadonlyArray<{ range: string; from: number; to: number }> = [
  { range: '<1h', from: 0, to: 1 },
  { range: '1-6h', from: 1, to: 6 },
  { range: '6-24h', from: 6, to: 24 },
  { range: '24-48h', from: 24, to: 48 },
  { range: '>48h', from: 48, to: Number.POSITIVE_INFINITY },
];

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

interface ReturnFacts {
  id: number;
  orderId: number;
  campaignId: number;
  type: string;
  refundStatus: string | null;
  createdAt: number;
  awaiting: boolean;
  amountRub: number;
  foreign: boolean;
  /** Some item carries a decisionType in the Market's DTO. */
  marketDecided: boolean;
  /** The delivered ReturnDesk decision: when the operator queued it and when the Market accepted it. */
  queuedAt: number | null;
  acceptedAt: number | null;
}

/** Whether a return's 48-hour window had ended by `now` and a seller decision was due in it. */
function isDue(r: ReturnFacts, now: number): boolean {
  if (r.type !== 'RETURN') return false;
  if (r.createdAt + DECISION_WINDOW_MS > now) return false;
  return !(r.refundStatus && NEVER_DUE.has(r.refundStatus) && !r.marketDecided && r.acceptedAt === null);
}

/**
 * Why a due return missed its deadline, or null when a seller decision was made in time:
 * - delivered-late: ReturnDesk delivered the decision after the deadline;
 * - still-waiting: the store still sees it awaiting a decision after the deadline (the Market confirms it by itself);
 * - auto-confirmed: it left the awaiting status with no seller decision on any item and none delivered by ReturnDesk.
 */
export function missReason(r: ReturnFacts): 'delivered-late' | 'still-waiting' | 'auto-confirmed' | null {
  const deadline = r.createdAt + DECISION_WINDOW_MS;
  if (r.acceptedAt !== null) return r.acceptedAt <= deadline ? null : 'delivered-late';
  if (r.awaiting) return 'still-waiting';
  if (r.marketDecided) return null;
  return 'auto-confirmed';
}

function returnFacts(store: AnalyticsRepository<'sync'>, period: PeriodFilter): ReturnFacts[] {
  return store.returnFacts(period).map((r) => {
    const currency = r.amount.currencyId;
    const rubAmount = isRubText(currency);
    return {
      id: r.id,
      orderId: r.orderId,
      campaignId: r.campaignId,
      type: r.returnType,
      refundStatus: r.refundStatus,
      createdAt: r.createdAt,
      awaiting: r.awaitingDecision,
      amountRub: rubAmount ? (r.amount.value ?? 0) : 0,
      foreign: currency !== null && !rubAmount,
      marketDecided: r.marketDecided,
      queuedAt: r.queuedAt,
      acceptedAt: r.acceptedAt,
    };
  });
}

/** Every figure of the analytics screen for a period, computed at `now`. */
export function computeAnalytics(store: AnalyticsRepository<'sync'>, input: AnalyticsInput, now: number): AnalyticsResult {
  const facts = returnFacts(store, input);

  // Timeline: returns and non-purchases by creation day (or ISO week, Monday) in Moscow time.
  const timeline = new Map(bucketsOf(input.from, input.to, input.bucket).map((b) => [b, { bucket: b, returns: 0, nonPurchases: 0, refunded: 0 }]));
  for (const r of facts) {
    const day = mskDay(r.createdAt);
    const entry = timeline.get(input.bucket === 'day' ? day : mondayOf(day));
    if (!entry) continue;
    if (r.type === 'UNREDEEMED') entry.nonPurchases++;
    else entry.returns++;
    entry.refunded += r.amountRub;
  }

  // Reasons: item decisions of the Market's DTO (the buyer's reason and subreason).
  const reasons = store.reasons(input).map((r) => ({ ...r, refunded: round2(r.refunded) }));

  // Top SKUs: returned units and money. An item's money is its decisions' amounts; items without any
  // (non-purchases) share the rest of the return's amount in proportion to their units.
  const itemRows = store.returnedItems(input);
  const byReturn = new Map<number, typeof itemRows>();
  for (const row of itemRows) {
    const list = byReturn.get(row.returnId) ?? [];
    list.push(row);
    byReturn.set(row.returnId, list);
  }
  const skus = new Map<string, { shopSku: string; name: string | null; returns: Set<number>; units: number; refunded: number }>();
  let units = 0;
  for (const [returnId, items] of byReturn) {
    const first = items[0]!;
    const returnRub = isRubText(first.returnAmount.currencyId) ? (first.returnAmount.value ?? 0) : 0;
    const priced = items.filter((i) => i.priced > 0);
    const rest = Math.max(0, returnRub - priced.reduce((sum, i) => sum + (i.decided ?? 0), 0));
    const unpricedUnits = items.filter((i) => i.priced === 0).reduce((sum, i) => sum + i.count, 0);
    for (const item of items) {
      const key = item.shopSku;
      const entry = skus.get(key.toLowerCase()) ?? { shopSku: key, name: null, returns: new Set<number>(), units: 0, refunded: 0 };
      entry.name ??= item.name;
      entry.returns.add(returnId);
      entry.units += item.count;
      entry.refunded += item.priced > 0 ? (item.decided ?? 0) : unpricedUnits > 0 ? (rest * item.count) / unpricedUnits : 0;
      skus.set(key.toLowerCase(), entry);
      units += item.count;
    }
  }
  const topSkus = [...skus.values()]
    .map((s) => ({ shopSku: s.shopSku, name: s.name, returns: s.returns.size, units: s.units, refunded: round2(s.refunded) }))
    .sort((a, b) => b.units - a.units || b.refunded - a.refunded || a.shopSku.localeCompare(b.shopSku));

  // Decision mix: per item, what operators decided in ReturnDesk (queued, sending or delivered) and what the Market's DTO says.
  const mix = new Map<string, { decisionType: string; operatorItems: number; marketItems: number }>();
  const bump = (type: string, field: 'operatorItems' | 'marketItems', n: number): void => {
    const entry = mix.get(type) ?? { decisionType: type, operatorItems: 0, marketItems: 0 };
    entry[field] += n;
    mix.set(type, entry);
  };
  for (const draftJson of store.operatorDrafts(input)) {
    try {
      const draft = JSON.parse(draftJson) as { items?: Array<{ decisionType?: unknown }> };
      for (const item of draft.items ?? []) bump(typeof item.decisionType === 'string' ? item.decisionType : 'UNKNOWN', 'operatorItems', 1);
    } catch {
      // An unreadable draft is the outbox's quarantine business; it is not counted here.
    }
  }
  for (const row of store.marketDecisions(input)) bump(row.decisionType, 'marketItems', row.items);
  const decisionMix = [...mix.values()].sort(
    (a, b) => b.operatorItems + b.marketItems - (a.operatorItems + a.marketItems) || a.decisionType.localeCompare(b.decisionType),
  );

  // Compensation: partnerCompensationAmount of the item decisions.
  const money = store.compensation(input);
  const compensationByStore = new Map(money.map((m) => [m.campaignId, m.roubles]));
  const foreignItemAmounts = money.reduce((sum, m) => sum + m.foreignAmounts, 0);

  // Time to decision: creation of the return → the operator queued the decision ReturnDesk delivered.
  const hoursOf = (r: ReturnFacts): number | null => (r.queuedAt === null ? null : Math.max(0, (r.queuedAt - r.createdAt) / HOUR_MS));
  const timed = facts.map(hoursOf).filter((h): h is number => h !== null);
  const untimed = facts.filter((r) => r.type === 'RETURN' && r.queuedAt === null && r.marketDecided).length;

  // Deadlines: due returns and those that missed the 48 hours.
  const deadlines: AnalyticsResult['deadlines'] = [];
  const dueByStore = new Map<number, number>();
  const missedByStore = new Map<number, number>();
  let due = 0;
  for (const r of facts) {
    if (!isDue(r, now)) continue;
    due++;
    dueByStore.set(r.campaignId, (dueByStore.get(r.campaignId) ?? 0) + 1);
    const why = missReason(r);
    if (!why) continue;
    missedByStore.set(r.campaignId, (missedByStore.get(r.campaignId) ?? 0) + 1);
    deadlines.push({
      returnId: r.id,
      orderId: r.orderId,
      campaignId: r.campaignId,
      createdAt: new Date(r.createdAt).toISOString(),
      deadline: new Date(r.createdAt + DECISION_WINDOW_MS).toISOString(),
      refundStatus: r.refundStatus,
      why,
    });
  }

  // Per store.
  const names = store.storeNames();
  const storeIds = [...new Set(facts.map((r) => r.campaignId))].sort((a, b) => a - b);
  const stores = storeIds.map((campaignId) => {
    const mine = facts.filter((r) => r.campaignId === campaignId);
    return {
      campaignId,
      name: names.get(campaignId) ?? null,
      returns: mine.filter((r) => r.type !== 'UNREDEEMED').length,
      nonPurchases: mine.filter((r) => r.type === 'UNREDEEMED').length,
      refunded: round2(mine.reduce((sum, r) => sum + r.amountRub, 0)),
      compensation: round2(compensationByStore.get(campaignId) ?? 0),
      decisionDue: dueByStore.get(campaignId) ?? 0,
      deadlinesMissed: missedByStore.get(campaignId) ?? 0,
      medianHoursToDecision: round1(median(mine.map(hoursOf).filter((h): h is number => h !== null))),
    };
  });

  return {
    query: { from: input.from, to: input.to, campaignIds: [...(input.campaignIds ?? [])], bucket: input.bucket },
    computedAt: new Date(now).toISOString(),
    totals: {
      returns: facts.filter((r) => r.type !== 'UNREDEEMED').length,
      nonPurchases: facts.filter((r) => r.type === 'UNREDEEMED').length,
      units,
      refunded: round2(facts.reduce((sum, r) => sum + r.amountRub, 0)),
      compensation: round2([...compensationByStore.values()].reduce((a, b) => a + b, 0)),
      decisionDue: due,
      deadlinesMissed: deadlines.length,
      foreignCurrencyAmounts: facts.filter((r) => r.foreign).length + foreignItemAmounts,
    },
    timeline: [...timeline.values()].map((t) => ({ ...t, refunded: round2(t.refunded) })),
    reasons,
    topSkus,
    decisionMix,
    timeToDecision: {
      decided: timed.length,
      medianHours: round1(median(timed)),
      averageHours: round1(timed.length ? timed.reduce((a, b) => a + b, 0) / timed.length : null),
      p90Hours: round1(percentile(timed, 90)),
      untimed,
      histogram: DECISION_RANGES.map(({ range, from, to }) => ({ range, returns: timed.filter((h) => h >= from && h < to).length })),
    },
    deadlines,
    stores,
  };
}

function isRubText(currency: string | null): boolean {
  return currency === 'RUR' || currency === 'RUB';
}
