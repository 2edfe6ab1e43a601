// Composition of the reports and analytics services: file targets, the report runner and the handlers' dependencies.
import type { OutboxState } from '../../preload/contract.ts';
import type { AnalyticsHandlerDeps } from '../ipc/handlers-analytics.ts';
import type { EventHub } from '../ipc/router.ts';
import type { Logger } from '../log.ts';
import type { MarketSession } from '../session.ts';
import type { Store } from '../store/store.ts';
import { FileTargets, type FileDialogs } from './files.ts';
import { ReportRunner, type ReportRunnerOptions } from './united-returns.ts';

export interface ReportServicesOptions {
  dataDir: string;
  /** The operator's language, for the exports. */
  locale?: () => 'ru' | 'en';
  /** Makes a file main wrote downloadable through the media route (see Downloads). */
  offerDownload?: (path: string, mime: string) => string;
  dialogs: FileDialogs | null;
  store: Store;
  session: () => MarketSession;
  events: EventHub;
  outboxStateOf: (returnId: number) => OutboxState | null;
  logger: Logger;
  runner?: Partial<Pick<ReportRunnerOptions, 'pollMinMs' | 'pollMaxMs' | 'timeoutMs'>>;
}

/** The one business the stores belong to (the report is ordered per business). */
export function businessOfStores(store: Store, campaignIds: readonly number[]): number {
  const businesses = new Set<number>();
  for (const id of campaignIds) {
    const campaign = store.getCampaign(id);
    if (!campaign) throw new Error(`store ${id} is not known; sync first`);
    if (campaign.businessId === null) throw new Error(`the business of store ${id} is not known; sync first`);
    businesses.add(campaign.businessId);
  }
  if (businesses.size !== 1)
    throw new Error('the stores belong to different businesses; the Market makes this report per business, so choose stores of one business');
  return [...businesses][0]!;
}

export function createReportServices(options: ReportServicesOptions): {
  handlerDeps: AnalyticsHandlerDeps;
  files: FileTargets;
  reports: ReportRunner;
  stop(): void;
} {
  const files = new FileTargets(options.dataDir, options.dialogs, options.offerDownload ?? null);
  const reports = new ReportRunner({
    client: () => options.session().client,
    businessOf: (ids) => businessOfStores(options.store, ids),
    files,
    emit: (job) => options.events.emit('reports.progress', job),
    logger: options.logger.child({ module: 'reports' }),
    budgetResetAt: () => {
      const budget = options.session().client.scheduler.stats().budgets.generateUnitedReturnsReport;
      return budget && budget.remaining <= 0 && budget.resetAt > Date.now() ? budget.resetAt : null;
    },
    ...options.runner,
  });
  return {
    handlerDeps: { store: options.store, session: options.session, files, reports, outboxStateOf: options.outboxStateOf, locale: options.locale },
    files,
    reports,
    stop: () => reports.stop(),
  };
}
