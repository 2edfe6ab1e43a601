/**
 * Money per order: the order's cost minus what every one of its returns takes back (the Market's
 * advice: "subtract from the cost of the order refund amount"), computed by `orderBalance`, the same
 * function the return pane shows. An order belongs to a period when any of its returns was created in
 * it; what it takes back counts all its returns, in or out of it. Roubles only.
 */
import type { OrderMoneyPage, OrderMoneyRow } from '../../preload/contract.ts';
import { orderBalances } from '../money/balances.ts';
import { isRouble } from '../market/money.ts';
import type { AnalyticsRepository, OrderMoneyRepository } from '../store/repositories.ts';
import type { PeriodFilter } from './period.ts';

export interface OrderMoneyInput extends PeriodFilter {
  sort: 'net' | 'refunded' | 'cost' | 'orderId' | 'returns';
  descending: boolean;
  offset: number;
  limit: number;
}

/** What the money per order reads: the store's analytics queries and order balances. */
export type OrderMoneySource = { analytics: AnalyticsRepository<'sync'>; orderMoney: OrderMoneyRepository<'sync'> };
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Every order of the period with its cost, what its returns take back and what remains. */
function periodRows(store: OrderMoneySource, period: PeriodFilter): OrderMoneyRow[] {
  const picked = store.analytics.ordersOfPeriod(period);
  const balances = orderBalances(
    store.orderMoney,
    picked.map((p) => p.orderId),
  );
  return picked.map((p) => {
    const { orderId } = p;
    const balance = balances.get(orderId);
    const roubles = balance !== undefined && isRouble(balance.currencyId);
    const cost = roubles && balance.cost ? balance.cost.total : null;
    return {
      orderId,
      campaignId: p.campaignId,
      returns: p.returns,
      cost,
      refunded: roubles ? balance.takenBack : 0,
      net: cost === null ? null : (balance?.remains ?? null),
      pending: balance?.takeBacks.some((t) => t.pending) ?? false,
    };
  });
}

const SORT_KEY: Record<OrderMoneyInput['sort'], (r: OrderMoneyRow) => number | null> = {
  net: (r) => r.net,
  refunded: (r) => r.refunded,
  cost: (r) => r.cost,
  orderId: (r) => r.orderId,
  returns: (r) => r.returns,
};

export function orderMoney(store: OrderMoneySource, input: OrderMoneyInput): OrderMoneyPage {
  const all = periodRows(store, input);
  const key = SORT_KEY[input.sort];
  const sign = input.descending ? -1 : 1;
  // Unknown values sort last whichever the direction; order id breaks ties so pages are stable.
  all.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? sign * (a.orderId - b.orderId) : x === null ? 1 : -1;
    return sign * (x - y) || sign * (a.orderId - b.orderId);
  });
  const withCost = all.filter((r) => r.cost !== null);
  const sum = (rows: OrderMoneyRow[], pick: (r: OrderMoneyRow) => number): number => round2(rows.reduce((s, r) => s + pick(r), 0));
  return {
    rows: all.slice(input.offset, input.offset + input.limit),
    total: all.length,
    totals: {
      orders: all.length,
      ordersWithCost: withCost.length,
      cost: sum(withCost, (r) => r.cost ?? 0),
      refunded: sum(all, (r) => r.refunded),
      net: sum(withCost, (r) => r.net ?? 0),
      refundedWithoutCost: sum(
        all.filter((r) => r.cost === null),
        (r) => r.refunded,
      ),
    },
  };
}
