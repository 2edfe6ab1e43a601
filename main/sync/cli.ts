import type { Settings } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { composeMarket } from '../composition.ts';
import type { MarketClientOptions } from '../market/client.ts';
import type { Clock } from '../market/scheduler.ts';
import { systemClock } from '../market/scheduler.ts';
import { openStore, storePath, type ReturnRow, type Store } from '../store/store.ts';
import type { SyncOptions, SyncSummary } from './engine.ts';

export interface Output {
  write(text: string): unknown;
}

export interface RunSyncOnceOptions {
  dataDir: string;
  /** Production when undefined. */
  baseUrl?: string;
  apiKey: string;
  logger?: Logger;
  /** Where the human-readable summary goes (stdout in the CLI); nothing is printed without it. */
  out?: Output;
  clock?: Clock;
  sync?: Partial<SyncOptions>;
  /** The operator's settings of this data folder: which stores to watch, how far back to read. */
  settings?: Pick<Settings, 'watchedCampaignIds' | 'backfillDays'>;
  client?: Partial<Omit<MarketClientOptions, 'apiKey' | 'baseUrl' | 'logger'>>;
}

export interface RunSyncOnceResult {
  ok: boolean;
  summary: SyncSummary;
  awaiting: Array<ReturnRow & { msLeft: number | null }>;
  text: string;
}

/** `sync --once`: syncs every watched store once and reports what came in and what awaits a decision. */
export async function runSyncOnce(options: RunSyncOnceOptions): Promise<RunSyncOnceResult> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const store = openStore(storePath(options.dataDir), { backgroundCheckpoints: true });
  // One run, someone waiting: a spent budget is reported with its time, not waited out for minutes.
  const retry = { maxRateLimitWaitMs: 30_000, ...options.client?.retry };
  const settings = options.settings;
  const { sync: engine, stop } = composeMarket({
    endpoint: { baseUrl: options.baseUrl, apiKey: options.apiKey },
    store,
    logger,
    clock,
    client: { ...options.client, retry },
    sync: {
      options: { ...(settings ? { backfillDays: settings.backfillDays } : {}), ...options.sync },
      ...(settings ? { watchedStores: () => settings.watchedCampaignIds } : {}),
    },
  });
  try {
    const summary = await engine.syncNow();
    const now = clock.now();
    const awaiting = store.awaitingDecision(now);
    const failed = summary.stores.filter((s) => s.errors.length > 0);
    const ok = !summary.error && failed.length === 0;
    const lines: string[] = [headline(summary, store, ok, failed.length)];
    for (const s of summary.stores) {
      lines.push(
        `  ${s.campaignId} ${s.name ?? ''} [${s.placementType ?? '?'}]: fetched ${s.fetched}, new ${s.inserted}, updated ${s.updated}, ` +
          `skipped ${s.skipped}, orders ${s.ordersFetched}; stored ${s.stored}, awaiting decision ${s.awaiting}, decision options kept ${s.optionsKept}` +
          (s.errors.length ? `; FAILED: ${s.errors.map(problemText).join(' | ')}` : ''),
      );
    }
    if (summary.stores.length > 0) {
      const t = summary.totals;
      lines.push(`Total: fetched ${t.fetched}, new ${t.inserted}, updated ${t.updated}, skipped ${t.skipped}, orders ${t.ordersFetched}.`);
      lines.push(optionsLine(summary));
    }
    const nothingFetched = summary.error !== undefined && summary.stores.length === 0;
    if (!nothingFetched) lines.push(...formatAwaiting(awaiting));
    else if (awaiting.length > 0) lines.push('In the local store, not refreshed by this sync:', ...formatAwaiting(awaiting));
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    return { ok, summary, awaiting, text };
  } finally {
    await stop();
    store.close();
  }
}

/** One line that says what happened before any detail: done, partly done, or nothing. */
function headline(summary: SyncSummary, store: Store, ok: boolean, failedStores: number): string {
  const took = seconds(Date.parse(summary.finishedAt) - Date.parse(summary.startedAt));
  const stored = summary.stores.reduce((n, s) => n + s.stored, 0);
  if (summary.error && summary.stores.length === 0) {
    const held = store.countReturns();
    const last = store
      .listCampaigns()
      .map((c) => store.getCursor(c.id).lastSuccess)
      .filter((t): t is number => t !== null)
      .sort((a, b) => b - a)[0];
    return [
      `Sync failed after ${took}: ${problemText(summary.error)}. Nothing was fetched.`,
      held > 0
        ? `The local store still holds ${held} returns${last ? ` from the sync at ${new Date(last).toISOString()}` : ''}; "list --awaiting" reads them.`
        : 'Nothing is stored yet.',
    ].join('\n');
  }
  if (summary.stores.length === 0) return `Synced in ${took}: the Market lists no store for this API key, so there is nothing to sync.`;
  if (summary.error) {
    return `Sync incomplete after ${took}: the list of stores could not be read (${problemText(summary.error)}); the ${summary.stores.length} store(s) known from before were synced${failedStores ? `, ${failedStores} of them with errors` : ''}.`;
  }
  if (!ok) return `Sync incomplete after ${took}: ${failedStores} of ${summary.stores.length} store(s) failed (below); ${stored} returns are stored.`;
  return `Synced ${summary.stores.length} store(s) in ${took}: ${stored} returns stored, ${summary.totals.awaiting} await a decision.`;
}

/** Whether every awaiting return can be decided without the Market, and why not. */
function optionsLine(summary: SyncSummary): string {
  const awaiting = summary.stores.reduce((n, s) => n + s.awaiting, 0);
  const kept = summary.stores.reduce((n, s) => n + s.optionsKept, 0);
  const deferred = summary.stores.reduce((n, s) => n + s.optionsDeferred, 0);
  if (awaiting === 0) return 'No return awaits a decision.';
  if (kept >= awaiting) return `Decision options kept for all ${awaiting} awaiting returns: each can be decided while the Market is unreachable.`;
  const why = deferred > 0 ? ` (${deferred} wait for the hourly budget of getReturnAvailableDecisions; the next sync fetches them)` : ' (see the errors above)';
  return `Decision options kept for ${kept} of ${awaiting} awaiting returns: ${awaiting - kept} cannot be decided until the Market answers${why}.`;
}

/** "the Market could not be reached (getCampaigns, ECONNREFUSED)", with when to retry for a spent budget. */
export function problemText(problem: SyncSummary['error'] & object): string {
  const detail = [problem.cause, problem.retryAt ? `until ${problem.retryAt}` : undefined].filter(Boolean).join(', ');
  return `${problem.kind}: ${problem.message}${detail ? ` [${detail}]` : ''}`;
}

export interface ListAwaitingOptions {
  dataDir: string;
  out?: Output;
  clock?: Clock;
  campaignIds?: number[];
}

/** `list --awaiting`: returns awaiting a decision from the local store, soonest deadline first. */
export function listAwaiting(options: ListAwaitingOptions): { rows: Array<ReturnRow & { msLeft: number | null }>; text: string } {
  const store = openStore(storePath(options.dataDir));
  try {
    const rows = store.awaitingDecision((options.clock ?? systemClock).now(), options.campaignIds);
    const last = store
      .listCampaigns()
      .map((c) => store.getCursor(c.id).lastSuccess)
      .filter((t): t is number => t !== null)
      .sort((a, b) => b - a)[0];
    const coverage = store.decisionOptionsCoverage();
    const lines =
      last === undefined
        ? ['Nothing has been synced into this data folder yet: run "sync --once" first.']
        : [`From the local store, as of the last sync at ${new Date(last).toISOString()}.`];
    if (last !== undefined) lines.push(...formatAwaiting(rows));
    if (rows.length > 0 && coverage.kept < coverage.awaiting) {
      lines.push(`${coverage.awaiting - coverage.kept} of them have no current decision options: they cannot be decided until the Market answers.`);
    }
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    return { rows, text };
  } finally {
    store.close();
  }
}

function formatAwaiting(rows: Array<ReturnRow & { msLeft: number | null }>): string[] {
  if (rows.length === 0) return ['Nothing awaits a decision.'];
  const lines = [`Awaiting decision: ${rows.length}`];
  for (const r of rows) {
    lines.push(
      `  return ${r.id} order ${r.orderId} store ${r.campaignId} ${r.returnType} ${r.refundStatus ?? '?'}: ${timeLeft(r.msLeft)}` +
        (r.decisionDeadline ? ` (deadline ${r.decisionDeadline})` : ''),
    );
  }
  return lines;
}

/** "5h 12m left", "overdue by 1h 3m" or "deadline unknown". */
export function timeLeft(msLeft: number | null): string {
  if (msLeft === null) return 'deadline unknown';
  const abs = Math.abs(msLeft);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = `${h}h ${m}m`;
  return msLeft >= 0 ? `${text} left` : `overdue by ${text}`;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
