// The reports' services: file targets and the report runner over the current key's client.
import type { ReportJob } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import type { KeyScheduler } from '../market/scheduler.ts';
import type { Store } from '../store/store.ts';
import { FileTargets, type FileDialogs } from './files.ts';
import { ReportRunner, type ReportClient, type ReportRunnerOptions } from './united-returns.ts';

export interface ReportServicesOptions {
  dataDir: string;
  /** The operator's language, for the exports. */
  locale?: () => 'ru' | 'en';
  /** Makes a file main wrote downloadable through the media route (see Downloads). */
  offerDownload?: (path: string, mime: string) => string;
  dialogs: FileDialogs | null;
  store: Store;
  /** The current key's client: the report's calls and its hourly budget. */
  client: () => ReportClient & { scheduler: Pick<KeyScheduler, 'stats'> };
  /** A job moved on: the screens hear of it. */
  progress: (job: ReportJob) => void;
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
  files: FileTargets;
  reports: ReportRunner;
  stop(): void;
} {
  const files = new FileTargets(options.dataDir, options.dialogs, options.offerDownload ?? null);
  const reports = new ReportRunner({
    client: options.client,
    businessOf: (ids) => businessOfStores(options.store, ids),
    files,
    emit: options.progress,
    logger: options.logger.child({ module: 'reports' }),
    budgetResetAt: () => {
      const budget = options.client().scheduler.stats().budgets.generateUnitedReturnsReport;
      return budget && budget.remaining <= 0 && budget.resetAt > Date.now() ? budget.resetAt : null;
    },
    ...options.runner,
  });
  return {
    files,
    reports,
    stop: () => reports.stop(),
  };
}
