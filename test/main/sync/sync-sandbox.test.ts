import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import type { MarketError } from '../../../main/market/errors.ts';
import { MarketAuthError } from '../../../main/market/errors.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { listAwaiting, runSyncOnce } from '../../../main/sync/cli.ts';
import { SyncEngine, type ChangedEvent, type SyncOptions } from '../../../main/sync/engine.ts';
import type { Logger } from '../../../main/log.ts';
import { memoryLogger } from '../../helpers/logs.ts';
import { returnsAtTheMarket } from '../../helpers/market-returns.ts';

const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 50, parallelPauseMs: 50 };

describe('sync against the sandbox', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let dir: string;
  let store: Store;
  let log: { logger: Logger; lines: string[] };

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 300 });
    admin = sandboxAdmin(sandbox.url);
    dir = mkdtempSync(join(tmpdir(), 'rd-sync-'));
    store = openStore(storePath(dir));
    log = memoryLogger(); // no redaction configured: the code itself must never log the key
  });
  afterEach(async () => {
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const makeClient = (apiKey = sandbox.apiKey, scheduler = new KeyScheduler()): MarketClient =>
    new MarketClient({ apiKey, baseUrl: sandbox.url, logger: log.logger, scheduler, retry: FAST_RETRY });
  const makeEngine = (client = makeClient(), options: Partial<SyncOptions> = {}, s = store): SyncEngine =>
    new SyncEngine({ client, store: s, logger: log.logger, options });

  // Everything the key may see in the backfill window, read straight from the wire.
  const expectedReturnIds = (): Promise<Set<number>> => returnsAtTheMarket(sandbox, admin);

  it('first sync: discovers the stores, backfills every return with orders, computes deadlines per placement type', async () => {
    const engine = makeEngine();
    const changed: ChangedEvent[] = [];
    engine.on('changed', (e) => changed.push(e));
    const summary = await engine.syncNow();
    expect(summary.error).toBeUndefined();
    const info = await admin.info();
    const mine = info.campaigns.filter((c) => info.businesses.find((b) => b.id === c.businessId)?.key === 'apiKey');
    expect(
      store
        .listCampaigns()
        .map((c) => c.id)
        .sort(),
    ).toEqual(mine.map((c) => c.id).sort());
    const expected = await expectedReturnIds();
    expect(store.countReturns()).toBe(expected.size);
    expect(summary.totals.inserted).toBe(expected.size);
    expect(summary.stores.every((s) => s.errors.length === 0)).toBe(true);
    expect(changed.flatMap((e) => e.returnIds).length).toBeGreaterThanOrEqual(expected.size);

    // Two placement types: FBS-like awaiting in PREMODERATION_DECISION_WAITING, DBS in WAITING_FOR_DECISION.
    const placements = new Set(store.listCampaigns().map((c) => c.placementType));
    expect(placements).toContain('DBS');
    expect(placements).toContain('FBS');
    const awaiting = store.awaitingDecision(Date.now());
    expect(awaiting.length).toBeGreaterThan(0);
    for (const row of awaiting) {
      expect(row.refundStatus).toBe(row.placementType === 'DBS' ? 'WAITING_FOR_DECISION' : 'PREMODERATION_DECISION_WAITING');
      const truth = await admin.getReturn(row.id);
      expect(Date.parse(row.decisionDeadline!)).toBe(Date.parse(truth.decisionDeadline));
    }
    // Orders of the returns were fetched in batches through getBusinessOrders.
    const withOrders = store.db.prepare('SELECT COUNT(*) AS n FROM returns r JOIN orders o ON o.id = r.order_id').get() as { n: number };
    expect(withOrders.n).toBe(expected.size);
    const detail = store.returnDetail(awaiting[0]!.id)!;
    expect(detail.order?.items.length).toBeGreaterThan(0);
    const stats = await admin.stats();
    expect(stats.byOperation.getOrders ?? 0).toBe(0);
    expect(stats.byOperation.getBusinessOrders).toBeGreaterThan(0);
    expect(Math.max(...Object.values(stats.maxConcurrentPerKey))).toBeLessThanOrEqual(2);
    expect(stats.count420).toBe(0);
    for (const line of log.lines) expect(line).not.toContain(sandbox.apiKey);
  });

  it('incremental: after a clock advance across midnight, new and changed returns come in and nothing is lost', async () => {
    const engine = makeEngine();
    await engine.syncNow();
    const before = store.countReturns();
    const dbs = store.listCampaigns().find((c) => c.placementType === 'DBS')!;
    const fbs = store.listCampaigns().find((c) => c.placementType === 'FBS')!;
    // Move the sandbox past the next Moscow midnight.
    const now = Date.parse((await admin.clock()).now);
    const nextMskMidnight = Math.ceil((now + 3 * 3_600_000) / 86_400_000) * 86_400_000 - 3 * 3_600_000;
    await admin.setClock(new Date(nextMskMidnight + 5 * 60_000));
    const fresh = [
      await admin.createReturn({ campaignId: dbs.id }),
      await admin.createReturn({ campaignId: fbs.id }),
      await admin.createReturn({ campaignId: fbs.id, type: 'UNREDEEMED' }),
    ];
    const changed: number[] = [];
    engine.on('changed', (e) => changed.push(...e.returnIds));
    const summary = await engine.syncNow();
    expect(summary.error).toBeUndefined();
    for (const r of fresh) {
      expect(store.getReturn(r.id)).toBeDefined();
      expect(changed).toContain(r.id);
    }
    expect(store.getReturn(fresh[0]!.id)!.awaitingDecision).toBe(true);
    expect(store.getReturn(fresh[0]!.id)!.decisionDeadline).toBe(new Date(Date.parse(fresh[0]!.decisionDeadline)).toISOString());
    expect(store.countReturns()).toBeGreaterThanOrEqual(before + 3);
    // The operator decides elsewhere: the deadline disappears on the next sync.
    const decided = await admin.setReturnStatus(fresh[1]!.id, 'PREMODERATION_DECISION_MADE', { force: true });
    expect(decided.refundStatus).toBe('PREMODERATION_DECISION_MADE');
    await engine.syncCampaign(fbs.id, 'fast');
    expect(store.getReturn(fresh[1]!.id)!.awaitingDecision).toBe(false);
    expect(store.getReturn(fresh[1]!.id)!.decisionDeadline).toBeNull();
  });

  it('pages through small pages and resumes an interrupted backfill after a restart', async () => {
    const expected = await expectedReturnIds();
    const first = makeEngine(makeClient(), { pageLimit: 7, maxPagesPerRun: 3 });
    await first.syncNow();
    const partial = store.countReturns();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(expected.size);
    const tokens = store.listCampaigns().map((c) => store.getCursor(c.id));
    expect(tokens.some((c) => !c.backfillDone && c.backfillPageToken)).toBe(true);
    store.close();

    // Restart: a new process opens the same file and carries on from the saved page tokens.
    store = openStore(storePath(dir));
    const statsBefore = await admin.stats();
    const second = makeEngine(makeClient(), { pageLimit: 7 });
    await second.syncNow();
    expect(store.countReturns()).toBe(expected.size);
    expect(store.listCampaigns().every((c) => store.getCursor(c.id).backfillDone)).toBe(true);
    const statsAfter = await admin.stats();
    const pagesSecondRun = (statsAfter.byOperation.getReturns ?? 0) - (statsBefore.byOperation.getReturns ?? 0);
    // Resuming did not re-read the pages already stored (fast lane pages aside).
    expect(pagesSecondRun).toBeLessThan(Math.ceil(expected.size / 7) + 4 * store.listCampaigns().length + 8);
  });

  it('401: a wrong key stops syncing with a typed auth error', async () => {
    const engine = makeEngine(makeClient('ACMA:wrong-key-000000000000'));
    const errors: string[] = [];
    engine.on('error', (e) => errors.push(e.error.kind));
    const summary = await engine.syncNow();
    expect(summary.error?.kind).toBe('auth');
    expect(engine.halted).toBeInstanceOf(MarketAuthError);
    expect(errors).toContain('auth');
    for (const line of log.lines) expect(line).not.toContain('wrong-key-000000000000');
  });

  it('401 storm mid-sync: the store keeps every return it had', async () => {
    await makeEngine().syncNow();
    const had = store.countReturns();
    await admin.setFaults({ type: 'unauthorized', path: '/returns' });
    const summary = await makeEngine().syncNow();
    expect(summary.error?.kind).toBe('auth');
    expect(store.countReturns()).toBe(had);
  });

  it("403: another seller's store is forbidden; 404: an unknown return is not found", async () => {
    await makeEngine().syncNow();
    const campaignId = store.listCampaigns()[0]!.id;
    const other = makeClient(sandbox.otherApiKey);
    const forbidden = await other.listReturns(campaignId).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(MarketAuthError);
    expect(forbidden).toMatchObject({ kind: 'forbidden', status: 403 });
    expect((forbidden as MarketError).serverMessage).toBeTruthy();
    const missing = await makeClient()
      .getReturn(campaignId, 1, 1)
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('5xx, dropped and reset connections are retried; the sync completes', async () => {
    const expected = await expectedReturnIds();
    await admin.setFaults([
      { type: 'error5xx', path: '/returns', count: 3 },
      { type: 'error5xx', path: '/orders', count: 1, status: 503 },
      { type: 'drop', path: '/returns', count: 2 },
      { type: 'reset', path: '/campaigns', count: 1 },
    ]);
    const summary = await makeEngine().syncNow();
    expect(summary.error).toBeUndefined();
    expect(summary.stores.every((s) => s.errors.length === 0)).toBe(true);
    expect(store.countReturns()).toBe(expected.size);
  });

  it('malformed pages fail the lane with a typed error, keep the stored returns, and the next sync recovers', async () => {
    const engine = makeEngine();
    await engine.syncNow();
    const had = store.countReturns();
    await admin.setFaults({ type: 'malformed', path: '/returns' });
    const errors: Array<{ kind: string }> = [];
    engine.on('error', (e) => errors.push(e.error));
    const summary = await engine.syncNow();
    expect(summary.stores.some((s) => s.errors.some((e) => e.kind === 'malformed'))).toBe(true);
    expect(errors.some((e) => e.kind === 'malformed')).toBe(true);
    expect(store.countReturns()).toBe(had);
    expect(store.listCampaigns().some((c) => store.getCursor(c.id).lastError?.startsWith('malformed'))).toBe(true);
    await admin.clearFaults();
    const again = await engine.syncNow();
    expect(again.stores.every((s) => s.errors.length === 0)).toBe(true);
    expect(store.listCampaigns().every((c) => store.getCursor(c.id).lastError === null)).toBe(true);
  });

  it('schema drift: unknown enums and fields are kept as unknown, no return is dropped', async () => {
    const expected = await expectedReturnIds();
    await admin.setFaults({ type: 'drift', path: '/returns$' });
    const summary = await makeEngine().syncNow();
    expect(summary.totals.skipped).toBe(0);
    expect(store.countReturns()).toBe(expected.size);
    const drifted = store.inboxPage({ refundStatuses: ['PREMODERATION_AWAITING_COURIER_2027'] });
    expect(drifted.total).toBeGreaterThan(0);
    expect(store.inboxPage({ returnType: 'EXCHANGE' }).total).toBeGreaterThan(0);
  });

  it('420: an exhausted hourly budget fails fast with rate-limited; another app on the key gets backed off', async () => {
    // Another app on the same login (its own scheduler) plus ours, with latency: the sandbox sees > 2 in flight.
    await admin.setFaults({ type: 'latency', latencyMs: 40, count: 40 });
    const ours = makeClient();
    const theirs = makeClient(sandbox.apiKey, new KeyScheduler());
    const results = await Promise.all([...Array.from({ length: 4 }, () => ours.listCampaigns()), ...Array.from({ length: 4 }, () => theirs.listCampaigns())]);
    expect(results.every((r) => r.campaigns.length > 0)).toBe(true);
    const stats = await admin.stats();
    expect(stats.count420).toBeGreaterThan(0);
    await admin.clearFaults();

    // The budget window must end well beyond the client's longest wait, whatever the hour: at 59 minutes.
    const now = Date.parse((await admin.clock()).now);
    await admin.setClock(new Date(Math.ceil(now / 3_600_000) * 3_600_000 + 60_000));
    await admin.setLimits(0.0002); // 5000/h → 1/h
    const engine = makeEngine();
    const summary = await engine.syncNow();
    const kinds = [summary.error?.kind, ...summary.stores.flatMap((s) => s.errors.map((e) => e.kind))];
    expect(kinds).toContain('rate-limited');
  });

  it('never exceeds 2 parallel requests per key across several stores and lanes', async () => {
    await admin.setFaults({ type: 'latency', latencyMs: 5 });
    const engine = makeEngine(makeClient(), { pageLimit: 10 });
    await Promise.all([engine.syncNow(), engine.syncNow()]);
    const stats = await admin.stats();
    expect(stats.maxConcurrentPerKey[sandbox.apiKey] ?? Math.max(...Object.values(stats.maxConcurrentPerKey))).toBeLessThanOrEqual(2);
    expect(stats.count420).toBe(0);
  });

  it('runSyncOnce and listAwaiting print a summary with time left, and the key is in no log line', async () => {
    store.close();
    let printed = '';
    const result = await runSyncOnce({
      dataDir: dir,
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      logger: log.logger,
      out: { write: (t: string) => (printed += t) },
      client: { retry: FAST_RETRY },
    });
    expect(result.ok).toBe(true);
    expect(printed).toMatch(/Synced 4 store\(s\)/);
    expect(printed).toMatch(/Awaiting decision: \d+/);
    expect(printed).toMatch(/\d+h \d+m left/);
    let listed = '';
    const list = listAwaiting({ dataDir: dir, out: { write: (t: string) => (listed += t) } });
    expect(list.rows.length).toBe(result.awaiting.length);
    expect(listed).toMatch(/return \d+ order \d+/);
    expect(log.lines.length).toBeGreaterThan(10);
    for (const line of log.lines) expect(line).not.toContain(sandbox.apiKey);
    expect(printed).not.toContain(sandbox.apiKey);
    store = openStore(storePath(dir));
  });
  it('a return the Market dates ahead of now does not move the slow lane past today: a non-purchase made after it is stored', async () => {
    const engine = makeEngine();
    expect((await engine.syncNow()).error).toBeUndefined();
    // updateDate: "Дата обновления возврата" — one 20 hours ahead of the Market's now (bad data, or its clock ahead of ours).
    const { now } = await admin.clock();
    const ahead = await admin.createReturn({ type: 'RETURN', status: 'STARTED_BY_USER', createdAt: new Date(Date.parse(now) + 20 * 3_600_000).toISOString() });
    await engine.syncNow();
    expect(store.getCursor(ahead.campaignId).watermark).toBeLessThanOrEqual(Date.now());
    // A non-purchase is never awaiting a decision: only the slow lane's listing from the watermark brings it.
    const later = await admin.createReturn({ type: 'UNREDEEMED', campaignId: ahead.campaignId });
    await engine.syncNow();
    expect(store.getReturn(later.id)?.returnType ?? null).toBe('UNREDEEMED');
  });
});
