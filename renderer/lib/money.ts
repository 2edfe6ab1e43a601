import type { Money } from '../../preload/contract.ts';

/** ISO 4217 code for a Market currency id: the Market says RUR for roubles. */
export function isoCurrency(currencyId: string): string {
  return currencyId === 'RUR' ? 'RUB' : currencyId;
}

/** Formats money in the operator's language; an unknown currency code is shown raw, never thrown. */
export function formatMoney(money: Money | null | undefined, locale: 'ru' | 'en'): string {
  if (!money || !Number.isFinite(money.value)) return '—';
  const tag = locale === 'ru' ? 'ru-RU' : 'en-GB';
  try {
    return new Intl.NumberFormat(tag, { style: 'currency', currency: isoCurrency(money.currencyId), maximumFractionDigits: 2, minimumFractionDigits: 0 }).format(money.value);
  } catch {
    return `${new Intl.NumberFormat(tag).format(money.value)} ${money.currencyId}`;
  }
}

/** a − b when both are in the same currency, else null. */
export function subtractMoney(a: Money | null | undefined, b: Money | null | undefined): Money | null {
  if (!a || !b || isoCurrency(a.currencyId) !== isoCurrency(b.currencyId)) return null;
  return { value: Math.round((a.value - b.value) * 100) / 100, currencyId: a.currencyId };
}
