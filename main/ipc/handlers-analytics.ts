// Handlers of the reports, analytics and exports channels, spread into createHandlers.
import { AnalyticsQuery, OrderMoneyQuery, type AnalyticsResult, type ChannelName, type InboxRow, type OutboxState } from '../../preload/contract.ts';
import { computeAnalytics } from '../analytics/analytics.ts';
import { orderMoney } from '../analytics/order-money.ts';
import { analyticsTableCsv, collect, inboxCsv, orderMoneyCsv, stamp, writeExport } from '../reports/exports.ts';
import type { FileTargets } from '../reports/files.ts';
import type { ReportRunner } from '../reports/united-returns.ts';
import type { MarketSession } from '../session.ts';
import type { Store } from '../store/store.ts';
import { DomainError, type Handlers } from './router.ts';
import { toInboxRow } from './views.ts';

export type AnalyticsChannel = Extract<ChannelName, `analytics.${string}` | `files.${string}` | `exports.${string}` | `reports.${string}`>;

export interface AnalyticsHandlerDeps {
  store: Store;
  session: () => MarketSession;
  files: FileTargets;
  reports: ReportRunner;
  outboxStateOf: (returnId: number) => OutboxState | null;
  now?: () => number;
  /** The language of the exports (headings, words, separators): the operator's. */
  locale?: () => 'ru' | 'en';
}

/** Turns a bad period or an unknown folder into INVALID_ARGUMENTS naming the field. */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && /^(from|to|folder|path|campaignIds)[:\s]/.test(error.message) && !(error instanceof DomainError)) {
      throw new DomainError('INVALID_ARGUMENTS', error.message);
    }
    throw error;
  }
}

export function createAnalyticsHandlers(deps: AnalyticsHandlerDeps): Pick<Handlers, AnalyticsChannel> {
  const now = deps.now ?? Date.now;
  const locale = deps.locale ?? (() => 'en' as const);
  const analytics = (query: AnalyticsQuery): AnalyticsResult => {
    const q = AnalyticsQuery.parse(query);
    return guarded(() => computeAnalytics(deps.store.analytics, { from: q.from, to: q.to, campaignIds: q.campaignIds, bucket: q.bucket }, now()));
  };
  const page = (filter: Parameters<Store['inboxPage']>[0], offset: number, limit: number): { rows: InboxRow[]; total: number } => {
    const result = deps.store.inboxPage(filter, { offset, limit });
    return { rows: result.rows.map((row) => toInboxRow(row, deps.outboxStateOf(row.id))), total: result.total };
  };

  return {
    'analytics.get': ({ query }) => analytics(query),
    'analytics.orderMoney': ({ query }) => guarded(() => orderMoney(deps.store, OrderMoneyQuery.parse(query))),
    'files.chooseFolder': () => deps.files.choose(),
    'files.open': ({ path, confirmed }) => deps.files.open(path, confirmed === true),
    'exports.inbox': async ({ filter, folder }) => {
      const target = await deps.files.folder(folder);
      const { text, rows } = inboxCsv(page, filter, locale());
      const result = await writeExport(target, `inbox_${stamp(now())}.csv`, text, rows);
      deps.files.written(result.path);
      return { ...result, downloadUrl: deps.files.downloadOf(result.path) };
    },
    'exports.audit': async ({ folder }) => {
      const target = await deps.files.folder(folder);
      const { text, rows } = await collect((stream) => deps.session().outbox.exportAuditCsv(stream, { locale: locale() }));
      const result = await writeExport(target, `audit_${stamp(now())}.csv`, text, rows);
      deps.files.written(result.path);
      return { ...result, downloadUrl: deps.files.downloadOf(result.path) };
    },
    'exports.analytics': async ({ query, table, folder }) => {
      const target = await deps.files.folder(folder);
      const q = AnalyticsQuery.parse(query);
      let csv: { text: string; rows: number };
      if (table === 'money') {
        const all = [];
        for (let offset = 0; ; offset += 500) {
          const p = guarded(() =>
            orderMoney(deps.store, { from: q.from, to: q.to, campaignIds: q.campaignIds, sort: 'orderId', descending: false, offset, limit: 500 }),
          );
          all.push(...p.rows);
          if (p.rows.length < 500) break;
        }
        csv = orderMoneyCsv(all, locale());
      } else {
        csv = analyticsTableCsv(analytics(query), table, locale());
      }
      const result = await writeExport(target, `analytics-${table}_${q.from}_${q.to}.csv`, csv.text, csv.rows);
      deps.files.written(result.path);
      return { ...result, downloadUrl: deps.files.downloadOf(result.path) };
    },
    'reports.start': ({ request }) => deps.reports.start(request),
    'reports.status': ({ jobId }) => {
      const job = deps.reports.status(jobId);
      if (!job) throw new DomainError('NOT_FOUND', `There is no report job ${jobId} in this session.`);
      return job;
    },
    'reports.cancel': ({ jobId }) => {
      const job = deps.reports.cancel(jobId);
      if (!job) throw new DomainError('NOT_FOUND', `There is no report job ${jobId} in this session.`);
      return job;
    },
  };
}
