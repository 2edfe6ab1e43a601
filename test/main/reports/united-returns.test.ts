// The united returns report against the sandbox over HTTP: ordered, polled, downloaded, checked; and every way it fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReportJob } from '../../../preload/contract.ts';
import { silentLogger } from '../../../main/log.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler, RESOURCE_LIMITS } from '../../../main/market/scheduler.ts';
import { parseCsv } from '../../../main/reports/csv.ts';
import { FileTargets } from '../../../main/reports/files.ts';
import { businessOfStores } from '../../../main/reports/services.ts';
import { ReportRunner, type ReportClient, type ReportRequestInput } from '../../../main/reports/united-returns.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let client: MarketClient;
let store: Store;
let dir: string;
let fbs: { id: number; businessId: number };
let other: { id: number; businessId: number };
let cutServer: Server;
let cutUrl: string;
let hostileServer: Server;
let hostileUrl: string;
/** A report as another Market answer could carry it: an offer named as a formula, a negative amount (a number, no formula). */
const HOSTILE_REPORT =
  '\uFEFFcampaignId,orderId,offerId,amountRub,reason\r\n1,2,"=HYPERLINK(""http://evil.example/"",""x"")",-150.00,BAD_QUALITY\r\n1,3,SKU-1,10,@SUM(1+1)\r\n';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, returns: 30 });
  admin = sandboxAdmin(sandbox.url);
  // Twenty reports per two minutes instead of one: the tests order several.
  await admin.setLimits(20);
  // The same client as the app's, with the sandbox's raised report budget known locally too.
  client = new MarketClient({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    logger: silentLogger,
    scheduler: new KeyScheduler({ limits: { ...RESOURCE_LIMITS, generateUnitedReturnsReport: { amount: 20, periodMs: 2 * 60_000 } } }),
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 40 },
    timeoutMs: 5_000,
  });
  store = openStore(':memory:');
  const info = await admin.info();
  const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
  const campaigns = info.campaigns.filter((c) => mine.has(c.businessId));
  store.upsertCampaigns(
    info.campaigns.map((c) => ({ id: c.id, domain: c.domain, business: { id: c.businessId }, placementType: c.program as 'FBS' })),
    Date.now(),
  );
  fbs = campaigns.find((c) => c.program === 'FBS')!;
  other = campaigns.find((c) => c.businessId !== fbs.businessId) ?? info.campaigns.find((c) => c.businessId !== fbs.businessId)!;
  // A server that sends half a body and hangs up: a download interrupted mid-way.
  cutServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': '10000' });
    res.write('returnId,orderId\r\n1,2\r\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await new Promise<void>((resolve) => cutServer.listen(0, '127.0.0.1', resolve));
  cutUrl = `http://127.0.0.1:${(cutServer.address() as AddressInfo).port}/report.csv`;
  // A ready report's link whose CSV holds formulas, or an archive (the Market's CSV format is a ZIP of sheets).
  hostileServer = createServer((req, res) => {
    if (req.url?.endsWith('.zip')) res.writeHead(200, { 'Content-Type': 'application/zip' }).end(Buffer.from('PK\x03\x04 not a real archive'));
    else res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8' }).end(HOSTILE_REPORT);
  });
  await new Promise<void>((resolve) => hostileServer.listen(0, '127.0.0.1', resolve));
  hostileUrl = `http://127.0.0.1:${(hostileServer.address() as AddressInfo).port}/report`;
});

afterAll(async () => {
  store.close();
  await new Promise((r) => cutServer.close(r));
  await new Promise((r) => hostileServer.close(r));
  await sandbox.close();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rd-reports-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

function runner(options: { client?: ReportClient; timeoutMs?: number; files?: FileTargets } = {}) {
  const events: ReportJob[] = [];
  const files = options.files ?? new FileTargets(dir, null);
  const r = new ReportRunner({
    client: () => options.client ?? client,
    businessOf: (ids) => businessOfStores(store, ids),
    files,
    emit: (job) => events.push(job),
    logger: silentLogger,
    pollMinMs: 20,
    pollMaxMs: 100,
    timeoutMs: options.timeoutMs ?? 15_000,
  });
  return { r, events, files };
}

async function settle(r: ReportRunner, jobId: string): Promise<ReportJob> {
  for (let i = 0; i < 400; i++) {
    const job = r.status(jobId)!;
    if (['done', 'empty', 'failed', 'timeout', 'cancelled'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the report job did not finish');
}

/** Files in the reports folder, hidden temporaries included. */
const filesIn = (): string[] => {
  try {
    return readdirSync(join(dir, 'reports'));
  } catch {
    return [];
  }
};

// The report counts Moscow calendar days (the Market's dates are +03:00), so "today" is the Moscow day.
const today = async (): Promise<string> => (await admin.clock()).nowMsk.slice(0, 10);
const request = async (patch: Partial<ReportRequestInput> = {}): Promise<ReportRequestInput> => {
  const day = await today();
  return { from: day, to: day, campaignIds: [fbs.id], format: 'CSV', folder: null, ...patch };
};

describe('united returns report', () => {
  it('is ordered, polled with progress, downloaded into the default folder and holds the returns', async () => {
    const a = await admin.createReturn({ campaignId: fbs.id, type: 'RETURN', items: [{ offerId: undefined, count: 1 }] });
    const b = await admin.createReturn({ campaignId: fbs.id, type: 'UNREDEEMED' });
    const { r, events } = runner();
    const started = await r.start(await request());
    expect(started.state).toBe('requesting');
    const job = await settle(r, started.jobId);
    expect(job).toMatchObject({ state: 'done', progress: 1, message: null });
    expect(job.reportId).toMatch(/^sandbox-united-returns-/);
    // Progress was announced: the Market's statuses on the way, progress never going back.
    const statuses = events.map((e) => e.serverStatus);
    expect(statuses).toContain('PENDING');
    expect(statuses).toContain('DONE');
    expect(events.map((e) => e.state)).toContain('downloading');
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    // The file: where we said, whole, with the sandbox's rows for this store and day.
    expect(job.path).toBe(join(dir, 'reports', `united-returns_${await today()}_${await today()}_${fbs.id}.csv`));
    expect(filesIn()).toEqual([`united-returns_${await today()}_${await today()}_${fbs.id}.csv`]);
    const bytes = readFileSync(job.path!);
    expect(job.bytes).toBe(bytes.length);
    const rows = parseCsv(bytes.toString('utf8'));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(rows[0]).toEqual([
      'campaignId',
      'orderId',
      'returnId',
      'returnType',
      'createdAt',
      'refundStatus',
      'shipmentStatus',
      'offerId',
      'count',
      'amountRub',
      'reason',
    ]);
    const body = rows.slice(1);
    expect(body.every((row) => row[0] === String(fbs.id))).toBe(true);
    const ids = new Set(body.map((row) => Number(row[2])));
    expect(ids.has(a.id)).toBe(true);
    expect(ids.has(b.id)).toBe(true);
    expect(body.find((row) => Number(row[2]) === b.id)?.[3]).toBe('UNREDEEMED');
  });

  it('filters by type and shipment status, and never overwrites an earlier file', async () => {
    const { r } = runner();
    const first = await settle(r, (await r.start(await request({ returnType: 'RETURN' }))).jobId);
    const second = await settle(r, (await r.start(await request({ returnType: 'RETURN', shipmentStatuses: ['CREATED', 'IN_TRANSIT'] }))).jobId);
    expect(first.state).toBe('done');
    expect(['done', 'empty']).toContain(second.state);
    const types = parseCsv(readFileSync(first.path!, 'utf8'))
      .slice(1)
      .map((row) => row[3]);
    expect(new Set(types)).toEqual(new Set(['RETURN']));
    if (second.state === 'done') {
      expect(second.path).not.toBe(first.path);
      expect(second.path).toMatch(/ \(2\)\.csv$/);
      const shipments = parseCsv(readFileSync(second.path!, 'utf8'))
        .slice(1)
        .map((row) => row[6]);
      expect(shipments.every((s) => s === 'CREATED' || s === 'IN_TRANSIT')).toBe(true);
    }
  });

  it('a report the Market marks FAILED: explained, nothing saved', async () => {
    await admin.failNextReport();
    const { r } = runner();
    const job = await settle(r, (await r.start(await request())).jobId);
    expect(job.state).toBe('failed');
    expect(job.serverStatus).toBe('FAILED');
    expect(job.message).toMatch(/could not generate the report: status FAILED/);
    expect(job.path).toBeNull();
    expect(filesIn()).toEqual([]);
  });

  it('no data for the dates: said so, no file', async () => {
    const { r } = runner();
    const job = await settle(r, (await r.start(await request({ from: '2020-01-01', to: '2020-01-02' }))).jobId);
    expect(job).toMatchObject({ state: 'empty', subStatus: 'NO_DATA', path: null });
    expect(job.message).toMatch(/no returns/);
    expect(filesIn()).toEqual([]);
  });

  it('the server refuses the request: its own words are shown', async () => {
    const { r } = runner();
    const job = await settle(r, (await r.start(await request({ shipmentStatuses: ['NOT_A_STATUS'] }))).jobId);
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/returnStatusTypes/);
    expect(job.reportId).toBeNull();
  });

  it('times out with the last status and saves nothing', async () => {
    const { r } = runner({ timeoutMs: 60 });
    const job = await settle(r, (await r.start(await request())).jobId);
    expect(job.state).toBe('timeout');
    expect(job.message).toMatch(/not ready after 60 ms \(last status from the Market: (PENDING|PROCESSING)\)/);
    expect(filesIn()).toEqual([]);
  });

  it('a download cut off mid-way leaves nothing, not even a temporary file', async () => {
    const cut: ReportClient = {
      generateReturnsReport: (...args) => client.generateReturnsReport(...args),
      getReportInfo: (...args) => client.getReportInfo(...args),
      // The ready report's link leads to a server that hangs up mid-body.
      downloadReport: (_url, options) => client.downloadReport(cutUrl, options),
    };
    const { r } = runner({ client: cut });
    const job = await settle(r, (await r.start(await request())).jobId);
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/download of the ready report was interrupted/);
    expect(filesIn()).toEqual([]);
  });

  it('a report whose cells a spreadsheet would run: saved as sent, warned about, opened only when confirmed', async () => {
    const opened: string[] = [];
    const files = new FileTargets(dir, { chooseFolder: async () => null, openPath: async (path) => (opened.push(path), '') });
    for (const [suffix, warning] of [
      ['.csv', { formulaCells: 2 }],
      ['.zip', { formulaCells: null }],
    ] as const) {
      const hostile: ReportClient = {
        generateReturnsReport: (...args) => client.generateReturnsReport(...args),
        getReportInfo: (...args) => client.getReportInfo(...args),
        downloadReport: (_url, options) => client.downloadReport(`${hostileUrl}${suffix}`, options),
      };
      const { r } = runner({ client: hostile, files });
      const job = await settle(r, (await r.start(await request())).jobId);
      expect(job.state).toBe('done');
      expect(job.spreadsheetWarning).toEqual(warning);
      if (suffix === '.csv') expect(readFileSync(job.path!, 'utf8')).toBe(HOSTILE_REPORT);
      await expect(files.open(job.path!)).rejects.toMatchObject({ bridgeCode: 'CONFLICT', message: expect.stringMatching(/formulas/) });
      expect(opened).not.toContain(job.path);
      await expect(files.open(job.path!, true)).resolves.toEqual({ opened: true, path: job.path });
      expect(opened).toContain(job.path);
    }
    // The sandbox's own report has no such cells: no warning, opened at once.
    const { r } = runner({ files });
    const clean = await settle(r, (await r.start(await request())).jobId);
    expect(clean.spreadsheetWarning).toBeNull();
    await expect(files.open(clean.path!)).resolves.toMatchObject({ opened: true });
  });

  it('can be cancelled while it is generated', async () => {
    const { r } = runner();
    const started = await r.start(await request());
    const cancelled = r.cancel(started.jobId)!;
    expect(cancelled.state).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.status(started.jobId)!.state).toBe('cancelled');
    expect(filesIn()).toEqual([]);
  });

  it('refuses unknown stores, stores of two businesses and folders not chosen in the dialog', async () => {
    const { r } = runner();
    await expect(r.start(await request({ campaignIds: [999_999] }))).rejects.toThrow(/^campaignIds: store 999999 is not known/);
    if (other) await expect(r.start(await request({ campaignIds: [fbs.id, other.id] }))).rejects.toThrow(/different businesses/);
    await expect(r.start(await request({ folder: '/etc' }))).rejects.toThrow(/^folder: choose the folder in the dialog first/);
  });

  it('writes into the folder chosen in the (native) dialog', async () => {
    const chosen = mkdtempSync(join(tmpdir(), 'rd-chosen-'));
    const opened: string[] = [];
    const files = new FileTargets(dir, { chooseFolder: async () => chosen, openPath: async (path) => (opened.push(path), '') });
    expect(await files.choose()).toEqual({ folder: chosen, native: true, defaultFolder: join(dir, 'reports') });
    const { r } = runner({ files });
    const job = await settle(r, (await r.start(await request({ folder: chosen }))).jobId);
    expect(job.state).toBe('done');
    expect(job.path!.startsWith(chosen)).toBe(true);
    expect(await files.open(job.path!)).toEqual({ opened: true, path: job.path });
    expect(opened).toEqual([job.path]);
    await expect(files.open('/etc/passwd')).rejects.toThrow(/only files ReturnDesk wrote/);
    rmSync(chosen, { recursive: true, force: true });
  });
});
