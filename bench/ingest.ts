// Ingest benchmark: 10,000 returns from the sandbox through the real client, scheduler, sync and store.
// Run: ./node_modules/.bin/node bench/ingest.ts [--returns 10000]
// The sandbox runs in a child process so that this process's CPU time is the client's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SQLInputValue } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import { openStore, storePath, type Store } from '../main/store/store.ts';
import { ApiEnvelope, LooseReturnsPage, type CampaignDTO, type ReturnDTO } from '../main/market/schemas.ts';
import { SyncEngine, WRITE_CHUNK } from '../main/sync/engine.ts';
import { sandboxAdmin } from '../sandbox/admin-client.ts';
import { atLeast, figureLine, limit, overFloor, percentile, reference, round, type Figure } from './figures.ts';

export interface IngestBenchResult {
  figures: Figure[];
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

async function startSandboxProcess(returns: number, apiKey: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const node = process.execPath;
  const child = spawn(node, [join(ROOT, 'sandbox', 'cli.ts'), '--port', '0', '--returns', String(returns), '--api-key', apiKey], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 120 s: ${out.slice(-500)}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}: ${out.slice(-500)}`));
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** Runs the benchmark and returns its figures (each with a goal and whether it was met). */
export async function runIngestBench(options: { returns?: number; log?: (line: string) => void; inMemoryStore?: boolean } = {}): Promise<IngestBenchResult> {
  const total = options.returns ?? 10_000;
  const log = options.log ?? (() => {});
  const apiKey = `ACMA:${randomBytes(16).toString('hex')}:${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-'));
  log(`starting sandbox with ${total} returns…`);
  const sandbox = await startSandboxProcess(total, apiKey);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const store = openStore(options.inMemoryStore ? ':memory:' : storePath(dir), { backgroundCheckpoints: true });
    const client = new MarketClient({ apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    const engine = new SyncEngine({ client, store, options: { backfillDays: 3650, pageLimit: 100 } });
    // Each write transaction of the sync holds the thread that serves the UI: its main-thread CPU, which a loaded machine inflates less than wall time.
    const writeCpu: number[] = [];
    const transaction = store.transaction.bind(store);
    store.transaction = <T>(fn: () => T): T => {
      if (store.db.isTransaction) return transaction(fn);
      const start = process.threadCpuUsage();
      try {
        return transaction(fn);
      } finally {
        writeCpu.push(cpuMs(process.threadCpuUsage(start)));
      }
    };
    log(`ingesting from ${sandbox.url}…`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const summary = await engine.syncNow();
    const ingestCpu = cpuMs(process.cpuUsage(cpuStart));
    const wallMs = performance.now() - wallStart;
    loopDelay.disable();
    clearInterval(sampler);
    const rssAfterSync = process.memoryUsage().rss;
    if (summary.error) throw new Error(`sync failed: ${summary.error.kind}: ${summary.error.message}`);
    const stored = store.countReturns();
    const requests = client.requestsMade;
    const byMethod = (await sandboxAdmin(sandbox.url).stats()).byOperation;
    const fewest = fewestRequests(store);
    const campaignsSeen = store.listCampaigns().map((c) => ({ id: c.id, placementType: c.placementType }) as CampaignDTO);
    store.close();

    // The same pages, fetched again in this run: every stage below is held against a floor of these bytes.
    log('fetching the same pages for the floors…');
    const pages: Array<{ campaignId: number; body: Buffer }> = [];
    const fromDate = new Date(Date.now() - 3650 * 86_400_000).toISOString().slice(0, 10);
    const campaigns = (await (await fetch(`${sandbox.url}/v2/campaigns`, { headers: { 'Api-Key': apiKey } })).json()) as { campaigns: Array<{ id: number }> };
    for (const c of campaigns.campaigns) {
      let token: string | undefined;
      do {
        const url = new URL(`${sandbox.url}/v2/campaigns/${c.id}/returns`);
        url.searchParams.set('limit', '100');
        url.searchParams.set('fromDate', fromDate);
        if (token) url.searchParams.set('pageToken', token);
        const res = await fetch(url, { headers: { 'Api-Key': apiKey } });
        if (res.status === 403) break;
        const body = Buffer.from(await res.arrayBuffer());
        pages.push({ campaignId: c.id, body });
        token = (JSON.parse(body.toString('utf8')) as { result?: { paging?: { nextPageToken?: string } } }).result?.paging?.nextPageToken;
      } while (token);
    }
    const bytes = pages.reduce((n, p) => n + p.body.length, 0);

    // Stage 1, decode + validate, against JSON.parse of the same bytes (CPU, best of 5 rounds each, interleaved).
    const parseOnly = (): number => {
      let n = 0;
      for (const p of pages) n += (JSON.parse(p.body.toString('utf8')) as { result: { returns: unknown[] } }).result.returns.length;
      return n;
    };
    const decodeValidate = (): Array<{ campaignId: number; returns: ReturnDTO[] }> =>
      pages.map((p) => {
        const body = JSON.parse(p.body.toString('utf8')) as unknown;
        if (ApiEnvelope.safeParse(body).data?.status === 'ERROR') throw new Error('error envelope');
        const page = LooseReturnsPage.safeParse((body as { result?: unknown }).result ?? body);
        if (!page.success) throw new Error('page does not match LooseReturnsPage');
        return { campaignId: p.campaignId, returns: client.parseReturns(page.data.returns).returns };
      });
    const parsedReturns = parseOnly();
    let parseCpu = Infinity;
    let validateCpu = Infinity;
    let decoded: Array<{ campaignId: number; returns: ReturnDTO[] }> = [];
    for (let round = 0; round < 5; round++) {
      parseCpu = Math.min(parseCpu, cpuOf(parseOnly));
      validateCpu = Math.min(
        validateCpu,
        cpuOf(() => (decoded = decodeValidate())),
      );
    }

    // Stage 2, storing as the sync does (WRITE_CHUNK returns per transaction), against a minimal loop of
    // prepared INSERTs of the same rows — every row of every table the upsert wrote, read back from its
    // store — in one transaction per page, on a database of the same schema and settings (best of 3).
    let storeRun = { wallMs: Infinity, cpuMs: Infinity };
    let floorRun = { wallMs: Infinity, cpuMs: Infinity };
    let written: WrittenRows | undefined;
    for (let round = 0; round < 3; round++) {
      storeRun = best(
        storeRun,
        withFreshStore(dir, `stage-${round}`, (s) => {
          s.upsertCampaigns(campaignsSeen, Date.now());
          const run = timed(() => {
            for (const page of decoded) {
              for (let i = 0; i < page.returns.length; i += WRITE_CHUNK) {
                s.transaction(() => s.upsertReturns(page.campaignId, page.returns.slice(i, i + WRITE_CHUNK), Date.now()));
              }
            }
          });
          written ??= readWrittenRows(s);
          return run;
        }),
      );
      floorRun = best(
        floorRun,
        withFreshStore(dir, `floor-${round}`, (s) => {
          s.upsertCampaigns(campaignsSeen, Date.now());
          const rows = written!;
          const inserts = WRITTEN_TABLES.map((table) => {
            const columns = rows.columns[table]!;
            return s.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
          });
          return timed(() => {
            for (const page of decoded) {
              s.db.exec('BEGIN');
              for (const r of page.returns) {
                WRITTEN_TABLES.forEach((table, t) => {
                  for (const values of rows.byReturn[table]!.get(r.id) ?? []) inserts[t]!.run(...values);
                });
              }
              s.db.exec('COMMIT');
            }
          });
        }),
      );
    }

    const perReturn = ingestCpu / Math.max(1, stored);
    const figures: Figure[] = [
      atLeast('returns ingested', stored, 'returns', parsedReturns, 'every return the sandbox served'),
      reference('client CPU per return, whole sync (HTTP, scheduler, decode, store)', round(perReturn, 4), 'ms'),
      reference('client CPU / JSON.parse of the same pages (whole sync)', round(ingestCpu / Math.max(parseCpu, 1e-9), 1), 'x'),
      overFloor('stage 1: decode + validate, CPU', round(validateCpu, 1), 'ms', parseCpu, 3, 'JSON.parse of the same pages'),
      overFloor(
        `stage 2: storing (upsert, ${WRITE_CHUNK} returns per transaction), wall`,
        round(storeRun.wallMs, 1),
        'ms',
        floorRun.wallMs,
        2,
        'prepared INSERTs of the same rows, one transaction per page',
      ),
      reference('stage 2: storing, main-thread CPU', round(storeRun.cpuMs, 1), 'ms'),
      reference('stage 2: floor (prepared INSERTs of the same rows), main-thread CPU', round(floorRun.cpuMs, 1), 'ms'),
      limit('ingest wall time', round(wallMs / 1000, 2), 's', 60, 'README: 10,000 returns ingested within a minute'),
      overFloor('requests made', requests, 'requests', fewest.total, 1, `the fewest the spec allows for these data: ${fewest.formula}`),
      ...Object.entries(byMethod)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([method, n]) => reference(`requests made: ${method}`, n, 'requests')),
      limit('event-loop delay p99 during the ingest', round(loopDelay.percentile(99) / 1e6, 1), 'ms', 50, 'README: the UI process never stalls > 50 ms'),
      reference('event-loop delay max during the ingest', round(loopDelay.max / 1e6, 1), 'ms'),
      reference(`write transactions of the sync (${writeCpu.length}), main-thread CPU p99`, round(percentile(writeCpu, 99), 1), 'ms'),
      reference('write transactions of the sync, main-thread CPU max', round(Math.max(...writeCpu), 1), 'ms'),
      reference('returns page bytes', round(bytes / 1024 / 1024, 2), 'MiB'),
      reference('peak RSS of the ingesting process during the sync (10,000 returns)', round(peakRss / 1024 / 1024, 1), 'MiB'),
      reference('RSS of the ingesting process after the sync', round(rssAfterSync / 1024 / 1024, 1), 'MiB'),
    ];
    return { figures };
  } finally {
    clearInterval(sampler);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The fewest requests the Market's API allows for what the sync stored, from the OpenAPI
 * (/work/shared/reference/yandex-market-openapi):
 * - getReturns pages `limit` at «maximum: 100» (PageLimit100Truncate): every store's returns once (the
 *   slow lane's backfill), and its returns awaiting a decision once more (the fast lane's listing by
 *   `statuses`, which is what finds a decision made elsewhere);
 * - getBusinessOrders takes `orderIds` with «maxItems: 50» and pages `limit` at «maximum: 50»
 *   (PageLimit50Truncate): a store's distinct orders in requests of 50;
 * - getReturnAvailableDecisions takes one return (GetReturnAvailableDecisionsRequest: «required: campaignId,
 *   returnId», a single ReturnId): one request per return awaiting a decision;
 * - getCampaigns once (set-up).
 */
function fewestRequests(store: Store): { total: number; formula: string } {
  let returnPages = 0;
  let orderRequests = 0;
  let awaiting = 0;
  for (const c of store.listCampaigns()) {
    const row = store.db
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT order_id) AS orders, SUM(awaiting_decision) AS awaiting FROM returns WHERE campaign_id = ?')
      .get(c.id) as { n: number; orders: number; awaiting: number | null };
    returnPages += Math.max(1, Math.ceil(row.n / 100)) + Math.max(1, Math.ceil((row.awaiting ?? 0) / 100));
    orderRequests += Math.ceil(row.orders / 50);
    awaiting += row.awaiting ?? 0;
  }
  return {
    total: 1 + returnPages + orderRequests + awaiting,
    formula: `returns pages per 100 (${returnPages}) + orders per 50 (${orderRequests}) + one per awaiting return (${awaiting}) + 1`,
  };
}

type WrittenTable = 'returns' | 'return_items' | 'item_decisions' | 'photos' | 'instances';
const WRITTEN_TABLES: readonly WrittenTable[] = ['returns', 'return_items', 'item_decisions', 'photos', 'instances'];

/** Every row the upsert wrote, per table, grouped by return, as the values of an INSERT. */
interface WrittenRows {
  columns: Partial<Record<WrittenTable, string[]>>;
  byReturn: Partial<Record<WrittenTable, Map<number, SQLInputValue[][]>>>;
}

function readWrittenRows(store: Store): WrittenRows {
  const rows: WrittenRows = { columns: {}, byReturn: {} };
  for (const table of WRITTEN_TABLES) {
    const columns = (store.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
    const key = table === 'returns' ? 'id' : 'return_id';
    const byReturn = new Map<number, SQLInputValue[][]>();
    for (const row of store.db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).all() as Array<Record<string, SQLInputValue>>) {
      const id = Number(row[key]);
      const list = byReturn.get(id) ?? [];
      list.push(columns.map((c) => row[c]!));
      byReturn.set(id, list);
    }
    rows.columns[table] = columns;
    rows.byReturn[table] = byReturn;
  }
  return rows;
}

/** Wall and main-thread CPU milliseconds of `run`. */
function timed(run: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.threadCpuUsage();
  const t0 = performance.now();
  run();
  return { wallMs: performance.now() - t0, cpuMs: cpuMs(process.threadCpuUsage(cpu)) };
}

const best = (a: { wallMs: number; cpuMs: number }, b: { wallMs: number; cpuMs: number }) => ({
  wallMs: Math.min(a.wallMs, b.wallMs),
  cpuMs: Math.min(a.cpuMs, b.cpuMs),
});

/** CPU milliseconds `run` takes. */
function cpuOf(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  return cpuMs(process.cpuUsage(start));
}

/** Runs `fn` on a new store file in `dir` (same migrations and settings as the app's) and removes it. */
function withFreshStore<T>(dir: string, name: string, fn: (store: Store) => T): T {
  const folder = join(dir, name);
  const store = openStore(storePath(folder));
  try {
    return fn(store);
  } finally {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { returns: { type: 'string' }, 'in-memory': { type: 'boolean' } } });
  const returns = values.returns ? Number(values.returns) : undefined;
  const result = await runIngestBench({ returns, inMemoryStore: values['in-memory'], log: (line) => process.stderr.write(`${line}\n`) });
  for (const f of result.figures) process.stdout.write(`${figureLine(f)}\n`);
  process.exitCode = result.figures.every((f) => f.met !== false) ? 0 : 1;
}
