// Spans of time in words: the countdowns of the inbox and the return pane, the alerts' time left.
import type { Namespace } from './types.ts';

export const time = {
  en: {
    daysHours: '{{d}} d {{h}} h',
    hoursMinutes: '{{h}} h {{m}} min',
    hours: '{{h}} h',
    minutes: '{{m}} min',
    underAMinute: '<1 min',
    lessThanAMinute: 'less than a minute',
    overdue: 'overdue {{span}}',
  },
  ru: {
    daysHours: '{{d}} д {{h}} ч',
    hoursMinutes: '{{h}} ч {{m}} мин',
    hours: '{{h}} ч',
    minutes: '{{m}} мин',
    underAMinute: '<1 мин',
    lessThanAMinute: 'меньше минуты',
    overdue: 'просрочено {{span}}',
  },
} satisfies Namespace;
