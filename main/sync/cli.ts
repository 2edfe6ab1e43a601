import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { MarketClient, type MarketClientOptions } from '../market/client.ts';
import type { Clock } from '../market/scheduler.ts';
import { systemClock } from '../market/scheduler.ts';
import { openStore, storePath, type ReturnRow } from '../store/store.ts';
import { SyncEngine, type SyncOptions, type SyncSummary } from './engine.ts';

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
  const store = openStore(storePath(options.dataDir));
  try {
    const client = new MarketClient({ ...options.client, apiKey: options.apiKey, baseUrl: options.baseUrl, logger, clock });
    const engine = new SyncEngine({ client, store, logger, clock, options: options.sync });
    const summary = await engine.syncNow();
    const now = clock.now();
    const awaiting = store.awaitingDecision(now);
    const lines: string[] = [];
    lines.push(`Synced ${summary.stores.length} store(s) in ${seconds(Date.parse(summary.finishedAt) - Date.parse(summary.startedAt))}.`);
    if (summary.error) lines.push(`Error: ${summary.error.kind}: ${summary.error.message}`);
    for (const s of summary.stores) {
      lines.push(
        `  ${s.campaignId} ${s.name ?? ''} [${s.placementType ?? '?'}]: fetched ${s.fetched}, new ${s.inserted}, updated ${s.updated}, ` +
          `skipped ${s.skipped}, orders ${s.ordersFetched}; stored ${s.stored}, awaiting decision ${s.awaiting}` +
          (s.errors.length ? `; errors: ${s.errors.map((e) => `${e.kind}: ${e.message}`).join(' | ')}` : ''),
      );
    }
    const t = summary.totals;
    lines.push(`Total: fetched ${t.fetched}, new ${t.inserted}, updated ${t.updated}, skipped ${t.skipped}, orders ${t.ordersFetched}.`);
    lines.push(...formatAwaiting(awaiting));
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    const ok = !summary.error && summary.stores.every((s) => s.errors.length === 0);
    return { ok, summary, awaiting, text };
  } finally {
    store.close();
  }
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
    const text = `${formatAwaiting(rows).join('\n')}\n`;
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
