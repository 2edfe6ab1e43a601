import type { Money } from '../../preload/contract.ts';
import { isoCurrency } from '../../preload/market-words.ts';

// One way money is written, in the UI and in main's messages alike.
export { formatMoney, isoCurrency } from '../../preload/market-words.ts';

/** a − b when both are in the same currency, else null. */
export function subtractMoney(a: Money | null | undefined, b: Money | null | undefined): Money | null {
  if (!a || !b || isoCurrency(a.currencyId) !== isoCurrency(b.currencyId)) return null;
  return { value: Math.round((a.value - b.value) * 100) / 100, currencyId: a.currencyId };
}
