/**
 * Money per order: the order's cost minus the refund amounts of every one of its returns (the
 * Market's advice: "subtract the refund amount from the cost of the order"). An order belongs to a
 * period when any of its returns was created in it; its refunds count all its returns, in or out of it.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { OrderMoneyPage } from '../../preload/contract.ts';
import { isRub, returnsInPeriod, type PeriodFilter } from './period.ts';

export interface OrderMoneyInput extends PeriodFilter {
  sort: 'net' | 'refunded' | 'cost' | 'orderId' | 'returns';
  descending: boolean;
  offset: number;
  limit: number;
}

type Row = Record<string, SQLInputValue>;
const round2 = (n: number): number => Math.round(n * 100) / 100;

const SORT_COLUMN: Record<OrderMoneyInput['sort'], string> = { net: 'net', refunded: 'refunded', cost: 'cost', orderId: 'order_id', returns: 'returns' };

/** The CTE of orders in the period with their cost (prices.payment + prices.subsidy of the stored order, roubles) and refunds. */
function ordersCte(period: PeriodFilter): { sql: string; params: SQLInputValue[] } {
  const { where, params } = returnsInPeriod(period);
  const sql = `
    WITH picked AS (SELECT DISTINCT r.order_id FROM returns r WHERE ${where}),
    money AS (
      SELECT a.order_id, MIN(a.campaign_id) AS campaign_id, COUNT(*) AS returns,
        SUM(CASE WHEN ${isRub('a.amount_currency')} THEN a.amount_value ELSE 0 END) AS refunded,
        MAX(a.awaiting_decision) AS pending
      FROM returns a JOIN picked p ON p.order_id = a.order_id GROUP BY a.order_id
    ),
    costed AS (
      SELECT m.*,
        -- The buyer's payment plus the Market's subsidy: the goods before the Market's discounts
        -- (buyerItemsTotalBeforeDiscount of the Market's advice), which is what a refund gives back.
        CASE WHEN json_extract(o.raw_json, '$.prices.payment.currencyId') IN ('RUR', 'RUB')
          THEN json_extract(o.raw_json, '$.prices.payment.value')
            + CASE WHEN json_extract(o.raw_json, '$.prices.subsidy.currencyId') IN ('RUR', 'RUB')
                THEN COALESCE(json_extract(o.raw_json, '$.prices.subsidy.value'), 0) ELSE 0 END
        END AS cost
      FROM money m LEFT JOIN orders o ON o.id = m.order_id
    ),
    rows AS (SELECT *, CASE WHEN cost IS NULL THEN NULL ELSE cost - refunded END AS net FROM costed)`;
  return { sql, params };
}

export function orderMoney(db: DatabaseSync, input: OrderMoneyInput): OrderMoneyPage {
  const { sql, params } = ordersCte(input);
  const column = SORT_COLUMN[input.sort];
  const direction = input.descending ? 'DESC' : 'ASC';
  // Unknown costs sort last whichever the direction; order id breaks ties so pages are stable.
  const rows = (
    db.prepare(`${sql} SELECT * FROM rows ORDER BY ${column} IS NULL, ${column} ${direction}, order_id ${direction} LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as Row[]
  ).map((r) => ({
    orderId: Number(r.order_id),
    campaignId: Number(r.campaign_id),
    returns: Number(r.returns),
    cost: r.cost === null ? null : round2(Number(r.cost)),
    refunded: round2(Number(r.refunded ?? 0)),
    net: r.net === null ? null : round2(Number(r.net)),
    pending: Number(r.pending) === 1,
  }));
  const t = db
    .prepare(
      `${sql} SELECT COUNT(*) AS orders, COUNT(cost) AS with_cost, COALESCE(SUM(cost), 0) AS cost,
         COALESCE(SUM(refunded), 0) AS refunded, COALESCE(SUM(net), 0) AS net,
         COALESCE(SUM(CASE WHEN cost IS NULL THEN refunded ELSE 0 END), 0) AS refunded_without_cost FROM rows`,
    )
    .get(...params) as Row;
  return {
    rows,
    total: Number(t.orders),
    totals: {
      orders: Number(t.orders),
      ordersWithCost: Number(t.with_cost),
      cost: round2(Number(t.cost)),
      refunded: round2(Number(t.refunded)),
      net: round2(Number(t.net)),
      refundedWithoutCost: round2(Number(t.refunded_without_cost)),
    },
  };
}
