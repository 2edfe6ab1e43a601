// Handlers of the reports, analytics and exports channels, spread into createHandlers.
import { AnalyticsQuery, OrderMoneyQuery, type AnalyticsResult, type ChannelName } from '../../preload/contract.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { analyticsTableCsv, collect, inboxCsv, orderMoneyCsv, stamp, writeExport } from '../reports/exports.ts';
import type { FileTargets } from '../reports/files.ts';
import type { ReportRunner } from '../reports/united-returns.ts';
import type { AnalyticsReader, ReturnsReader } from '../returns/reader.ts';
import { DomainError, type Handlers } from './router.ts';

export type AnalyticsChannel = Extract<ChannelName, `analytics.${string}` | `files.${string}` | `exports.${string}` | `reports.${string}`>;

export interface AnalyticsHandlerDeps {
  returns: Pick<ReturnsReader, 'page'>;
  analytics: AnalyticsReader;
  /** The current key's outbox, for the audit export. */
  session: () => { outbox: Pick<Outbox, 'exportAuditCsv'> };
  files: FileTargets;
  reports: ReportRunner;
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
    return guarded(() => deps.analytics.compute({ from: q.from, to: q.to, campaignIds: q.campaignIds, bucket: q.bucket }, now()));
  };
  const page = deps.returns.page;

  return {
    'analytics.get': ({ query }) => analytics(query),
    'analytics.orderMoney': ({ query }) => guarded(() => deps.analytics.orderMoney(OrderMoneyQuery.parse(query))),
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
            deps.analytics.orderMoney({ from: q.from, to: q.to, campaignIds: q.campaignIds, sort: 'orderId', descending: false, offset, limit: 500 }),
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
