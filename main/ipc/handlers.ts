import type { ApiKeyStatus, AppInfo, GlobalStatus, OutboxState, Settings, StoreView } from '../../preload/contract.ts';
import { DraftRejectedError } from '../outbox/errors.ts';
import type { MarketSession } from '../session.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { Store } from '../store/store.ts';
import { watchedAfter } from '../sync/engine.ts';
import { DomainError, type EventHub, type Handlers, type Sender } from './router.ts';
import { toInboxRow, toReturnDetail } from './views.ts';
import { createAnalyticsHandlers, type AnalyticsHandlerDeps } from './handlers-analytics.ts';
import { createEvidenceHandlers } from './handlers-evidence.ts';
import { createDiagnosticsHandlers } from './handlers-diagnostics.ts';
import { createAlertHandlers, type AlertHandlerDeps } from './handlers-alerts.ts';
import type { Evidence } from '../evidence/evidence.ts';

export interface HandlerDeps {
  settings: SettingsStore;
  events: EventHub;
  info: (sender: Sender) => AppInfo;
  store: Store;
  session: () => MarketSession;
  status: () => GlobalStatus;
  storeViews: () => StoreView[];
  outboxStateOf: (returnId: number) => OutboxState | null;
  defaultOperatorName: () => string;
  /** Who is deciding: the operator name from settings, else the OS user. */
  operator: () => string;
  apiKey: { status(): ApiKeyStatus; set(key: string): Promise<ApiKeyStatus>; remove(): Promise<ApiKeyStatus> };
  onSettingsChanged: (settings: Settings) => void;
  /** Reports, analytics and exports. */
  analytics: AnalyticsHandlerDeps;
  /** Photos, application, chats and disputes. */
  evidence: () => Evidence;
  /** Pending alerts and the alert history. */
  alerts: AlertHandlerDeps;
}

/** Turns a refused draft into INVALID_ARGUMENTS/CONFLICT naming each item's field and rule. */
async function refusals<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DraftRejectedError) {
      const issues = error.issues.map((issue) => ({
        path: issue.returnItemId === null ? issue.field : `items.${issue.returnItemId}.${issue.field}`,
        message: issue.message,
      }));
      throw new DomainError(error.bridgeCode, error.message, issues);
    }
    throw error;
  }
}

/** The implementation of every channel of the contract, over the main-process services. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const withDefaults = (settings: Settings): Settings => (settings.operatorName ? settings : { ...settings, operatorName: deps.defaultOperatorName() });

  return {
    'app.info': (_args, { sender }) => deps.info(sender),
    'app.ready': (_args, { sender }) => ({ queued: deps.events.ready(sender.id) }),
    'app.ping': ({ text, count }, { sender }) => {
      for (let seq = 1; seq <= count; seq++) {
        setTimeout(() => deps.events.emitTo(sender.id, 'app.pong', { seq, text }), seq * 100).unref?.();
      }
      return { text, receivedAt: new Date().toISOString() };
    },
    'settings.get': () => withDefaults(deps.settings.get()),
    'settings.set': (patch) => {
      const next = withDefaults(deps.settings.set(patch));
      deps.events.emit('settings.changed', next);
      deps.onSettingsChanged(next);
      return next;
    },

    'returns.list': ({ filter, offset, limit }) => {
      const page = deps.store.inboxPage(filter, { offset, limit });
      return { rows: page.rows.map((row) => toInboxRow(row, deps.outboxStateOf(row.id))), total: page.total };
    },
    'returns.counts': ({ filter }) => deps.store.inboxCounts(filter),
    'returns.get': ({ returnId }) => {
      const detail = deps.store.returnDetail(returnId);
      if (!detail) throw new DomainError('NOT_FOUND', `Return ${returnId} is not in the local store.`);
      return toReturnDetail(detail, deps.outboxStateOf);
    },

    'stores.list': () => deps.storeViews(),
    'stores.setWatched': ({ campaignId, watched }) => {
      if (!deps.store.getCampaign(campaignId)) throw new DomainError('NOT_FOUND', `Store ${campaignId} is not known; sync first.`);
      // The watched stores are one setting: saved, then applied to what sync polls, like any settings change.
      const known = deps.store.listCampaigns().map((c) => c.id);
      const next = withDefaults(deps.settings.set({ watchedCampaignIds: watchedAfter(deps.settings.get().watchedCampaignIds, known, campaignId, watched) }));
      deps.events.emit('settings.changed', next);
      deps.onSettingsChanged(next);
      return deps.storeViews();
    },
    'sync.now': (args) => {
      const session = deps.session();
      void session.sync.syncNow({ campaignIds: args?.campaignId ? [args.campaignId] : undefined, priority: 'interactive' }).catch(() => undefined);
      return { started: true };
    },
    'status.get': () => deps.status(),

    'apiKey.status': () => deps.apiKey.status(),
    'apiKey.set': ({ key }) => deps.apiKey.set(key),
    'apiKey.remove': () => deps.apiKey.remove(),

    'decisions.available': ({ returnId }) => refusals(() => deps.session().outbox.available(returnId)),
    'decisions.validate': async ({ draft }) => ({ issues: await deps.session().outbox.validate(draft) }),
    'decisions.submit': ({ draft }) => refusals(() => deps.session().outbox.submit(draft, deps.operator())),
    'decisions.edit': ({ outboxId, draft }) => refusals(() => deps.session().outbox.edit(outboxId, draft, deps.operator())),
    'decisions.cancel': ({ outboxId }) => refusals(async () => deps.session().outbox.cancel(outboxId, deps.operator())),
    'outbox.list': (args) => deps.session().outbox.list(args ?? {}),
    'outbox.retry': (args) => deps.session().outbox.retry(args?.outboxId, deps.operator()),
    'audit.list': ({ returnId, limit }) => deps.session().outbox.audit(returnId, limit),
    ...createAnalyticsHandlers(deps.analytics),
    ...createEvidenceHandlers(deps.evidence),
    ...createDiagnosticsHandlers(deps),
    ...createAlertHandlers(deps.alerts),
  };
}
