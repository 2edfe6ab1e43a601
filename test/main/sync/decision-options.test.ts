import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAVE_REFERENCE, OPENAPI_DIR } from '../../helpers/spec-quotes.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler, RESOURCE_LIMITS } from '../../../main/market/scheduler.ts';
import { Outbox } from '../../../main/outbox/outbox.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';

const FAST_RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20, parallelPauseMs: 50 };
const METHOD = 'getReturnAvailableDecisions';
const specFile = join(OPENAPI_DIR, 'paths', 'v1_businesses_businessId_returns_decisions.yaml');

describe('sync keeps the available decisions of every return that awaits a decision', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 200, seed: 11 });
    admin = sandboxAdmin(sandbox.url);
    dir = mkdtempSync(join(tmpdir(), 'rd-options-'));
    store = openStore(storePath(dir));
  });
  afterEach(async () => {
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const engineWith = (scheduler = new KeyScheduler()) =>
    new SyncEngine({ client: new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler, retry: FAST_RETRY }), store });
  const asked = async (): Promise<number> => (await admin.stats()).byOperation[METHOD] ?? 0;

  it.skipIf(!HAVE_REFERENCE)(
    HAVE_REFERENCE ? 'the budget it paces against is the one the spec gives the method' : `SKIPPED — the reference is not at ${OPENAPI_DIR}`,
    () => {
      // x-resource-limit-config of getReturnAvailableDecisions ("Получение возможных решений по возврату"): none: amount 5000, period hours, period-duration 1.
      const spec = parse(readFileSync(specFile, 'utf8')) as {
        post: { operationId: string; summary: string; 'x-resource-limit-config': { none: { amount: number; period: string; 'period-duration': number } } };
      };
      expect(spec.post.operationId).toBe(METHOD);
      expect(spec.post.summary).toBe('Получение возможных решений по возврату');
      const none = spec.post['x-resource-limit-config'].none;
      expect({ amount: none.amount, period: none.period, duration: none['period-duration'] }).toEqual({ amount: 5000, period: 'hours', duration: 1 });
      expect(RESOURCE_LIMITS[METHOD]).toEqual({ amount: 5000, periodMs: 3_600_000 });
    },
  );

  it('fetches them for every awaiting return once, again only for a return that changed, and forgets them when it is decided', async () => {
    const engine = engineWith();
    const first = await engine.syncNow();
    expect(first.error).toBeUndefined();
    const awaiting = store.awaitingDecision(Date.now());
    expect(awaiting.length).toBeGreaterThan(5);
    expect(store.decisionOptionsCoverage()).toEqual({ awaiting: awaiting.length, kept: awaiting.length });
    expect(first.stores.reduce((n, s) => n + s.optionsKept, 0)).toBe(awaiting.length);
    expect(await asked()).toBe(awaiting.length);

    // Nothing changed: nothing is asked again.
    await engine.syncNow();
    expect(await asked()).toBe(awaiting.length);

    // One awaiting return changes at the Market (its shipment status moves): only it is asked again.
    const moved = awaiting[0]!;
    await admin.setReturnStatus(moved.id, moved.refundStatus!, { shipmentStatus: 'IN_TRANSIT', force: true });
    await engine.syncNow();
    expect(await asked()).toBe(awaiting.length + 1);
    expect(store.decisionOptions(moved.id)?.current).toBe(true);

    // Decided elsewhere: it no longer awaits, and what was kept for it is dropped.
    const decided = awaiting[1]!;
    const dto = await admin.getReturn(decided.id);
    const submit = await fetch(`${sandbox.url}/v2/campaigns/${decided.campaignId}/orders/${decided.orderId}/returns/${decided.id}/decision/submit`, {
      method: 'POST',
      headers: { 'Api-Key': sandbox.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ returnItemDecisions: dto.items.map((i) => ({ returnItemId: i.decisions![0]!.returnItemId, decisionType: 'REFUND_MONEY' })) }),
    });
    expect(submit.status).toBe(200);
    await engine.syncNow();
    expect(store.getReturn(decided.id)?.awaitingDecision).toBe(false);
    expect(store.decisionOptions(decided.id)).toBeUndefined();
  });

  it('stays within the method budget, leaving the share kept for decisions, and fetches the rest in the next window', { timeout: 120_000 }, async () => {
    await sandbox.close();
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 1200, seed: 11 });
    admin = sandboxAdmin(sandbox.url);
    // Every budget at 1%: 50 an hour for getReturnAvailableDecisions, enough of the others for one sync.
    await admin.setLimits(0.01);
    const summary = await engineWith().syncNow();
    expect(
      summary.stores.every((s) => s.errors.length === 0),
      JSON.stringify(summary.stores.map((s) => s.errors)),
    ).toBe(true);
    const awaiting = store.awaitingDecision(Date.now()).length;
    const kept = store.decisionOptionsCoverage().kept;
    expect(awaiting).toBeGreaterThan(50);
    // 50 an hour, of which 10% stays for decisions and the operator; never a 420 for it.
    expect(await asked()).toBe(kept);
    expect(kept).toBeGreaterThanOrEqual(40);
    expect(kept).toBeLessThanOrEqual(45);
    expect((await admin.stats()).count420).toBe(0);
    expect(summary.stores.reduce((n, s) => n + s.optionsDeferred, 0)).toBe(awaiting - kept);

    // A new window (the sandbox's usage reset): the next sync fetches more, again within the budget.
    await admin.setLimits(0.01);
    await engineWith().syncNow();
    const more = store.decisionOptionsCoverage().kept;
    expect(more).toBeGreaterThanOrEqual(Math.min(awaiting, kept + 40));
    expect((await admin.stats()).count420).toBe(0);
  });

  it('lets a return that was never opened be decided while the Market is unreachable, checked against what sync kept', { timeout: 60_000 }, async () => {
    await engineWith().syncNow();
    const target = store.awaitingDecision(Date.now()).find((r) => store.returnDetail(r.id)?.items.length === 1)!;
    expect(target).toBeDefined();
    const itemId = store.returnDetail(target.id)!.items[0]!.returnItemId!;
    await admin.setFaults({ type: 'drop' });
    const before = await asked();
    const outbox = new Outbox({
      store,
      client: new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler(), retry: FAST_RETRY }),
    });
    const refused = await outbox.validate({ returnId: target.id, items: [{ returnItemId: itemId, decisionType: 'DECLINE_REFUND' }] });
    expect(refused.map((i) => i.rule).sort()).toEqual(['comment.required', 'reasonType.required']);
    const { entry, checkedAgainst } = await outbox.submitChecked({ returnId: target.id, items: [{ returnItemId: itemId, decisionType: 'REFUND_MONEY' }] });
    expect(entry.state).toBe('queued');
    expect(checkedAgainst.source).toBe('cache');
    expect(await asked()).toBe(before);

    // The decision form of another return, once a request has reached nobody: the kept answer at once, no request and no retries.
    const client = new MarketClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      scheduler: new KeyScheduler(),
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 },
    });
    const form = new Outbox({ store, client });
    const other = store.awaitingDecision(Date.now()).find((r) => r.id !== target.id)!;
    expect((await form.available(other.id)).source).toBe('cache'); // tries the Market first: three attempts
    expect(client.requestsMade).toBe(3);
    expect(client.reachability.online).toBe(false);
    expect(await form.available(other.id)).toMatchObject({ source: 'cache', returnId: other.id });
    expect(client.requestsMade).toBe(3);
  });
});
