// Ingest benchmark: 10,000 returns from the sandbox through the real client, scheduler, sync and store.
// Run: ./node_modules/.bin/node bench/ingest.ts [--returns 10000]
// The sandbox runs in a child process so that this process's CPU time is the client's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler } from '../main/market/scheduler.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { SyncEngine } from '../main/sync/engine.ts';
import type { Figure } from './figures.ts';

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
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const summary = await engine.syncNow();
    const ingestCpu = cpuMs(process.cpuUsage(cpuStart));
    const wallMs = performance.now() - wallStart;
    if (summary.error) throw new Error(`sync failed: ${summary.error.kind}: ${summary.error.message}`);
    const stored = store.countReturns();
    const requests = client.requestsMade;
    store.close();

    // Baseline: the same pages, fetched again in this run, only JSON.parse'd.
    log('fetching the same pages for the JSON.parse baseline…');
    const bodies: string[] = [];
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
        const text = await res.text();
        bodies.push(text);
        token = (JSON.parse(text) as { result?: { paging?: { nextPageToken?: string } } }).result?.paging?.nextPageToken;
      } while (token);
    }
    const rounds = 5;
    const baseStart = process.cpuUsage();
    let parsedReturns = 0;
    for (let i = 0; i < rounds; i++) {
      for (const body of bodies) parsedReturns += (JSON.parse(body) as { result: { returns: unknown[] } }).result.returns.length;
    }
    const baselineCpu = cpuMs(process.cpuUsage(baseStart)) / rounds;
    parsedReturns /= rounds;
    const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);

    const perReturn = ingestCpu / Math.max(1, stored);
    const basePerReturn = baselineCpu / Math.max(1, parsedReturns);
    const figures: Figure[] = [
      { name: 'returns ingested', value: stored, unit: 'returns', goal: `= ${parsedReturns} served`, met: stored === parsedReturns },
      { name: 'client CPU per return', value: round(perReturn, 4), unit: 'ms', goal: 'reference', met: true },
      { name: 'JSON.parse-only CPU per return (baseline)', value: round(basePerReturn, 4), unit: 'ms', goal: 'reference', met: true },
      {
        name: 'client CPU / JSON.parse baseline',
        value: round(perReturn / Math.max(basePerReturn, 1e-9), 1),
        unit: 'x',
        goal: '<= 3',
        met: perReturn / Math.max(basePerReturn, 1e-9) <= 3,
      },
      { name: 'ingest wall time', value: round(wallMs / 1000, 2), unit: 's', goal: '<= 60', met: wallMs <= 60_000 },
      {
        name: 'requests made',
        value: requests,
        unit: 'requests',
        goal: `<= ${Math.ceil(total / 100) * 2 + Math.ceil(total / 50) + 40}`,
        met: requests <= Math.ceil(total / 100) * 2 + Math.ceil(total / 50) + 40,
      },
      { name: 'returns page bytes', value: round(bytes / 1024 / 1024, 2), unit: 'MiB', goal: 'reference', met: true },
      {
        name: 'peak RSS',
        value: round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024, 1),
        unit: 'MiB',
        goal: '<= 250',
        met: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) <= 250 * 1024 * 1024,
      },
    ];
    return { figures };
  } finally {
    clearInterval(sampler);
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { returns: { type: 'string' }, 'in-memory': { type: 'boolean' } } });
  const returns = values.returns ? Number(values.returns) : undefined;
  const result = await runIngestBench({ returns, inMemoryStore: values['in-memory'], log: (line) => process.stderr.write(`${line}\n`) });
  for (const f of result.figures) {
    process.stdout.write(`${f.met ? 'ok  ' : 'MISS'} ${f.name}: ${f.value} ${f.unit} (goal ${f.goal})\n`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.figures.every((f) => f.met) ? 0 : 1;
}
