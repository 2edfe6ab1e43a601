// The tray's tooltip and menu.
import type { Namespace } from './types.ts';

export const tray = {
  en: {
    tooltip: 'ReturnDesk — {{awaiting}} awaiting a decision, {{urgent}} urgent',
    tooltipUndelivered: 'ReturnDesk — {{awaiting}} awaiting a decision, {{urgent}} urgent, {{undelivered}} not delivered',
    open: 'Open ReturnDesk',
    sync: 'Sync now',
    quit: 'Quit',
  },
  ru: {
    tooltip: 'ReturnDesk — ждут решения: {{awaiting}}, срочных: {{urgent}}',
    tooltipUndelivered: 'ReturnDesk — ждут решения: {{awaiting}}, срочных: {{urgent}}, не доставлено решений: {{undelivered}}',
    open: 'Открыть ReturnDesk',
    sync: 'Синхронизировать',
    quit: 'Выйти',
  },
} satisfies Namespace;
