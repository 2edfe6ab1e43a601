/** SQLite's analytics queries and the facts of order balances: read-only, over returns, orders and the outbox. */
import type { SQLInputValue } from 'node:sqlite';
import { mskDayStart } from '../../preload/moscow-time.ts';
import type { BusinessOrderDTO, CurrencyValue } from '../market/schemas.ts';
import type { AnalyticsRepository, OrderBalanceFacts, OrderMoneyRepository, PeriodFilter, ReturnOfOrder } from './repositories.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

type Row = Record<string, SQLInputValue>;

const DAY_MS = 86_400_000;
const num = (v: SQLInputValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: SQLInputValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** WHERE clause (on alias `r` of returns) for returns created in the period, in the chosen stores. */
function returnsInPeriod(period: PeriodFilter, alias = 'r'): { where: string; params: SQLInputValue[] } {
  const start = mskDayStart(period.from, 'from');
  const end = mskDayStart(period.to, 'to') + DAY_MS;
  if (end <= start) throw new Error('to: the end date is before the start date');
  const clauses = [`${alias}.created_at >= ?`, `${alias}.created_at < ?`];
  const params: SQLInputValue[] = [start, end];
  if (period.campaignIds?.length) {
    clauses.push(`${alias}.campaign_id IN (${period.campaignIds.map(() => '?').join(',')})`);
    params.push(...period.campaignIds);
  }
  return { where: clauses.join(' AND '), params };
}

/** SQL truth value: a currency column holds roubles (the Market writes RUR). */
const isRub = (column: string): string => `${column} IN ('RUR', 'RUB')`;

// The WHERE clause varies with the number of stores, so these statements are prepared per query.
export function sqliteAnalytics(sql: SqliteConnection): AnalyticsRepository<'sync'> {
  const rows = (period: PeriodFilter, query: (where: string) => string): Row[] => {
    const { where, params } = returnsInPeriod(period);
    return sql.db.prepare(query(where)).all(...params) as Row[];
  };
  return {
    returnFacts: (period) =>
      rows(
        period,
        (where) => `SELECT r.id, r.order_id, r.campaign_id, r.return_type, r.refund_status, r.created_at, r.awaiting_decision,
         r.amount_value, r.amount_currency,
         EXISTS (SELECT 1 FROM item_decisions d WHERE d.return_id = r.id AND d.decision_type IS NOT NULL) AS market_decided,
         (SELECT o.created_at FROM outbox o WHERE o.return_id = r.id AND o.state = 'delivered' AND o.quarantined = 0 ORDER BY o.id LIMIT 1) AS queued_at,
         (SELECT COALESCE(o.accepted_at, o.updated_at) FROM outbox o WHERE o.return_id = r.id AND o.state = 'delivered' AND o.quarantined = 0 ORDER BY o.id LIMIT 1) AS accepted_at
       FROM returns r WHERE ${where} AND r.created_at IS NOT NULL ORDER BY r.created_at, r.id`,
      ).map((r) => ({
        id: Number(r.id),
        orderId: Number(r.order_id),
        campaignId: Number(r.campaign_id),
        returnType: String(r.return_type),
        refundStatus: r.refund_status as string | null,
        createdAt: Number(r.created_at),
        awaitingDecision: r.awaiting_decision === 1,
        amount: { value: numOrNull(r.amount_value), currencyId: r.amount_currency as string | null },
        marketDecided: Number(r.market_decided) === 1,
        queuedAt: numOrNull(r.queued_at),
        acceptedAt: numOrNull(r.accepted_at),
      })),
    reasons: (period) =>
      rows(
        period,
        (where) => `SELECT COALESCE(d.reason_type, 'NONE') AS reason, COALESCE(d.subreason_type, 'NONE') AS subreason, COUNT(*) AS items,
           SUM(COALESCE(d.count, ri.count)) AS units, SUM(CASE WHEN ${isRub('d.amount_currency')} THEN d.amount_value ELSE 0 END) AS refunded
         FROM item_decisions d JOIN returns r ON r.id = d.return_id
         JOIN return_items ri ON ri.return_id = d.return_id AND ri.idx = d.item_idx
         WHERE ${where} GROUP BY 1, 2 ORDER BY items DESC, reason, subreason`,
      ).map((r) => ({ reason: String(r.reason), subreason: String(r.subreason), items: num(r.items), units: num(r.units), refunded: num(r.refunded) })),
    returnedItems: (period) =>
      rows(
        period,
        (where) => `SELECT r.id AS return_id, r.amount_value, r.amount_currency, ri.idx, ri.shop_sku, ri.count,
         (SELECT offer_name FROM order_items oi WHERE oi.order_id = r.order_id AND oi.offer_id = ri.shop_sku LIMIT 1) AS name,
         (SELECT COUNT(*) FROM item_decisions d WHERE d.return_id = ri.return_id AND d.item_idx = ri.idx AND d.amount_value IS NOT NULL) AS priced,
         (SELECT SUM(d.amount_value) FROM item_decisions d WHERE d.return_id = ri.return_id AND d.item_idx = ri.idx AND ${isRub('d.amount_currency')}) AS decided
       FROM return_items ri JOIN returns r ON r.id = ri.return_id WHERE ${where} ORDER BY r.id, ri.idx`,
      ).map((r) => ({
        returnId: Number(r.return_id),
        returnAmount: { value: numOrNull(r.amount_value), currencyId: r.amount_currency as string | null },
        idx: Number(r.idx),
        shopSku: String(r.shop_sku),
        count: num(r.count),
        name: (r.name as string | null) ?? null,
        priced: num(r.priced),
        decided: numOrNull(r.decided),
      })),
    operatorDrafts: (period) =>
      rows(
        period,
        (where) => `SELECT o.draft_json FROM outbox o JOIN returns r ON r.id = o.return_id
       WHERE ${where} AND o.quarantined = 0 AND o.state IN ('queued', 'sending', 'delivered')`,
      ).map((r) => String(r.draft_json)),
    marketDecisions: (period) =>
      rows(
        period,
        (where) => `SELECT COALESCE(d.decision_type, 'NONE') AS type, COUNT(*) AS n FROM item_decisions d JOIN returns r ON r.id = d.return_id
       WHERE ${where} GROUP BY 1`,
      ).map((r) => ({ decisionType: String(r.type), items: num(r.n) })),
    compensation: (period) =>
      rows(
        period,
        (where) => `SELECT r.campaign_id, SUM(CASE WHEN ${isRub('d.compensation_currency')} THEN d.compensation_value ELSE 0 END) AS compensation,
         SUM(CASE WHEN d.compensation_currency IS NOT NULL AND NOT ${isRub('d.compensation_currency')} THEN 1 ELSE 0 END)
         + SUM(CASE WHEN d.amount_currency IS NOT NULL AND NOT ${isRub('d.amount_currency')} THEN 1 ELSE 0 END) AS foreign_amounts
       FROM item_decisions d JOIN returns r ON r.id = d.return_id WHERE ${where} GROUP BY r.campaign_id`,
      ).map((r) => ({ campaignId: Number(r.campaign_id), roubles: num(r.compensation), foreignAmounts: num(r.foreign_amounts) })),
    storeNames: () =>
      new Map(
        (sql.stmt('SELECT id, COALESCE(domain, business_name) AS name FROM campaigns').all() as Row[]).map((c) => [
          Number(c.id),
          (c.name as string | null) ?? null,
        ]),
      ),
    ordersOfPeriod: (period) =>
      rows(
        period,
        (where) => `SELECT a.order_id, MIN(a.campaign_id) AS campaign_id, COUNT(*) AS returns FROM returns a
       WHERE a.order_id IN (SELECT DISTINCT r.order_id FROM returns r WHERE ${where}) GROUP BY a.order_id`,
      ).map((p) => ({ orderId: Number(p.order_id), campaignId: Number(p.campaign_id), returns: Number(p.returns) })),
  };
}

const PRICE_PATHS = ['payment', 'cashback', 'subsidy'].flatMap((k) => [`'$.prices.${k}.value'`, `'$.prices.${k}.currencyId'`]).join(', ');

export function sqliteOrderMoney(sql: SqliteConnection): OrderMoneyRepository<'sync'> {
  /** The order's prices, read at once; its lines read from the store only when a balance asks for them. */
  const storedOrder = (orderId: number, pricesJson: string): BusinessOrderDTO => {
    const [pv, pc, cv, cc, sv, sc] = JSON.parse(pricesJson) as Array<number | string | null>;
    const money = (value: unknown, currencyId: unknown): CurrencyValue | null =>
      typeof value === 'number' && typeof currencyId === 'string' ? { value, currencyId } : null;
    let items: BusinessOrderDTO['items'] | undefined;
    return {
      orderId,
      prices: { payment: money(pv, pc), cashback: money(cv, cc), subsidy: money(sv, sc) },
      get items() {
        items ??= (sql.stmt('SELECT raw_json FROM order_items WHERE order_id = ? ORDER BY item_id').all(orderId) as Row[]).map(
          (i) => JSON.parse(String(i.raw_json)) as BusinessOrderDTO['items'][number],
        );
        return items;
      },
    };
  };
  return {
    balanceFacts(orderIds) {
      const ids = JSON.stringify([...new Set(orderIds)]);
      const returns = sql
        .stmt(
          `SELECT id, order_id, return_type, refund_status, shipment_status, amount_value, amount_currency, awaiting_decision
       FROM returns WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
        )
        .all(ids) as Row[];
      // Only a non-purchase without an amount is valued by its lines: only its items are read.
      const items = sql
        .stmt(
          `SELECT ri.return_id, ri.shop_sku, ri.count FROM return_items ri JOIN returns r ON r.id = ri.return_id
       WHERE r.order_id IN (SELECT value FROM json_each(?)) AND r.amount_value IS NULL ORDER BY ri.return_id, ri.idx`,
        )
        .all(ids) as Row[];
      const orders = sql
        .stmt(`SELECT id, json_extract(raw_json, ${PRICE_PATHS}) AS prices FROM orders WHERE id IN (SELECT value FROM json_each(?))`)
        .all(ids) as Row[];

      const itemsOf = new Map<number, ReturnOfOrder['items']>();
      for (const i of items) {
        const id = Number(i.return_id);
        let list = itemsOf.get(id);
        if (!list) itemsOf.set(id, (list = []));
        list.push({ shopSku: String(i.shop_sku), count: Number(i.count) });
      }
      const returnsOf = new Map<number, ReturnOfOrder[]>();
      for (const r of returns) {
        const orderId = Number(r.order_id);
        let list = returnsOf.get(orderId);
        if (!list) returnsOf.set(orderId, (list = []));
        list.push({
          returnId: Number(r.id),
          returnType: String(r.return_type),
          refundStatus: r.refund_status as string | null,
          shipmentStatus: r.shipment_status as string | null,
          amount: r.amount_value === null || r.amount_currency === null ? null : { value: Number(r.amount_value), currencyId: String(r.amount_currency) },
          awaitingDecision: r.awaiting_decision === 1,
          items: itemsOf.get(Number(r.id)) ?? [],
        });
      }
      const orderById = new Map(orders.map((o) => [Number(o.id), storedOrder(Number(o.id), String(o.prices))]));
      const out = new Map<number, OrderBalanceFacts>();
      for (const id of new Set(orderIds)) out.set(id, { order: orderById.get(id) ?? null, returns: returnsOf.get(id) ?? [] });
      return out;
    },
  };
}
