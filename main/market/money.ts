/**
 * What the Market's money fields mean, in one place. getBusinessOrders reports every amount of an
 * order line as the total for all its units (ItemPriceDTO: "Если в заказе несколько единиц товаров,
 * в параметрах возвращается суммарное значение"); the goods cost "складывается из параметров payment и
 * cashback", and `subsidy` is the Market's reward to the seller on top. A return's `amount` is its
 * refund ("Сумма возврата"). The return pane, the decision rules and the analytics all read money here.
 */
import type { LineMoney, Money, OrderBalance, OrderTakeBack } from '../../preload/contract.ts';
import type { BusinessOrderDTO, BusinessOrderItemDTO, CurrencyValue } from './schemas.ts';

type Line = BusinessOrderItemDTO;

/** RUR is the Market's id for roubles, RUB the ISO code: the same currency. */
export function sameCurrency(a: string, b: string): boolean {
  const norm = (c: string): string => (c === 'RUB' ? 'RUR' : c);
  return norm(a) === norm(b);
}

export const isRouble = (currencyId: string): boolean => sameCurrency(currencyId, 'RUR');

const kopecks = (value: number): number => Math.round(value * 100);
const roubles = (k: number): number => k / 100;
const money = (value: number, currencyId: string): Money => ({ value, currencyId });

function toMoney(v: CurrencyValue | null | undefined): Money | null {
  return v && Number.isFinite(v.value) ? { value: v.value, currencyId: v.currencyId } : null;
}

/** payment + cashback + subsidy when every part given is in payment's currency; null without a payment. */
function totalOf(payment: Money | null, cashback: Money | null, subsidy: Money | null): Money | null {
  if (!payment) return null;
  let sum = kopecks(payment.value);
  for (const part of [cashback, subsidy]) {
    if (!part) continue;
    if (!sameCurrency(part.currencyId, payment.currencyId)) return null;
    sum += kopecks(part.value);
  }
  return money(roubles(sum), payment.currencyId);
}

/** The line's amounts as the Market reports them: totals for all `count` units of the line. */
export function lineMoney(line: Line): LineMoney {
  const payment = toMoney(line.prices?.payment);
  const cashback = toMoney(line.prices?.cashback);
  const subsidy = toMoney(line.prices?.subsidy);
  return { payment, cashback, subsidy, total: totalOf(payment, cashback, subsidy) };
}

/**
 * A return position of `units` units of `line`: its share of the line's totals, by units, to the
 * kopeck. This is the "сумма позиции" the partial-refund ceiling (maxPercent) is a share of.
 */
export function positionMoney(line: Line, units: number): LineMoney | null {
  const count = line.count ?? 0;
  if (!(count > 0) || !(units > 0) || units > count) return null;
  const share = (m: Money | null): Money | null => (m ? money(roubles(Math.round((kopecks(m.value) * units) / count)), m.currencyId) : null);
  const whole = lineMoney(line);
  const payment = share(whole.payment);
  const cashback = share(whole.cashback);
  const subsidy = share(whole.subsidy);
  return { payment, cashback, subsidy, total: totalOf(payment, cashback, subsidy) };
}

/** The order line a return item belongs to: by shop SKU, the only key a return item shares with its order. */
export function lineOf(order: BusinessOrderDTO | null | undefined, shopSku: string): Line | undefined {
  return order?.items.find((line) => line.offerId === shopSku);
}

/** Sum of one kind of amount over the lines; null when none has it or the currencies differ. */
function sumOf(parts: Array<Money | null>): Money | null | 'mixed' {
  const present = parts.filter((m): m is Money => m !== null);
  const first = present[0];
  if (!first) return null;
  if (present.some((m) => !sameCurrency(m.currencyId, first.currencyId))) return 'mixed';
  return money(roubles(present.reduce((s, m) => s + kopecks(m.value), 0)), first.currencyId);
}

/**
 * The cost of the order's goods: OrderPriceDTO payment + cashback + subsidy, or, when the order
 * carries no prices, the sums of its lines. Null when unknown or in mixed currencies.
 */
export function orderCost(order: BusinessOrderDTO): { payment: number; cashback: number; subsidy: number; total: number; currencyId: string } | null {
  let payment = toMoney(order.prices?.payment);
  let cashback = toMoney(order.prices?.cashback);
  let subsidy = toMoney(order.prices?.subsidy);
  if (!payment) {
    const lines = order.items.map(lineMoney);
    if (lines.length === 0 || lines.some((l) => !l.payment)) return null;
    const [p, c, s] = [sumOf(lines.map((l) => l.payment)), sumOf(lines.map((l) => l.cashback)), sumOf(lines.map((l) => l.subsidy))];
    if (p === 'mixed' || c === 'mixed' || s === 'mixed') return null;
    [payment, cashback, subsidy] = [p, c, s];
  }
  const total = totalOf(payment, cashback, subsidy);
  if (!payment || !total) return null;
  return { payment: payment.value, cashback: cashback?.value ?? 0, subsidy: subsidy?.value ?? 0, total: total.value, currencyId: payment.currencyId };
}

/** A return of the order as the balance needs it. */
export interface ReturnOfOrder {
  returnId: number;
  returnType: string;
  refundStatus: string | null;
  shipmentStatus: string | null;
  amount: Money | null;
  awaitingDecision: boolean;
  /** Only read for a return valued by its lines (no amount); may be empty otherwise. */
  items: Array<{ shopSku: string; count: number }>;
}

/** The value of a non-purchase's lines when the Market gives no amount for it; null when a line is unknown. */
function linesValue(order: BusinessOrderDTO | null, ret: ReturnOfOrder, currencyId: string): number | null {
  if (!order || ret.items.length === 0) return null;
  let sum = 0;
  for (const item of ret.items) {
    const line = lineOf(order, item.shopSku);
    const total = line ? positionMoney(line, item.count)?.total : null;
    if (!total || !sameCurrency(total.currencyId, currencyId)) return null;
    sum += kopecks(total.value);
  }
  return roubles(sum);
}

/**
 * The order's money as the Market counts it ("To calculate correctly, subtract from the cost of the
 * order refund amount", step-by-step/returns): its cost
 * minus what every one of its returns takes back — a return its refund amount, a non-purchase its
 * amount or, when the Market gives none, the value of its lines. The one definition behind the return
 * pane and the analytics' money per order.
 */
export function orderBalance(order: BusinessOrderDTO | null, returns: readonly ReturnOfOrder[]): OrderBalance {
  const cost = order ? orderCost(order) : null;
  const currencyId = cost?.currencyId ?? returns.find((r) => r.amount)?.amount?.currencyId ?? 'RUR';
  let takenBack = 0;
  const takeBacks = returns.map((r): OrderTakeBack => {
    const base = {
      returnId: r.returnId,
      returnType: r.returnType,
      refundStatus: r.refundStatus,
      shipmentStatus: r.shipmentStatus,
      pending: r.awaitingDecision,
    };
    if (r.amount) {
      if (!sameCurrency(r.amount.currencyId, currencyId)) return { ...base, basis: 'foreign', amount: r.amount };
      takenBack += kopecks(r.amount.value);
      return { ...base, basis: 'refund', amount: r.amount };
    }
    const value = r.returnType === 'UNREDEEMED' ? linesValue(order, r, currencyId) : null;
    if (value === null) return { ...base, basis: 'unknown', amount: null };
    takenBack += kopecks(value);
    return { ...base, basis: 'lines', amount: money(value, currencyId) };
  });
  const taken = roubles(takenBack);
  return {
    currencyId,
    cost: cost && { payment: cost.payment, cashback: cost.cashback, subsidy: cost.subsidy, total: cost.total },
    takeBacks,
    takenBack: taken,
    remains: cost ? roubles(kopecks(cost.total) - takenBack) : null,
  };
}
