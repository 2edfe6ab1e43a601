// Reads the stored orders and returns that `orderBalance` needs, for one order (the return pane) or many (analytics).
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { OrderBalance } from '../../preload/contract.ts';
import type { BusinessOrderDTO, CurrencyValue } from '../market/schemas.ts';
import { orderBalance, type ReturnOfOrder } from './money.ts';

type Row = Record<string, SQLInputValue>;

const PRICE_PATHS = ['payment', 'cashback', 'subsidy'].flatMap((k) => [`'$.prices.${k}.value'`, `'$.prices.${k}.currencyId'`]).join(', ');

/** The balance of each of `orderIds` (every one gets an entry, stored or not), from the local store. */
export function orderBalances(db: DatabaseSync, orderIds: readonly number[]): Map<number, OrderBalance> {
  const ids = JSON.stringify([...new Set(orderIds)]);
  const returns = db
    .prepare(
      `SELECT id, order_id, return_type, refund_status, shipment_status, amount_value, amount_currency, awaiting_decision
       FROM returns WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
    )
    .all(ids) as Row[];
  // Only a non-purchase without an amount is valued by its lines: only its items are read.
  const items = db
    .prepare(
      `SELECT ri.return_id, ri.shop_sku, ri.count FROM return_items ri JOIN returns r ON r.id = ri.return_id
       WHERE r.order_id IN (SELECT value FROM json_each(?)) AND r.amount_value IS NULL ORDER BY ri.return_id, ri.idx`,
    )
    .all(ids) as Row[];
  const orders = db
    .prepare(`SELECT id, json_extract(raw_json, ${PRICE_PATHS}) AS prices FROM orders WHERE id IN (SELECT value FROM json_each(?))`)
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
  const orderById = new Map(orders.map((o) => [Number(o.id), storedOrder(db, Number(o.id), String(o.prices))]));
  const out = new Map<number, OrderBalance>();
  for (const id of new Set(orderIds)) out.set(id, orderBalance(orderById.get(id) ?? null, returnsOf.get(id) ?? []));
  return out;
}

/** The order's prices, read at once; its lines read from the store only when a balance asks for them. */
function storedOrder(db: DatabaseSync, orderId: number, pricesJson: string): BusinessOrderDTO {
  const [pv, pc, cv, cc, sv, sc] = JSON.parse(pricesJson) as Array<number | string | null>;
  const money = (value: unknown, currencyId: unknown): CurrencyValue | null =>
    typeof value === 'number' && typeof currencyId === 'string' ? { value, currencyId } : null;
  let items: BusinessOrderDTO['items'] | undefined;
  return {
    orderId,
    prices: { payment: money(pv, pc), cashback: money(cv, cc), subsidy: money(sv, sc) },
    get items() {
      items ??= (db.prepare('SELECT raw_json FROM order_items WHERE order_id = ? ORDER BY item_id').all(orderId) as Row[]).map(
        (i) => JSON.parse(String(i.raw_json)) as BusinessOrderDTO['items'][number],
      );
      return items;
    },
  };
}
