/**
 * The Market's codes in words, in both languages: statuses, reasons, decisions, placements, chat and
 * report states. One table for the renderer, main's messages, the CSV exports and the evidence pack,
 * so that no operator ever reads a raw code. An unknown code (the API grows) is shown as
 * "unknown (CODE)", and only then. Also the language choice and money in words. Pure: no imports.
 */

export type WordsLocale = 'ru' | 'en';

/** Groups of Market codes that have words. */
export type CodeGroup =
  | 'returnType'
  | 'refundStatus'
  | 'shipmentStatus'
  | 'returnReason'
  | 'returnSubreason'
  | 'decisionType'
  | 'declineReason'
  | 'placement'
  | 'orderStatus'
  | 'chatType'
  | 'chatStatus'
  | 'chatSender'
  | 'reportStatus'
  | 'reportSubStatus';

type Words = Record<CodeGroup, Record<string, string>>;

const en: Words = {
  returnType: { UNREDEEMED: 'Non-purchase', RETURN: 'Return' },
  refundStatus: {
    STARTED_BY_USER: 'Started by the buyer',
    REFUND_IN_PROGRESS: 'Refund in progress',
    REFUNDED: 'Refunded',
    FAILED: 'Refund impossible',
    WAITING_FOR_DECISION: 'Awaiting decision',
    DECISION_MADE: 'Decision made',
    REFUNDED_WITH_BONUSES: 'Refunded with Plus points or a promo code',
    REFUNDED_BY_SHOP: 'Refunded by the shop',
    CANCELLED: 'Cancelled',
    REJECTED: 'Rejected',
    COMPLETE_WITHOUT_REFUND: 'Complete, no refund needed',
    PREMODERATION_DISPUTE: 'Dispute',
    PREMODERATION_DECISION_WAITING: 'Awaiting decision',
    PREMODERATION_DECISION_MADE: 'Decision made',
    PREMODERATION_SELECT_DELIVERY: 'Buyer chooses delivery',
    UNKNOWN: 'Unknown status',
  },
  shipmentStatus: {
    CREATED: 'Created',
    RECEIVED: 'Received from the buyer',
    IN_TRANSIT: 'In transit',
    READY_FOR_PICKUP: 'Ready for pickup',
    PICKED: 'Handed to the shop',
    LOST: 'Lost',
    EXPIRED: 'Not brought in time',
    CANCELLED: 'Cancelled',
    FULFILMENT_RECEIVED: 'At the Market warehouse',
    PREPARED_FOR_UTILIZATION: 'Queued for disposal',
    NOT_IN_DEMAND: 'Not collected from the post office',
    UTILIZED: 'Disposed of',
    READY_FOR_EXPROPRIATION: 'Sent for resale check',
    RECEIVED_FOR_EXPROPRIATION: 'Accepted for resale',
    UNKNOWN: 'Unknown status',
  },
  returnReason: {
    BAD_QUALITY: 'Defective item',
    DOES_NOT_FIT: 'Did not suit',
    WRONG_ITEM: 'Wrong item',
    DAMAGE_DELIVERY: 'Damaged in delivery',
    LOYALTY_FAIL: 'Fault cannot be attributed',
    CONTENT_FAIL: "Wrong description (Market's fault)",
    DELIVERY_FAIL: 'Not delivered',
    UNKNOWN: 'Reason unknown',
  },
  returnSubreason: {
    USER_DID_NOT_LIKE: 'Did not like it',
    USER_CHANGED_MIND: 'Changed their mind',
    DELIVERED_TOO_LONG: 'Delivery took too long',
    BAD_PACKAGE: 'Factory packaging damaged',
    DAMAGED: 'Scratches, chips',
    NOT_WORKING: 'Does not work',
    INCOMPLETENESS: 'Incomplete set',
    WRONG_ITEM: 'Not the item ordered',
    WRONG_COLOR: 'Wrong colour',
    DID_NOT_MATCH_DESCRIPTION: 'Does not match the description',
    WRONG_ORDER: "Someone else's order",
    WRONG_AMOUNT_DELIVERED: 'Wrong quantity',
    WRAPPING_DAMAGED: 'Shipping packaging damaged',
    ITEM_WAS_USED: 'Signs of use',
    BROKEN: 'Broken',
    BAD_FLOWERS: 'Poor-quality flowers',
    PARCEL_MISSING: 'Part of the order missing',
    INCOMPLETE: 'Order not delivered in full',
    UNKNOWN: 'No details given',
  },
  decisionType: {
    FAST_REFUND_MONEY: 'Refund without taking the item back',
    REFUND_MONEY: 'Refund the item',
    REFUND_MONEY_INCLUDING_SHIPMENT: 'Refund the item and return shipping',
    REPAIR: 'Repair the item',
    REPLACE: 'Replace the item',
    SEND_TO_EXAMINATION: 'Send for examination',
    DECLINE_REFUND: 'Decline the refund',
    PARTIAL_MONEY_REFUND: 'Partial refund',
    OTHER_DECISION: 'Other decision',
    UNKNOWN: 'Not specified',
  },
  declineReason: {
    ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED: 'The problem was not confirmed',
    MECHANICAL_DAMAGE: 'Mechanical damage',
    WARRANTY_PERIOD_HAS_EXPIRED: 'Warranty period expired',
    CONFIGURATION_OR_PACKAGING_COMPROMISED: 'Set or packaging incomplete',
    PRODUCT_APPEARANCE_COMPROMISED: 'Appearance spoiled',
    WARRANTY_TERMS_VIOLATED: 'Warranty terms violated',
    DEVICE_ACTIVATED: 'Device activated',
  },
  placement: { FBY: 'FBY', FBS: 'FBS', EXPRESS: 'Express', DBS: 'DBS', LAAS: 'LaaS' },
  orderStatus: {
    PLACING: 'Being placed',
    RESERVED: 'Reserved',
    UNPAID: 'Not paid yet',
    PROCESSING: 'Processing',
    DELIVERY: 'With the delivery service',
    PICKUP: 'At the pickup point',
    DELIVERED: 'Received by the buyer',
    CANCELLED: 'Cancelled',
    PENDING: 'Awaiting the seller',
    PARTIALLY_RETURNED: 'Partly returned',
    RETURNED: 'Returned',
    UNKNOWN: 'Unknown status',
  },
  chatType: { CHAT: 'Chat with the buyer', ARBITRAGE: 'Dispute' },
  chatStatus: {
    NEW: 'New',
    WAITING_FOR_CUSTOMER: 'Waiting for the buyer',
    WAITING_FOR_PARTNER: 'Waiting for you',
    WAITING_FOR_ARBITER: 'Waiting for the arbiter',
    WAITING_FOR_MARKET: 'Waiting for the Market',
    FINISHED: 'Finished',
  },
  chatSender: { PARTNER: 'You', CUSTOMER: 'Buyer', MARKET: 'Market', SUPPORT: 'Support' },
  reportStatus: { PENDING: 'Waiting to be generated', PROCESSING: 'Being generated', FAILED: 'Failed', DONE: 'Ready' },
  reportSubStatus: {
    NO_DATA: 'No data for this report',
    TOO_LARGE: 'The report is too large: choose a shorter period',
    RESOURCE_NOT_FOUND: 'Part of the data was not found',
  },
};

const ru: Words = {
  returnType: { UNREDEEMED: 'Невыкуп', RETURN: 'Возврат' },
  refundStatus: {
    STARTED_BY_USER: 'Создан покупателем',
    REFUND_IN_PROGRESS: 'Ждёт возврата денег',
    REFUNDED: 'Деньги возвращены',
    FAILED: 'Вернуть деньги невозможно',
    WAITING_FOR_DECISION: 'Ждёт решения',
    DECISION_MADE: 'Решение принято',
    REFUNDED_WITH_BONUSES: 'Возвращено баллами Плюса или промокодом',
    REFUNDED_BY_SHOP: 'Магазин вернул деньги сам',
    CANCELLED: 'Отменён',
    REJECTED: 'Отклонён',
    COMPLETE_WITHOUT_REFUND: 'Возврат денег не требуется',
    PREMODERATION_DISPUTE: 'Спор',
    PREMODERATION_DECISION_WAITING: 'Ждёт решения',
    PREMODERATION_DECISION_MADE: 'Решение принято',
    PREMODERATION_SELECT_DELIVERY: 'Покупатель выбирает доставку',
    UNKNOWN: 'Неизвестный статус',
  },
  shipmentStatus: {
    CREATED: 'Оформлен',
    RECEIVED: 'Принят у покупателя',
    IN_TRANSIT: 'В пути',
    READY_FOR_PICKUP: 'Готов к выдаче магазину',
    PICKED: 'Выдан магазину',
    LOST: 'Утерян',
    EXPIRED: 'Не принесён вовремя',
    CANCELLED: 'Отменён',
    FULFILMENT_RECEIVED: 'Принят на складе Маркета',
    PREPARED_FOR_UTILIZATION: 'В очереди на утилизацию',
    NOT_IN_DEMAND: 'Не забран с почты',
    UTILIZED: 'Утилизирован',
    READY_FOR_EXPROPRIATION: 'Направлен на перепродажу',
    RECEIVED_FOR_EXPROPRIATION: 'Принят для перепродажи',
    UNKNOWN: 'Неизвестный статус',
  },
  returnReason: {
    BAD_QUALITY: 'Бракованный товар',
    DOES_NOT_FIT: 'Товар не подошёл',
    WRONG_ITEM: 'Привезли не тот товар',
    DAMAGE_DELIVERY: 'Повреждён при доставке',
    LOYALTY_FAIL: 'Невозможно установить виновного',
    CONTENT_FAIL: 'Ошибочное описание по вине Маркета',
    DELIVERY_FAIL: 'Товар не привезли',
    UNKNOWN: 'Причина неизвестна',
  },
  returnSubreason: {
    USER_DID_NOT_LIKE: 'Не понравился',
    USER_CHANGED_MIND: 'Передумал покупать',
    DELIVERED_TOO_LONG: 'Слишком долгая доставка',
    BAD_PACKAGE: 'Повреждена заводская упаковка',
    DAMAGED: 'Царапины, сколы',
    NOT_WORKING: 'Не включается, не работает',
    INCOMPLETENESS: 'Некомплект',
    WRONG_ITEM: 'Не тот товар',
    WRONG_COLOR: 'Цвет не соответствует',
    DID_NOT_MATCH_DESCRIPTION: 'Не соответствует описанию',
    WRONG_ORDER: 'Доставили чужой заказ',
    WRONG_AMOUNT_DELIVERED: 'Неверное количество',
    WRAPPING_DAMAGED: 'Повреждена транспортная упаковка',
    ITEM_WAS_USED: 'Следы использования',
    BROKEN: 'Товар разбит',
    BAD_FLOWERS: 'Некачественные цветы',
    PARCEL_MISSING: 'Часть заказа отсутствует',
    INCOMPLETE: 'Заказ привезли не полностью',
    UNKNOWN: 'Подробности не указаны',
  },
  decisionType: {
    FAST_REFUND_MONEY: 'Вернуть деньги без возврата товара',
    REFUND_MONEY: 'Вернуть деньги за товар',
    REFUND_MONEY_INCLUDING_SHIPMENT: 'Вернуть деньги за товар и пересылку',
    REPAIR: 'Отремонтировать',
    REPLACE: 'Заменить',
    SEND_TO_EXAMINATION: 'Взять на экспертизу',
    DECLINE_REFUND: 'Отказать в возврате',
    PARTIAL_MONEY_REFUND: 'Частичный возврат денег',
    OTHER_DECISION: 'Другое решение',
    UNKNOWN: 'Не указано',
  },
  declineReason: {
    ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED: 'Проблема с товаром не подтвердилась',
    MECHANICAL_DAMAGE: 'Механические повреждения',
    WARRANTY_PERIOD_HAS_EXPIRED: 'Истёк гарантийный срок',
    CONFIGURATION_OR_PACKAGING_COMPROMISED: 'Нарушена комплектация или упаковка',
    PRODUCT_APPEARANCE_COMPROMISED: 'Нарушен товарный вид',
    WARRANTY_TERMS_VIOLATED: 'Нарушены условия гарантии',
    DEVICE_ACTIVATED: 'Устройство активировано',
  },
  placement: { FBY: 'FBY', FBS: 'FBS', EXPRESS: 'Экспресс', DBS: 'DBS', LAAS: 'LaaS' },
  orderStatus: {
    PLACING: 'Оформляется',
    RESERVED: 'Зарезервирован',
    UNPAID: 'Не оплачен',
    PROCESSING: 'В обработке',
    DELIVERY: 'Передан в доставку',
    PICKUP: 'В пункте выдачи',
    DELIVERED: 'Получен покупателем',
    CANCELLED: 'Отменён',
    PENDING: 'Ждёт обработки продавцом',
    PARTIALLY_RETURNED: 'Возвращён частично',
    RETURNED: 'Возвращён полностью',
    UNKNOWN: 'Неизвестный статус',
  },
  chatType: { CHAT: 'Чат с покупателем', ARBITRAGE: 'Спор' },
  chatStatus: {
    NEW: 'Новый',
    WAITING_FOR_CUSTOMER: 'Ждёт ответа покупателя',
    WAITING_FOR_PARTNER: 'Ждёт вашего ответа',
    WAITING_FOR_ARBITER: 'Ждёт ответа арбитра',
    WAITING_FOR_MARKET: 'Ждёт ответа Маркета',
    FINISHED: 'Завершён',
  },
  chatSender: { PARTNER: 'Вы', CUSTOMER: 'Покупатель', MARKET: 'Маркет', SUPPORT: 'Поддержка' },
  reportStatus: { PENDING: 'Ждёт формирования', PROCESSING: 'Формируется', FAILED: 'Ошибка формирования', DONE: 'Готов' },
  reportSubStatus: {
    NO_DATA: 'Для такого отчёта нет данных',
    TOO_LARGE: 'Отчёт слишком большой: выберите период короче',
    RESOURCE_NOT_FOUND: 'Часть данных не найдена',
  },
};

/** Every group's words in each language. */
export const MARKET_WORDS: Readonly<Record<WordsLocale, Readonly<Words>>> = { ru, en };

const UNKNOWN: Record<WordsLocale, (code: string) => string> = { ru: (code) => `Неизвестно (${code})`, en: (code) => `Unknown (${code})` };
const NONE = '—';

/** True when the group has words for the code. */
export function isKnownCode(group: CodeGroup, code: string): boolean {
  return Object.prototype.hasOwnProperty.call(en[group], code);
}

/** The words for a Market code; "unknown (CODE)" only for a code this version truly does not know, "—" for none. */
export function codeLabel(group: CodeGroup, code: string | null | undefined, locale: WordsLocale): string {
  if (code === null || code === undefined || code === '') return NONE;
  return isKnownCode(group, code) ? MARKET_WORDS[locale][group][code]! : UNKNOWN[locale](code);
}

/** A list of codes in words, for messages: "«Механические повреждения», «Истёк гарантийный срок»". */
export function codeList(group: CodeGroup, codes: readonly string[], locale: WordsLocale): string {
  const [open, close] = locale === 'ru' ? ['«', '»'] : ['“', '”'];
  return codes.map((c) => `${open}${codeLabel(group, c, locale)}${close}`).join(', ');
}

/** Which language to speak: the saved choice, else the first of the system's languages we know, else English. */
export function pickLocale(saved: WordsLocale | null | undefined, systemLanguages: readonly string[]): WordsLocale {
  if (saved === 'ru' || saved === 'en') return saved;
  for (const tag of systemLanguages) {
    const base = tag.toLowerCase().split(/[-_.@]/)[0];
    if (base === 'ru' || base === 'be' || base === 'uk' || base === 'kk') return 'ru';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** ISO 4217 code of a Market currency id: the Market says RUR for roubles. */
export function isoCurrency(currencyId: string): string {
  return currencyId === 'RUR' ? 'RUB' : currencyId;
}

/** Number formats by language, currency and digits: making one costs far more than using it (a list shows money on every row). */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; withCode: boolean }>();

function moneyFormat(tag: string, currencyId: string, digits: number): { format: Intl.NumberFormat; withCode: boolean } {
  const key = `${tag}|${currencyId}|${digits}`;
  let found = moneyFormats.get(key);
  if (!found) {
    try {
      found = {
        format: new Intl.NumberFormat(tag, { style: 'currency', currency: isoCurrency(currencyId), minimumFractionDigits: digits, maximumFractionDigits: 2 }),
        withCode: false,
      };
    } catch {
      // Not an ISO currency: the number, then the Market's code as it came.
      found = { format: new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: 2 }), withCode: true };
    }
    moneyFormats.set(key, found);
  }
  return found;
}

/** "10 975 ₽", "10 975,50 ₽" (ru) or "RUB 10,975" (en): the one way money is written, in the UI and in messages. */
export function formatMoney(money: { value: number; currencyId: string } | null | undefined, locale: WordsLocale): string {
  if (!money || !Number.isFinite(money.value)) return NONE;
  const { format, withCode } = moneyFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', money.currencyId, Number.isInteger(money.value) ? 0 : 2);
  return withCode ? `${format.format(money.value)} ${money.currencyId}` : format.format(money.value);
}

/** Roubles in words: formatMoney for a plain number of roubles. */
export function formatRub(value: number, locale: WordsLocale): string {
  return formatMoney({ value, currencyId: 'RUR' }, locale);
}
