// The words of every alert (desktop notifications and the in-app list). Russian counts take their
// plural forms from the catalogue (returns_one/_few/_many/_other), chosen by Intl.PluralRules.
import type { Namespace } from './types.ts';

export const alerts = {
  en: {
    returns_one: '{{count}} return',
    returns_other: '{{count}} returns',
    withinHours_one: 'within {{count}} hour',
    withinHours_other: 'within {{count}} hours',
    withinMinutes_one: 'within {{count}} minute',
    withinMinutes_other: 'within {{count}} minutes',
    ref: 'Order {{orderId}}, return {{returnId}}',
    refInStore: 'Order {{orderId}}, return {{returnId}} ({{store}})',
    mostUrgent: 'Most urgent: {{ref}}',
    latest: 'Latest: {{ref}}',
    timeLeft: '{{span}} left',
    withTimeLeft: '{{text}} — {{span}} left',
    withMessage: '{{text}}: {{message}}',
    reason: {
      unreachable: 'the Market is unreachable',
      'server-error': 'the Market answers with errors',
      'rate-limited': 'the Market limits requests',
      auth: 'the Market refused the API key',
      garbage: 'the Market’s answers are unreadable',
      'unknown-outcome': 'the Market’s answer was lost and is being checked',
      waiting: 'it waits to be sent',
    },
    undelivered: {
      titleOne: 'Decision for return {{returnId}} not yet delivered — {{timeLeft}}, {{reason}}',
      bodyOne: '{{ref}}. It goes out as soon as the Market answers; when the 48 hours are up the Market confirms the return by itself',
      titleMany: 'Decisions not yet delivered: {{returns}} — {{reason}}',
    },
    undeliveredExpired: {
      titleOne: 'Decision for return {{returnId}} was not delivered in time',
      titleMany: 'Decisions not delivered in time: {{returns}}',
      body: "{{named}}: {{reason}}. After 48 hours the Market confirms a return without the seller's decision — check the return in the seller cabinet",
    },
    chatMessage: {
      titleOne: 'New buyer message: return {{returnId}}',
      titleMany: 'New buyer messages: {{returns}}',
    },
    disputeFinished: {
      titleOne: 'Dispute finished: {{returns}}',
      titleMany: 'Disputes finished: {{returns}}',
      body: "{{named}}. The Market's arbiter decided — check the return's status",
    },
    newAwaiting: {
      title_one: '{{count}} new return awaits a decision',
      title_other: '{{count}} new returns await a decision',
    },
    deadline: {
      title_one: '{{returns}} needs a decision {{within}}',
      title_other: '{{returns}} need a decision {{within}}',
    },
    expired: {
      title: 'Decision time is up: {{returns}}',
      body: "{{named}}. After 48 hours the Market confirms a return without the seller's decision",
    },
    pickup: {
      title: 'Pick up by tomorrow: {{returns}}',
      bodyWithin: '{{named}} — pick up within {{span}}',
    },
    dispute: {
      titleOne: 'Dispute opened: {{returns}}',
      titleMany: 'Disputes opened: {{returns}}',
    },
    outboxFailed: {
      title: 'Decision not delivered: {{returns}}',
      body: '{{named}}. Retry it from the outbox',
    },
    outboxConflict: {
      title: 'Decision conflict: {{returns}}',
      body: '{{named}}: the return changed in the Market — review it',
    },
    generic: {
      title: 'ReturnDesk alert',
      body: 'About {{returns}}',
    },
  },
  ru: {
    returns_one: '{{count}} возврат',
    returns_few: '{{count}} возврата',
    returns_many: '{{count}} возвратов',
    returns_other: '{{count}} возврата',
    withinHours_one: 'в течение {{count}} часа',
    withinHours_few: 'в течение {{count}} часов',
    withinHours_many: 'в течение {{count}} часов',
    withinHours_other: 'в течение {{count}} часов',
    withinMinutes_one: 'в течение {{count}} минуты',
    withinMinutes_few: 'в течение {{count}} минут',
    withinMinutes_many: 'в течение {{count}} минут',
    withinMinutes_other: 'в течение {{count}} минут',
    ref: 'Заказ {{orderId}}, возврат {{returnId}}',
    refInStore: 'Заказ {{orderId}}, возврат {{returnId}} ({{store}})',
    mostUrgent: 'Срочнее всего: {{ref}}',
    latest: 'Последнее: {{ref}}',
    timeLeft: 'осталось {{span}}',
    withTimeLeft: '{{text}} — осталось {{span}}',
    withMessage: '{{text}}: {{message}}',
    reason: {
      unreachable: 'Маркет недоступен',
      'server-error': 'Маркет отвечает ошибками',
      'rate-limited': 'Маркет ограничивает запросы',
      auth: 'Маркет отклонил API-ключ',
      garbage: 'ответы Маркета не читаются',
      'unknown-outcome': 'ответ Маркета потерян, решение проверяется',
      waiting: 'решение ждёт отправки',
    },
    undelivered: {
      titleOne: 'Решение по возврату {{returnId}} ещё не доставлено — {{timeLeft}}, {{reason}}',
      bodyOne: '{{ref}}. Оно уйдёт, как только Маркет ответит; по истечении 48 часов Маркет подтвердит возврат сам',
      titleMany: 'Решения ещё не доставлены: {{returns}} — {{reason}}',
    },
    undeliveredExpired: {
      titleOne: 'Решение по возврату {{returnId}} не доставлено в срок',
      titleMany: 'Решения не доставлены в срок: {{returns}}',
      body: '{{named}}: {{reason}}. После 48 часов Маркет подтверждает возврат без решения продавца — проверьте возврат в кабинете',
    },
    chatMessage: {
      titleOne: 'Новое сообщение покупателя: возврат {{returnId}}',
      titleMany: 'Новые сообщения покупателей: {{returns}}',
    },
    disputeFinished: {
      titleOne: 'Спор завершён: {{returns}}',
      titleMany: 'Споры завершены: {{returns}}',
      body: '{{named}}. Арбитр Маркета принял решение — проверьте статус возврата',
    },
    newAwaiting: {
      title_one: '{{count}} новый возврат ждёт решения',
      title_few: '{{count}} новых возврата ждут решения',
      title_many: '{{count}} новых возвратов ждут решения',
      title_other: '{{count}} новых возврата ждут решения',
    },
    deadline: {
      title: 'Решение нужно {{within}}: {{returns}}',
    },
    expired: {
      title: 'Время на решение истекло: {{returns}}',
      body: '{{named}}. После 48 часов Маркет подтверждает возврат без решения продавца',
    },
    pickup: {
      title: 'Забрать до завтра: {{returns}}',
      bodyWithin: '{{named}} — забрать в течение {{span}}',
    },
    dispute: {
      titleOne: 'Открыт спор: {{returns}}',
      titleMany: 'Открыты споры: {{returns}}',
    },
    outboxFailed: {
      title: 'Решение не отправлено: {{returns}}',
      body: '{{named}}. Повторите отправку из исходящих',
    },
    outboxConflict: {
      title: 'Конфликт решения: {{returns}}',
      body: '{{named}}: возврат изменился в Маркете — проверьте его',
    },
    generic: {
      title: 'Оповещение ReturnDesk',
      body: 'Касается: {{returns}}',
    },
  },
} satisfies Namespace;
