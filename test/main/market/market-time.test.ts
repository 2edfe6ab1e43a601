import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketClient } from '../../../main/market/client.ts';
import { LARGE_SKEW_MS, MarketTime, type MarketTimeInfo } from '../../../main/market/market-time.ts';
import { Reachability, type ReachabilityState } from '../../../main/market/reachability.ts';
import { KeyScheduler, type Clock } from '../../../main/market/scheduler.ts';
import { sandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const httpDate = (ms: number): string => new Date(ms).toUTCString();

describe('MarketTime: the offset from Date headers (fake clock)', () => {
  it('is 0 before any answer, and the midpoint of what the answers allow after', () => {
    const local = {
      t: T0,
      now() {
        return this.t;
      },
    };
    const time = new MarketTime({ clock: local });
    expect(time.info()).toEqual({ offsetMs: 0, uncertaintyMs: 0, samples: 0, measuredAt: null });
    expect(time.now()).toBe(T0);
    // The Market is 2 h ahead; the answer took 200 ms; its Date has whole seconds.
    const market = T0 + 2 * 3_600_000;
    time.observe(T0, T0 + 200, httpDate(market + 400));
    const info = time.info();
    // offset ∈ [date − receivedAt, date + 999 − sentAt] = [2h − 200, 2h + 999]
    expect(info.offsetMs).toBe(2 * 3_600_000 + 400);
    expect(info.uncertaintyMs).toBe(600);
    expect(Math.abs(time.now() - (local.t + 2 * 3_600_000))).toBeLessThanOrEqual(info.uncertaintyMs);
    // A Market time on our clock is never earlier than it can be: the Market is at least 2 h − 200 ms ahead.
    expect(time.toLocal(market)).toBe(market - (2 * 3_600_000 - 200));
  });

  it('narrows with more answers, within a second of the truth', () => {
    const local = {
      t: T0,
      now() {
        return this.t;
      },
    };
    const time = new MarketTime({ clock: local });
    const skew = -37 * 60_000 - 421; // the workstation runs 37 min ahead of the Market
    for (let i = 0; i < 20; i++) {
      const sent = T0 + i * 7_777;
      const rtt = 40 + ((i * 37) % 90);
      const serverAt = sent + rtt / 2 + skew;
      time.observe(sent, sent + rtt, httpDate(Math.floor(serverAt / 1000) * 1000));
    }
    expect(Math.abs(time.offsetMs() - skew)).toBeLessThan(200);
    expect(time.info().uncertaintyMs).toBeLessThan(200);
    expect(time.info().samples).toBe(20);
  });

  it('follows a clock that was set: answers that contradict the older ones replace them', () => {
    const time = new MarketTime({ clock: { now: () => T0 } });
    const changes: MarketTimeInfo[] = [];
    time.on('change', (info) => changes.push(info));
    for (let i = 0; i < 5; i++) time.observe(T0 + i * 1000, T0 + i * 1000 + 50, httpDate(T0 + i * 1000));
    expect(Math.abs(time.offsetMs())).toBeLessThan(1000);
    expect(Math.abs(time.offsetMs()) > LARGE_SKEW_MS).toBe(false);
    // Our clock was set back an hour: the Market now reads an hour ahead of it.
    const later = T0 + 10_000 - 3_600_000;
    time.observe(later, later + 50, httpDate(T0 + 10_000));
    expect(Math.abs(time.offsetMs() - 3_600_000)).toBeLessThan(1000);
    expect(time.info().samples).toBe(1);
    expect(changes.at(-1)?.offsetMs).toBe(time.offsetMs());
  });

  it('takes clocks the answers cannot tell apart as equal: no correction from the header’s whole seconds', () => {
    const time = new MarketTime({ clock: { now: () => T0 } });
    // Sent at .900, answered at .950, the server wrote the second .000: anything from −950 ms to +99 ms fits.
    time.observe(T0 + 900, T0 + 950, httpDate(T0));
    expect(time.info()).toMatchObject({ offsetMs: 0, samples: 1 });
    // …but a limit's Until is waited out to the latest our clock can reach it: the Market may be 950 ms behind us.
    expect(time.toLocal(T0 + 5_000)).toBe(T0 + 5_000 + 950);
    expect(time.now()).toBe(T0);
  });

  it('ignores answers without a readable Date header and impossible timings', () => {
    const time = new MarketTime({ clock: { now: () => T0 } });
    time.observe(T0, T0 + 10, undefined);
    time.observe(T0, T0 + 10, 'yesterday');
    time.observe(T0 + 10, T0, httpDate(T0 + 5_000_000));
    expect(time.info().measuredAt).toBeNull();
    expect(time.offsetMs()).toBe(0);
  });
});

describe('the client against the real sandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true, returns: 20 });
  });
  afterAll(() => sandbox.close());

  /** The workstation's clock, `skewMs` off the real one; timers run on real time. */
  function skewedClock(skewMs: number): Clock {
    return {
      now: () => Date.now() + skewMs,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  }

  it('measures how far the workstation clock is off the Market’s from its answers', async () => {
    // The workstation's clock runs 2 h 10 min behind: "2 h" left on it means the Market already confirmed the return.
    const skew = -(2 * 3_600_000 + 10 * 60_000);
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler: new KeyScheduler(), clock: skewedClock(skew) });
    await client.listCampaigns();
    await client.listCampaigns();
    const { offsetMs, uncertaintyMs } = client.time.info();
    expect(Math.abs(offsetMs + skew)).toBeLessThan(1_500);
    expect(uncertaintyMs).toBeLessThan(1_000);
    const { now } = await sandboxAdmin(sandbox.url).clock();
    expect(Math.abs(client.time.now() - Date.parse(now))).toBeLessThan(1_500);
  });

  it('reads the rate-limit Until on the Market clock and waits for it on the workstation’s', async () => {
    const skew = 3 * 3_600_000; // the workstation runs 3 h ahead
    const scheduler = new KeyScheduler();
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, scheduler, clock: skewedClock(skew) });
    await client.listCampaigns();
    const budget = scheduler.stats().budgets.getCampaigns!;
    const { now } = await sandboxAdmin(sandbox.url).clock();
    // The hourly window ends within the Market's next hour, which on our clock is 3 h later.
    const marketUntil = client.time.now() + (budget.resetAt - (Date.now() + skew));
    expect(marketUntil - Date.parse(now)).toBeGreaterThan(0);
    expect(marketUntil - Date.parse(now)).toBeLessThanOrEqual(3_600_000 + 2_000);
    expect(budget.resetAt - (Date.now() + skew)).toBeLessThanOrEqual(3_600_000 + 2_000);
  });

  it('is online again at the first successful request after the Market was unreachable, and says why it was not', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const reachability = new Reachability();
    const seen: ReachabilityState[] = [];
    reachability.on('change', (s) => seen.push({ ...s }));
    const client = new MarketClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      scheduler: new KeyScheduler(),
      reachability,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
    });
    try {
      await admin.setFaults({ type: 'drop', path: '/campaigns$' });
      await expect(client.listCampaigns()).rejects.toMatchObject({ kind: 'network' });
      expect(reachability.state()).toMatchObject({ online: false, problem: 'unreachable' });
      await admin.clearFaults();
      await admin.setFaults({ type: 'error5xx', path: '/campaigns$', count: 1 });
      await expect(client.listCampaigns()).rejects.toMatchObject({ kind: 'server' });
      // A 5xx is an answer: the Market is reachable, with a problem.
      expect(reachability.state()).toMatchObject({ online: true, problem: 'server-error' });
      await admin.setFaults({ type: 'malformed', path: '/campaigns$', count: 1 });
      await expect(client.listCampaigns()).rejects.toMatchObject({ kind: 'malformed' });
      expect(reachability.state().problem).toBe('garbage');
      await client.listCampaigns();
      expect(reachability.state()).toMatchObject({ online: true, problem: null });
      expect(seen.map((s) => [s.online, s.problem])).toEqual([
        [false, 'unreachable'],
        [true, 'server-error'],
        [true, null],
        [true, 'garbage'],
        [true, null],
      ]);
    } finally {
      await admin.clearFaults();
    }
  });
});
