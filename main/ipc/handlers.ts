import type { ApiKeyStatus, AppInfo, GlobalStatus, Settings, StoreView } from '../../preload/contract.ts';
import { DraftRejectedError } from '../outbox/errors.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { ReturnsReader } from '../returns/reader.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { watchedAfter, type SyncEngine } from '../sync/engine.ts';
import { DomainError, type EventHub, type Handlers, type Sender } from './router.ts';
import { createAnalyticsHandlers, type AnalyticsHandlerDeps } from './handlers-analytics.ts';
import { createEvidenceHandlers } from './handlers-evidence.ts';
import { createDiagnosticsHandlers } from './handlers-diagnostics.ts';
import { createAlertHandlers, type AlertHandlerDeps } from './handlers-alerts.ts';
import type { Evidence } from '../evidence/evidence.ts';

/** What the channels need of the current key. */
export interface HandlerMarket {
  sync: Pick<SyncEngine, 'syncNow'>;
  outbox: Pick<Outbox, 'available' | 'validate' | 'submit' | 'edit' | 'cancel' | 'list' | 'retry' | 'audit'>;
}

export interface HandlerDeps {
  settings: SettingsStore;
  events: EventHub;
  info: (sender: Sender) => AppInfo;
  /** Returns and stores as the local store holds them. */
  returns: ReturnsReader;
  /** The current key's sync and outbox. */
  session: () => HandlerMarket;
  status: () => GlobalStatus;
  storeViews: () => StoreView[];
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

    'returns.list': ({ filter, offset, limit }) => deps.returns.page(filter, offset, limit),
    'returns.counts': ({ filter }) => deps.returns.counts(filter),
    'returns.get': ({ returnId }) => {
      const detail = deps.returns.detail(returnId);
      if (!detail) throw new DomainError('NOT_FOUND', `Return ${returnId} is not in the local store.`);
      return detail;
    },

    'stores.list': () => deps.storeViews(),
    'stores.setWatched': ({ campaignId, watched }) => {
      if (!deps.returns.hasStore(campaignId)) throw new DomainError('NOT_FOUND', `Store ${campaignId} is not known; sync first.`);
      // The watched stores are one setting: saved, then applied to what sync polls, like any settings change.
      const known = deps.returns.storeIds();
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
