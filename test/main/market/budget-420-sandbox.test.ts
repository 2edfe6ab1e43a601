// A method's budget 420 against the sandbox (a real HTTP server); only the app's clock is fake, and the sandbox's
// clock is moved with it. The guide (concepts/limits.md, error-codes.md) on resource limits:
//   "They affect the volume of requests to the same API resource over a long period of time from a single login."
//   "If the limit is exceeded, the server issues a special HTTP code. `420 Enhance Your Calm`"
//   "heading `X-RateLimit-Resource-Until` contains the date until which the restriction applies"
//   "heading `X-RateLimit-Resource-Remaining` contains the numeric value of the amount of requests to this resource
//    remaining before the limit is exceeded."
//   420 "Hit rate limit of 'N' requests per 'period' for resource 'R'": "The time limit is specified in the header.
//    `X-RateLimit-Resource-Until`. The use of the resource will become possible after the specified time."
// So: one 420 of a method per window is all a client that listens earns; every other request of it waits for Until.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetFileMemory } from '../../../main/market/budget-file.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { FakeClock } from './fake-clock.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('a method budget spent (420) against the sandbox', () => {
  let sandbox: RunningSandbox;
  let admin: SandboxAdmin;
  let clock: FakeClock;
  let dir: string;
  let campaigns: number[];
  let windowStart: number;

  /** Moves the Market's clock and the app's together (the sandbox's first, so a timer the app fires finds it there). */
  const advance = async (ms: number): Promise<void> => {
    await admin.advanceClock(ms);
    await clock.advance(ms);
  };
  /** Real time for the requests now out to be answered and their callers to queue again. */
  const settle = async (scheduler: KeyScheduler): Promise<void> => {
    for (let i = 0; i < 500 && scheduler.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(0);
  };
  const getReturns420 = async (): Promise<number> => (await admin.stats()).count420;
  const client = (scheduler: KeyScheduler): MarketClient =>
    new MarketClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      clock,
      scheduler,
      // Waiting out the rest of an hour's window is what these callers want (the poller's default gives up after 5 min).
      retry: { maxRateLimitWaitMs: 2 * HOUR, baseDelayMs: 2, maxDelayMs: 5 },
    });

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 20 });
    admin = sandboxAdmin(sandbox.url);
    const now = Date.parse((await admin.clock()).now);
    // Five minutes into a budget window of the Market's clock (the sandbox's windows start on the hour).
    windowStart = Math.ceil(now / HOUR) * HOUR;
    await admin.setClock(new Date(windowStart + 5 * MINUTE));
    clock = new FakeClock(Date.parse((await admin.clock()).now));
    const info = await admin.info();
    campaigns = info.campaigns.filter((c) => info.businesses.find((b) => b.id === c.businessId)?.key === 'apiKey').map((c) => c.id);
    dir = mkdtempSync(join(tmpdir(), 'rd-budget-'));
  });
  afterEach(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('another client spent the window between polls: of 6 requests sent together one is answered 420, the rest go when the window ends', async () => {
    const scheduler = new KeyScheduler({ clock });
    const market = client(scheduler);
    // Polls that found the budget open.
    await Promise.all(campaigns.slice(0, 2).map((id) => market.listReturns(id)));
    await advance(MINUTE);
    await admin.spendBudgets(['getReturns']);
    const before = await admin.stats();

    const calls = Array.from({ length: 6 }, (_, i) => market.listReturns(campaigns[i % campaigns.length]!));
    await settle(scheduler);
    // Two at once (the parallel limit) were both answered 420 before: the budget was the login's and already spent.
    expect((await getReturns420()) - before.count420).toBe(1);
    expect((await admin.stats()).byOperation.getReturns! - before.byOperation.getReturns!).toBe(1);
    expect(scheduler.stats().queued.poll + scheduler.stats().inFlight).toBeLessThanOrEqual(6);

    // Until says the window's end; nothing of the method is sent before it.
    await advance(windowStart + HOUR - clock.now() - 2_000);
    await settle(scheduler);
    expect((await admin.stats()).byOperation.getReturns! - before.byOperation.getReturns!).toBe(1);
    await advance(3_000);
    await settle(scheduler);
    const pages = await Promise.all(calls);
    expect(pages).toHaveLength(6);
    const after = await admin.stats();
    expect(after.count420 - before.count420).toBe(1);
    expect(after.byOperation.getReturns! - before.byOperation.getReturns!).toBe(7);
  });

  it('its own requests spend the window: Remaining is counted with the requests still in flight, so none is answered 420', async () => {
    // 10 getReturns an hour (5000 × 0.002); the app learns the limit from X-RateLimit-Resource-Limit.
    await admin.setLimits(0.002);
    const scheduler = new KeyScheduler({ clock });
    const market = client(scheduler);
    const before = await admin.stats();
    // Decisions' priority keeps no reserve: every one of the 10 may be spent.
    const calls = Array.from({ length: 14 }, (_, i) => market.listReturns(campaigns[i % campaigns.length]!, {}, undefined, 100, { priority: 'decision' }));
    await settle(scheduler);
    for (let i = 0; i < 20 && (await admin.stats()).byOperation.getReturns! - (before.byOperation.getReturns ?? 0) < 10; i++) await settle(scheduler);
    let stats = await admin.stats();
    expect(stats.byOperation.getReturns! - (before.byOperation.getReturns ?? 0)).toBe(10);
    expect(stats.count420 - before.count420).toBe(0);
    await advance(windowStart + HOUR - clock.now() + 1_000);
    await settle(scheduler);
    await Promise.all(calls);
    stats = await admin.stats();
    expect(stats.byOperation.getReturns! - (before.byOperation.getReturns ?? 0)).toBe(14);
    expect(stats.count420 - before.count420).toBe(0);
  });

  it('a restarted app remembers the spent window: its first poll does not ask again until Until', async () => {
    const file = join(dir, 'market-budgets.json');
    const first = new KeyScheduler({ clock, memory: budgetFileMemory(file, 'login') });
    await admin.spendBudgets(['getReturns']);
    const market1 = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, clock, scheduler: first, retry: { rateLimitAttempts: 1 } });
    // The first 420 of the window — and then the process is killed.
    await expect(market1.listReturns(campaigns[0]!)).rejects.toMatchObject({ kind: 'rate-limited', retryAt: expect.any(Number) });
    const before = await admin.stats();
    expect(before.count420).toBe(1);

    // A new process: a new scheduler over the same file; its poll may not wait that long, so it is told, not sent.
    const restarted = new KeyScheduler({ clock, memory: budgetFileMemory(file, 'login') });
    const market = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, clock, scheduler: restarted });
    await expect(market.listReturns(campaigns[0]!)).rejects.toMatchObject({ kind: 'rate-limited' });
    expect((await admin.stats()).byOperation.getReturns).toBe(before.byOperation.getReturns);
    // Another login's file says nothing for this one.
    expect(budgetFileMemory(file, 'another login').load()).toEqual({});
    await advance(windowStart + HOUR - clock.now() + 1_000);
    await expect(market.listReturns(campaigns[0]!)).resolves.toMatchObject({ returns: expect.any(Array) });
    expect((await admin.stats()).count420).toBe(1);
  });
});
