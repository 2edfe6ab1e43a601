/**
 * The united returns report: POST v2/reports/united-returns/generate, then GET v2/reports/info/{id}
 * until DONE (or FAILED / NO_DATA / our timeout), then the file is downloaded whole and written
 * atomically into the operator's folder. Every step is announced as a ReportJob.
 */
import { randomUUID } from 'node:crypto';
import type { ReportJob } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import { MarketError } from '../market/errors.ts';
import { freeName, safeFileName, writeFileAtomic } from './atomic.ts';
import { countFormulaCells } from './csv.ts';
import type { FileTargets } from './files.ts';

export interface ReportRequestInput {
  from: string;
  to: string;
  campaignIds: number[];
  returnType?: 'UNREDEEMED' | 'RETURN';
  shipmentStatuses?: string[];
  format: 'FILE' | 'CSV' | 'JSON';
  folder: string | null;
}

export type ReportClient = Pick<MarketClient, 'generateReturnsReport' | 'getReportInfo' | 'downloadReport'>;

export interface ReportRunnerOptions {
  client: () => ReportClient;
  /** The business of the stores; throws naming the problem when they are unknown or of several businesses. */
  businessOf: (campaignIds: readonly number[]) => number;
  files: FileTargets;
  emit: (job: ReportJob) => void;
  logger: Logger;
  /** Shortest and longest wait between two status checks (the Market's estimate is clamped to these). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** How long generation may take before the operator is told it timed out. */
  timeoutMs?: number;
  /** When the Market's report budget (one per 2 minutes) reopens, if it is spent now; null otherwise. */
  budgetResetAt?: () => number | null;
}

export class ReportRequestError extends Error {
  readonly bridgeCode = 'INVALID_ARGUMENTS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ReportRequestError';
  }
}

const TRANSIENT = new Set(['network', 'timeout', 'server', 'rate-limited']);
const FINISHED = new Set<ReportJob['state']>(['done', 'empty', 'failed', 'timeout', 'cancelled']);
const MAX_JOBS = 50;

/** The file extension for a report's content type (or its URL when the type says nothing). */
export function reportExtension(contentType: string, url: string): string {
  const type = contentType.toLowerCase();
  if (type.includes('csv')) return 'csv';
  if (type.includes('json')) return 'json';
  if (type.includes('zip')) return 'zip';
  if (type.includes('spreadsheetml') || type.includes('ms-excel')) return 'xlsx';
  const fromUrl = /\.([a-z0-9]{2,5})$/i.exec(new URL(url, 'http://x').pathname)?.[1];
  return fromUrl ? fromUrl.toLowerCase() : 'bin';
}

/** The server's words for a failed call, else our explanation. */
function words(error: unknown): string {
  if (error instanceof MarketError)
    return error.serverMessage ? `${error.serverMessage} (${error.kind}${error.status ? `, HTTP ${error.status}` : ''})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export class ReportRunner {
  readonly #jobs = new Map<string, { job: ReportJob; abort: AbortController }>();
  readonly #o: Required<Pick<ReportRunnerOptions, 'pollMinMs' | 'pollMaxMs' | 'timeoutMs'>> & ReportRunnerOptions;

  constructor(options: ReportRunnerOptions) {
    this.#o = { pollMinMs: 1_000, pollMaxMs: 15_000, timeoutMs: 10 * 60_000, ...options };
  }

  /**
   * Checks the stores and the folder (a bad one costs no report budget), orders the report and
   * returns the job, `requesting`; it moves on in the background.
   */
  async start(request: ReportRequestInput): Promise<ReportJob> {
    let businessId: number;
    try {
      businessId = this.#o.businessOf(request.campaignIds);
    } catch (error) {
      throw new ReportRequestError(`campaignIds: ${(error as Error).message}`);
    }
    const folder = await this.#o.files.folder(request.folder);
    const job: ReportJob = {
      jobId: randomUUID(),
      reportId: null,
      state: 'requesting',
      serverStatus: null,
      subStatus: null,
      progress: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      polls: 0,
      path: null,
      bytes: null,
      message: null,
      spreadsheetWarning: null,
      downloadUrl: null,
    };
    const abort = new AbortController();
    this.#jobs.set(job.jobId, { job, abort });
    this.#trim();
    void this.#run(job.jobId, businessId, folder, request, abort.signal);
    return { ...job };
  }

  status(jobId: string): ReportJob | undefined {
    const entry = this.#jobs.get(jobId);
    return entry ? { ...entry.job } : undefined;
  }

  cancel(jobId: string): ReportJob | undefined {
    const entry = this.#jobs.get(jobId);
    if (!entry) return undefined;
    if (!FINISHED.has(entry.job.state)) {
      entry.abort.abort();
      this.#update(jobId, { state: 'cancelled', message: 'Cancelled by the operator; nothing was saved.', finishedAt: new Date().toISOString() });
    }
    return { ...entry.job };
  }

  /** Cancels every running job (session closing). */
  stop(): void {
    for (const { job, abort } of this.#jobs.values()) if (!FINISHED.has(job.state)) abort.abort();
  }

  #update(jobId: string, patch: Partial<ReportJob>): void {
    const entry = this.#jobs.get(jobId);
    if (!entry) return;
    // A finished job stays finished (a late poll after a cancel must not revive it).
    if (FINISHED.has(entry.job.state)) return;
    entry.job = { ...entry.job, ...patch };
    this.#o.emit({ ...entry.job });
  }

  #trim(): void {
    if (this.#jobs.size <= MAX_JOBS) return;
    for (const [id, { job }] of this.#jobs) {
      if (this.#jobs.size <= MAX_JOBS) break;
      if (FINISHED.has(job.state)) this.#jobs.delete(id);
    }
  }

  async #run(jobId: string, businessId: number, folder: string, request: ReportRequestInput, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const finish = (patch: Partial<ReportJob>): void => this.#update(jobId, { ...patch, finishedAt: new Date().toISOString() });
    const client = this.#o.client();
    try {
      const reopens = this.#o.budgetResetAt?.() ?? null;
      if (reopens !== null) {
        this.#update(jobId, { message: `The Market takes one report order every 2 minutes; this one is ordered at ${new Date(reopens).toISOString()}.` });
      }
      const ordered = await client.generateReturnsReport(
        {
          businessId,
          dateFrom: request.from,
          dateTo: request.to,
          campaignIds: request.campaignIds,
          returnType: request.returnType,
          returnStatusTypes: request.shipmentStatuses,
        },
        request.format,
        { priority: 'interactive', signal },
      );
      let estimate = ordered.estimatedGenerationTime ?? 5_000;
      this.#update(jobId, { reportId: ordered.reportId, state: 'generating', serverStatus: 'PENDING', progress: 0.02, message: null });
      let lastProblem: string | null = null;
      let polls = 0;
      for (;;) {
        const waited = Date.now() - started;
        const wait = Math.min(Math.max(estimate, this.#o.pollMinMs), this.#o.pollMaxMs);
        if (waited + wait > this.#o.timeoutMs) {
          const last = this.#jobs.get(jobId)?.job.serverStatus;
          finish({
            state: 'timeout',
            message: `The report was not ready after ${duration(this.#o.timeoutMs)} (last status from the Market: ${last ?? 'none'}${lastProblem ? `; last error: ${lastProblem}` : ''}). Nothing was saved; order it again later.`,
          });
          return;
        }
        await sleep(wait, signal);
        if (signal.aborted) return;
        let info;
        try {
          info = await client.getReportInfo(ordered.reportId, { priority: 'interactive', signal });
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof MarketError && TRANSIENT.has(error.kind)) {
            lastProblem = words(error);
            this.#o.logger.warn('report status check failed; retrying', { reportId: ordered.reportId, kind: error.kind });
            continue;
          }
          throw error;
        }
        polls++;
        estimate = info.estimatedGenerationTime ?? estimate;
        const elapsed = Date.now() - started;
        const progress = Math.min(0.95, Math.max(0.05, elapsed / (elapsed + Math.max(estimate, 1))));
        this.#update(jobId, { serverStatus: info.status, subStatus: info.subStatus ?? null, polls, progress });
        if (info.status === 'FAILED') {
          finish({
            state: 'failed',
            message: `The Market could not generate the report: status ${info.status}${info.subStatus ? `, ${info.subStatus}` : ''}. Nothing was saved.`,
          });
          return;
        }
        if (info.status === 'NO_DATA' || (info.status === 'DONE' && (info.subStatus === 'NO_DATA' || !info.file))) {
          finish({
            state: 'empty',
            progress: 1,
            message: `The Market found no returns for these dates and filters (${info.status}${info.subStatus ? `, ${info.subStatus}` : ''}). No file was saved.`,
          });
          return;
        }
        if (info.status === 'DONE' && info.file) {
          this.#update(jobId, { state: 'downloading', progress: 0.97 });
          let file;
          try {
            file = await client.downloadReport(info.file, { priority: 'interactive', signal });
          } catch (error) {
            if (signal.aborted) return;
            finish({
              state: 'failed',
              message: `The download of the ready report was interrupted: ${words(error)}. Nothing was saved; order the report again.`,
            });
            return;
          }
          if (signal.aborted) return;
          const stores = request.campaignIds.length === 1 ? String(request.campaignIds[0]) : `${request.campaignIds.length}-stores`;
          const extension = reportExtension(file.contentType, info.file);
          const name = safeFileName(`united-returns_${request.from}_${request.to}_${stores}.${extension}`);
          const path = await freeName(folder, name);
          // Saved as the Market sent it; what a spreadsheet would run is told, and asked about before opening.
          const bytes = await writeFileAtomic(path, file.data);
          const spreadsheetWarning = spreadsheetWarningOf(extension, file.data);
          this.#o.files.written(path, { confirmBeforeOpening: spreadsheetWarning !== null });
          finish({ state: 'done', progress: 1, path, bytes, message: null, spreadsheetWarning, downloadUrl: this.#o.files.downloadOf(path) });
          return;
        }
        // PENDING, PROCESSING or a status this app does not know yet: keep waiting until the timeout.
      }
    } catch (error) {
      if (signal.aborted) return;
      this.#o.logger.warn('united returns report failed', { error: error instanceof Error ? error.message : String(error) });
      finish({ state: 'failed', message: `The report could not be made: ${words(error)}` });
    }
  }
}

/**
 * Why opening this report in a spreadsheet needs a warning: formula-like cells of a CSV (counted), or a
 * ZIP, which the Market's CSV format is (one CSV per sheet) and this app does not unpack; null otherwise.
 */
export function spreadsheetWarningOf(extension: string, data: string | Uint8Array): ReportJob['spreadsheetWarning'] {
  if (extension === 'zip') return { formulaCells: null };
  if (extension !== 'csv') return null;
  const formulaCells = countFormulaCells(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  return formulaCells > 0 ? { formulaCells } : null;
}

function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
