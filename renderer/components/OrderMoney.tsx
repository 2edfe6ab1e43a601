import type { LineMoney, Money, OrderTakeBack, ReturnDetail } from '../../preload/contract.ts';
import { quantity } from '../../preload/decision-rules.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMoney } from '../lib/money.ts';
import { openReturn } from '../state/actions.ts';
import { useMoneyText } from './money-texts.ts';
import './money.css';

const MINUS = '−';

/**
 * The order's money the way the Market counts it: its cost (the buyer's payment, Plus points and the
 * Market's subsidy), what every return of the order takes back, and what remains. main computes the
 * figures (the same function as the analytics' money per order); this only lays them out.
 */
export function OrderMoney({ detail }: { detail: ReturnDetail }) {
  const { mt, locale } = useMoneyText();
  const { label } = useI18n();
  const { money, row } = detail;
  const fmt = (value: number): string => formatMoney({ value, currencyId: money.currencyId }, locale);
  const cost = money.cost;
  const incomplete = money.takeBacks.some((t) => t.basis === 'unknown' || t.basis === 'foreign');
  const takeBackName = (t: OrderTakeBack): string => {
    const current = t.returnId === row.returnId;
    const nonPurchase = t.returnType === 'UNREDEEMED';
    return mt(current ? (nonPurchase ? 'thisNonPurchase' : 'thisReturn') : nonPurchase ? 'otherNonPurchase' : 'otherReturn', { id: t.returnId });
  };
  const takeBackNotes = (t: OrderTakeBack): string[] =>
    [
      t.refundStatus ? label('refundStatus', t.refundStatus) : t.shipmentStatus ? label('shipmentStatus', t.shipmentStatus) : null,
      t.basis === 'lines' ? mt('byLines') : null,
      t.basis === 'unknown' ? mt('unknownAmount') : null,
      t.basis === 'foreign' && t.amount ? mt('foreign', { currency: t.amount.currencyId }) : null,
      t.pending ? mt('pending') : null,
    ].filter((n): n is string => n !== null);
  return (
    <section className="money-block" aria-labelledby="order-money-title" data-testid="order-money">
      <h3 className="money-title" id="order-money-title">
        {mt('title')}
      </h3>
      {!cost && (
        <p className="muted" data-testid="order-money-no-order">
          {mt('noOrder')}
        </p>
      )}
      <table className="money-table">
        <tbody>
          {cost && (
            <>
              <AmountRow label={mt('payment')} value={fmt(cost.payment)} testId="cost-payment" />
              {cost.cashback !== 0 && <AmountRow label={mt('cashback')} value={fmt(cost.cashback)} testId="cost-cashback" />}
              {cost.subsidy !== 0 && <AmountRow label={mt('subsidy')} value={fmt(cost.subsidy)} testId="cost-subsidy" />}
              <AmountRow label={mt('cost')} value={fmt(cost.total)} testId="order-cost" sum />
            </>
          )}
          {money.takeBacks.map((t) => {
            const current = t.returnId === row.returnId;
            const notes = takeBackNotes(t);
            return (
              <tr key={t.returnId} className={current ? 'money-current' : undefined} data-testid="take-back" data-return-id={t.returnId} data-basis={t.basis}>
                <th scope="row">
                  {current ? (
                    takeBackName(t)
                  ) : (
                    <button type="button" className="link" onClick={() => openReturn(t.returnId)}>
                      {takeBackName(t)}
                    </button>
                  )}
                  {notes.length > 0 && <span className="muted"> · {notes.join(' · ')}</span>}
                </th>
                <td className="num" data-testid={current ? 'refund-amount' : 'take-back-amount'}>
                  {t.amount ? `${MINUS}${formatMoney(t.amount, locale)}` : '—'}
                </td>
              </tr>
            );
          })}
          <AmountRow label={mt('remains')} value={money.remains === null ? '—' : fmt(money.remains)} testId="order-remains" sum />
        </tbody>
      </table>
      {incomplete && <p className="note">{mt('incomplete')}</p>}
      {cost && <p className="muted small">{mt('costNote')}</p>}
    </section>
  );
}

function AmountRow({ label, value, testId, sum }: { label: string; value: string; testId: string; sum?: boolean }) {
  return (
    <tr className={sum ? 'money-sum' : undefined}>
      <th scope="row">{label}</th>
      <td className="num" data-testid={testId}>
        {value}
      </td>
    </tr>
  );
}

/** "4 180 ₽ for 2 items (paid 3 970 ₽ · Market subsidy 210 ₽)": the amount a position's refund and compensation ceiling are counted from. */
export function PositionAmount({ position, count }: { position: LineMoney | null; count: number }) {
  const { mt, locale } = useMoneyText();
  if (!position?.total) return null;
  const part = (key: 'partPayment' | 'partCashback' | 'partSubsidy', m: Money | null): string | null =>
    m && m.value !== 0 ? mt(key, { amount: formatMoney(m, locale) }) : null;
  const parts = [part('partPayment', position.payment), part('partCashback', position.cashback), part('partSubsidy', position.subsidy)].filter(
    (p): p is string => p !== null,
  );
  return (
    <span className="position-amount" data-testid="position-amount" data-total={position.total.value}>
      {mt('positionFor', { total: formatMoney(position.total, locale), count: quantity(count, locale) })}
      {parts.length > 1 && <span className="muted"> ({parts.join(' · ')})</span>}
    </span>
  );
}
