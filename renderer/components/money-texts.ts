// Words of the money shown with a return (order cost, what returns take back, positions), in both languages.
import { useI18n } from '../i18n/index.ts';

const en = {
  title: 'Money of the order',
  payment: 'Paid by the buyer',
  cashback: 'Paid with Plus points',
  subsidy: 'Market subsidy',
  cost: 'Order cost',
  costNote: 'The Market counts the goods at what the buyer paid, in money and Plus points, plus the Market’s subsidy; refunds are of that amount.',
  thisReturn: 'This return {{id}}',
  thisNonPurchase: 'This non-purchase {{id}}',
  otherReturn: 'Return {{id}}',
  otherNonPurchase: 'Non-purchase {{id}}',
  byLines: 'its lines of the order',
  unknownAmount: 'amount unknown',
  foreign: 'in {{currency}}: not counted',
  pending: 'the amount may change',
  takenBack: 'Taken back by the order’s returns',
  remains: 'Remains of the order',
  noOrder: 'The order is not in the local store yet: its cost is unknown.',
  incomplete: 'Some amounts are unknown: what remains may be less.',
  position: 'Position',
  positionFor: '{{total}} for {{count}}',
  partPayment: 'paid {{amount}}',
  partCashback: 'Plus points {{amount}}',
  partSubsidy: 'Market subsidy {{amount}}',
  refund: 'Refund',
  shippingCompensation: 'Return shipping compensation',
};

type Key = keyof typeof en;

const ru: Record<Key, string> = {
  title: 'Деньги заказа',
  payment: 'Оплачено покупателем',
  cashback: 'Оплачено баллами Плюса',
  subsidy: 'Субсидия Маркета',
  cost: 'Стоимость заказа',
  costNote: 'Маркет считает товары по тому, что заплатил покупатель деньгами и баллами Плюса, плюс субсидия Маркета; возвраты считаются от этой суммы.',
  thisReturn: 'Этот возврат {{id}}',
  thisNonPurchase: 'Этот невыкуп {{id}}',
  otherReturn: 'Возврат {{id}}',
  otherNonPurchase: 'Невыкуп {{id}}',
  byLines: 'по его позициям в заказе',
  unknownAmount: 'сумма неизвестна',
  foreign: 'в {{currency}}: не учтено',
  pending: 'сумма может измениться',
  takenBack: 'Вернули возвраты заказа',
  remains: 'Остаётся от заказа',
  noOrder: 'Заказа ещё нет в локальной базе: его стоимость неизвестна.',
  incomplete: 'Часть сумм неизвестна: остаток может быть меньше.',
  position: 'Позиция',
  positionFor: '{{total}} за {{count}}',
  partPayment: 'оплачено {{amount}}',
  partCashback: 'баллы Плюса {{amount}}',
  partSubsidy: 'субсидия Маркета {{amount}}',
  refund: 'Сумма возврата',
  shippingCompensation: 'Компенсация обратной доставки',
};

export type MoneyTextKey = Key;
export const moneyTexts = { en, ru };

/** t() for the money UI in the operator's language. */
export function useMoneyText(): { mt: (key: Key, params?: Record<string, string | number>) => string; locale: 'ru' | 'en' } {
  const { locale } = useI18n();
  const dict = locale === 'ru' ? ru : en;
  const mt = (key: Key, params: Record<string, string | number> = {}): string =>
    dict[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
  return { mt, locale };
}
