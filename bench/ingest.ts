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
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import { openStore, storePath, type Store } from '../main/store/store.ts';
import { ApiEnvelope, LooseReturnsPage, type CampaignDTO, type ReturnDTO } from '../main/market/schemas.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import { atLeast, figureLine, limit, overFloor, reference, round, type Figure } from './figures.ts';

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
    const store = openStore(options.inMemoryStore ? ':memory:' : storePath(dir));
    const client = new MarketClient({ apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler() });
    const engine = new SyncEngine({ client, store, options: { backfillDays: 3650, pageLimit: 100 } });
    log(`ingesting from ${sandbox.url}…`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const summary = await engine.syncNow();
    const ingestCpu = cpuMs(process.cpuUsage(cpuStart));
    const wallMs = performance.now() - wallStart;
    loopDelay.disable();
    if (summary.error) throw new Error(`sync failed: ${summary.error.kind}: ${summary.error.message}`);
    const stored = store.countReturns();
    const requests = client.requestsMade;
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

    // Stage 2, storing, against a minimal loop of prepared INSERTs of the same rows (each return and its
    // items) in one transaction per page, on a database of the same schema and settings (wall, best of 3).
    let storeMs = Infinity;
    let floorMs = Infinity;
    for (let round = 0; round < 3; round++) {
      storeMs = Math.min(
        storeMs,
        withFreshStore(dir, `stage-${round}`, (s) => {
          s.upsertCampaigns(campaignsSeen, Date.now());
          const t0 = performance.now();
          for (const page of decoded) s.upsertReturns(page.campaignId, page.returns, Date.now());
          return performance.now() - t0;
        }),
      );
      floorMs = Math.min(
        floorMs,
        withFreshStore(dir, `floor-${round}`, (s) => {
          s.upsertCampaigns(campaignsSeen, Date.now());
          const insertReturn = s.db.prepare(
            `INSERT INTO returns (id, campaign_id, order_id, return_type, refund_status, shipment_status, created_at, updated_at, amount_value,
             amount_currency, fast_return, photo_count, item_count, awaiting_decision, raw_json, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          );
          const insertItem = s.db.prepare('INSERT INTO return_items (return_id, idx, shop_sku, market_sku, count) VALUES (?, ?, ?, ?, ?)');
          const t0 = performance.now();
          for (const page of decoded) {
            s.db.exec('BEGIN');
            for (const r of page.returns) {
              insertReturn.run(
                r.id,
                page.campaignId,
                r.orderId,
                r.returnType,
                r.refundStatus ?? null,
                r.shipmentStatus ?? null,
                Date.parse(r.creationDate ?? '') || null,
                Date.parse(r.updateDate ?? '') || null,
                r.amount?.value ?? null,
                r.amount?.currencyId ?? null,
                r.fastReturn ? 1 : 0,
                0,
                r.items.length,
                0,
                JSON.stringify(r),
                Date.now(),
              );
              r.items.forEach((item, idx) => insertItem.run(r.id, idx, item.shopSku, item.marketSku ?? null, item.count));
            }
            s.db.exec('COMMIT');
          }
          return performance.now() - t0;
        }),
      );
    }

    const perReturn = ingestCpu / Math.max(1, stored);
    const figures: Figure[] = [
      atLeast('returns ingested', stored, 'returns', parsedReturns, 'every return the sandbox served'),
      reference('client CPU per return, whole sync (HTTP, scheduler, decode, store)', round(perReturn, 4), 'ms'),
      reference('client CPU / JSON.parse of the same pages (whole sync)', round(ingestCpu / Math.max(parseCpu, 1e-9), 1), 'x'),
      overFloor('stage 1: decode + validate, CPU', round(validateCpu, 1), 'ms', parseCpu, 3, 'JSON.parse of the same pages'),
      overFloor('stage 2: storing (upsert per page), wall', round(storeMs, 1), 'ms', floorMs, 2, 'prepared INSERTs of the same rows, one transaction per page'),
      limit('ingest wall time', round(wallMs / 1000, 2), 's', 60, 'README: 10,000 returns ingested within a minute'),
      limit(
        'requests made',
        requests,
        'requests',
        Math.ceil(total / 100) * 2 + Math.ceil(total / 50) + 40,
        'README: a page of returns and of orders per 100, options per 50, plus set-up',
      ),
      limit('event-loop delay p99 during the ingest', round(loopDelay.percentile(99) / 1e6, 1), 'ms', 50, 'README: the UI process never stalls > 50 ms'),
      reference('event-loop delay max during the ingest', round(loopDelay.max / 1e6, 1), 'ms'),
      reference('returns page bytes', round(bytes / 1024 / 1024, 2), 'MiB'),
      reference('peak RSS of the ingesting process (10,000 returns)', round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024, 1), 'MiB'),
    ];
    return { figures };
  } finally {
    clearInterval(sampler);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

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
