// The rules a return decision must meet (preload/decision-rules.ts), as the operator reads them.
// Placeholders keep the names of the rule's params; decision-rules.ts puts codes, roubles and times in words first.
import type { Namespace } from './types.ts';

export const rules = {
  en: {
    draft: { invalid: 'The decision is malformed at {{path}}: {{detail}}.' },
    return: {
      mismatch: 'The decision is for return {{draft}}, but the available decisions are for return {{available}}.',
      noDecisions: 'The Market offers no decision for this return now: it no longer awaits one.',
      unknown: 'Return {{returnId}} is not in the local store yet; sync first.',
      notAwaiting: 'Return {{returnId}} no longer awaits a decision (status: {{status}}).',
      deadlinePassed: 'The 48-hour deadline of return {{returnId}} passed at {{deadline}}; the Market has confirmed it by itself.',
      alreadyQueued: 'A decision for return {{returnId}} is already {{state}} (outbox #{{outboxId}}); edit or cancel that one instead.',
      availableUnknown: 'What may be decided for return {{returnId}} is unknown: the Market cannot be reached and nothing is cached. Try again when online.',
    },
    items: {
      unknownItem: 'Item {{returnItemId}} is not part of this return.',
      duplicate: 'Item {{returnItemId}} has more than one decision; give exactly one.',
      missing: 'Item {{shopSku}} has no decision; every item of the return needs one.',
    },
    decisionType: { notAvailable: 'Decision {{decisionType}} is not available for this return; available: {{allowed}}.' },
    reasonType: {
      required: 'Declining a refund needs a reason; choose one of: {{allowed}}.',
      notAvailable: 'Reason {{reasonType}} is not available; choose one of: {{allowed}}.',
      notAllowed: 'A reason is given only when declining a refund, not with {{decisionType}}.',
    },
    comment: {
      required: 'Decision {{decisionType}} needs a comment: {{what}}.',
      tooLong: 'The comment is too long: at most {{max}} characters.',
    },
    commentWhat: {
      shipmentCost: 'the cost of the return shipment',
      repairWhen: 'when the defects will be repaired',
      declineWhy: 'why the refund is declined',
      otherWhat: 'which decision you propose',
    },
    compensation: {
      required: 'A partial refund needs the compensation amount, from {{min}} to {{max}}.',
      notAllowed: 'A compensation amount is given only with a partial refund, not with {{decisionType}}.',
      notPositive: 'The compensation must be more than RUB 0.',
      notANumber: 'Enter the amount in digits, e.g. 1250 or 1250.50.',
      notANumberRange: 'Enter the amount in digits, e.g. 1250 or 1250.50: from {{min}} to {{max}}.',
      kopecks: 'The compensation may have at most two decimal places (kopecks).',
      belowMin: 'The compensation must be at least {{min}}.',
      aboveMax: 'The compensation must be at most {{max}}.',
      abovePercent: 'The compensation is above {{maxPercent}}% of the position ({{amount}} for {{count}}): at most {{limit}}.',
    },
    // A quantity of goods, as in "for 2 items"; plural forms from Intl.PluralRules.
    pieces: {
      count_one: '{{count}} item',
      count_other: '{{count}} items',
    },
  },
  ru: {
    draft: { invalid: 'Решение составлено неверно ({{path}}): {{detail}}.' },
    return: {
      mismatch: 'Решение относится к возврату {{draft}}, а доступные решения — к возврату {{available}}.',
      noDecisions: 'Маркет сейчас не предлагает решений по этому возврату: он больше не ждёт решения.',
      unknown: 'Возврата {{returnId}} ещё нет в локальной базе; сначала синхронизируйте данные.',
      notAwaiting: 'Возврат {{returnId}} больше не ждёт решения (статус: {{status}}).',
      deadlinePassed: 'Срок 48 часов по возврату {{returnId}} истёк ({{deadline}}); Маркет подтвердил возврат сам.',
      alreadyQueued: 'Решение по возврату {{returnId}} уже есть ({{state}}, очередь №{{outboxId}}); измените или отмените его.',
      availableUnknown: 'Неизвестно, какие решения доступны по возврату {{returnId}}: Маркет недоступен, а в кэше ничего нет. Повторите, когда появится связь.',
    },
    items: {
      unknownItem: 'Товара {{returnItemId}} нет в этом возврате.',
      duplicate: 'По товару {{returnItemId}} указано несколько решений; нужно ровно одно.',
      missing: 'По товару {{shopSku}} нет решения; решение нужно по каждому товару возврата.',
    },
    decisionType: { notAvailable: 'Решение {{decisionType}} недоступно для этого возврата; доступны: {{allowed}}.' },
    reasonType: {
      required: 'Для отказа в возврате нужна причина; выберите одну из: {{allowed}}.',
      notAvailable: 'Причина {{reasonType}} недоступна; выберите одну из: {{allowed}}.',
      notAllowed: 'Причина указывается только при отказе в возврате, а не при решении {{decisionType}}.',
    },
    comment: {
      required: 'Для решения {{decisionType}} нужен комментарий: {{what}}.',
      tooLong: 'Комментарий слишком длинный: не более {{max}} символов.',
    },
    commentWhat: {
      shipmentCost: 'стоимость обратной пересылки',
      repairWhen: 'когда вы устраните недостатки товара',
      declineWhy: 'причину отказа',
      otherWhat: 'какое решение вы предлагаете',
    },
    compensation: {
      required: 'Для частичного возврата укажите сумму компенсации: от {{min}} до {{max}}.',
      notAllowed: 'Сумма компенсации указывается только при частичном возврате, а не при решении {{decisionType}}.',
      notPositive: 'Компенсация должна быть больше 0 ₽.',
      notANumber: 'Введите сумму цифрами, например 1 250 или 1 250,50.',
      notANumberRange: 'Введите сумму цифрами, например 1 250 или 1 250,50: от {{min}} до {{max}}.',
      kopecks: 'В сумме компенсации не больше двух знаков после запятой (копейки).',
      belowMin: 'Компенсация — не меньше {{min}}.',
      aboveMax: 'Компенсация — не больше {{max}}.',
      abovePercent: 'Компенсация больше {{maxPercent}}% суммы позиции ({{amount}} за {{count}}): не больше {{limit}}.',
    },
    // «за 1 штуку», «за 2 штуки», «за 5 штук», «за 1,5 штуки».
    pieces: {
      count_one: '{{count}} штуку',
      count_few: '{{count}} штуки',
      count_many: '{{count}} штук',
      count_other: '{{count}} штуки',
    },
  },
} satisfies Namespace;
