/**
 * Benchmark: drain 1,000 queued decisions against the sandbox with the real hourly budgets scaled
 * down (sandbox `POST /_sandbox/limits` and the client's scheduler alike). Time is virtual: whenever
 * nothing is in flight and the queue waits for a budget window, the sandbox clock and the app's
 * clock jump together to the next timer, so hours of budget windows pass in seconds.
 * Figures: requests rejected with 420 (goal 0) and submissions per hour against the allowed rate (goal ≥ 90 %).
 *
 *   ./node_modules/.bin/node bench/outbox-drain.ts [--decisions 1000] [--scale 0.02]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MarketClient } from '../main/market/client.ts';
import { KeyScheduler, RESOURCE_LIMITS, type Clock, type MethodLimit } from '../main/market/scheduler.ts';
import { ReturnDTO } from '../main/market/schemas.ts';
import { Outbox } from '../main/outbox/outbox.ts';
import { openStore, storePath } from '../main/store/store.ts';
import { sandboxAdmin, type AdminReturn } from '../sandbox/admin-client.ts';
import { startSandbox } from '../sandbox/index.ts';
import { atLeast, atLeastFloor, figureLine, limit, round, type Figure } from './figures.ts';

export interface BenchOptions {
  decisions?: number;
  /** Multiplier of the hourly budgets (0.02: 100 submissions per hour). */
  scale?: number;
  log?: (line: string) => void;
}

const HOUR = 3_600_000;

/** Wall time plus an offset the bench moves forward; timers fire on the moved time. */
class VirtualClock implements Clock {
  private offset: number;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(offset: number) {
    this.offset = offset;
    this.ticker = setInterval(() => this.fireDue(), 2);
  }

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  nextTimerAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }

  advance(ms: number): void {
    this.offset += Math.max(0, ms);
    this.fireDue();
  }

  close(): void {
    clearInterval(this.ticker);
  }

  private fireDue(): void {
    const now = this.now();
    for (const [id, t] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > now) continue;
      this.timers.delete(id);
      t.fn();
    }
  }
}

export async function runOutboxDrainBench(options: BenchOptions = {}): Promise<{ figures: Figure[]; details: Record<string, number | string> }> {
  const decisions = options.decisions ?? 1000;
  const scale = options.scale ?? 0.02;
  const log = options.log ?? (() => undefined);
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: 10 });
  const admin = sandboxAdmin(sandbox.url);
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-outbox-'));
  const started = Date.now();
  let clock: VirtualClock | undefined;
  try {
    // Start just after a budget window opens, and keep the app's clock ≥ 500 ms behind the sandbox's,
    // so a window the app thinks open is open on the server too.
    const first = Date.parse((await admin.clock()).now);
    await admin.setClock(new Date(Math.ceil(first / HOUR) * HOUR + 2_000));
    const s = Date.parse((await admin.clock()).now);
    clock = new VirtualClock(s - Date.now() - 500);

    log(`creating ${decisions} returns in the sandbox…`);
    const created: AdminReturn[] = [];
    for (let i = 0; i < decisions; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, decisions - i) }, () => admin.createReturn({ type: 'RETURN', items: [{ photos: 0 }] })),
      );
      created.push(...batch);
    }
    const store = openStore(storePath(dir));
    const queueClient = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, clock, scheduler: new KeyScheduler({ clock }) });
    store.upsertCampaigns((await queueClient.listCampaigns()).campaigns, clock.now());
    const byCampaign = new Map<number, ReturnDTO[]>();
    for (const r of created) {
      const dto = ReturnDTO.parse(r);
      byCampaign.set(r.campaignId, [...(byCampaign.get(r.campaignId) ?? []), dto]);
    }
    for (const [campaignId, dtos] of byCampaign) store.upsertReturns(campaignId, dtos, clock.now());

    log('queueing (validated against the available decisions, as the UI does)…');
    const queueing = new Outbox({ store, client: queueClient, clock });
    for (const r of created) {
      const returnItemId = r.items[0]?.decisions?.[0]?.returnItemId;
      if (!returnItemId) throw new Error(`return ${r.id} has no item id`);
      await queueing.submit({ returnId: r.id, items: [{ returnItemId, decisionType: 'REFUND_MONEY' }] }, 'bench');
    }

    // The drain: budgets scaled on both sides; usage counters reset.
    await admin.setLimits(scale);
    const before = await admin.stats();
    const limits: Record<string, MethodLimit> = {};
    for (const [method, limit] of Object.entries(RESOURCE_LIMITS))
      limits[method] = { amount: Math.max(1, Math.floor(limit.amount * scale)), periodMs: limit.periodMs };
    const scheduler = new KeyScheduler({ clock, limits });
    const client = new MarketClient({ apiKey: sandbox.apiKey, baseUrl: sandbox.url, clock, scheduler });
    const outbox = new Outbox({ store, client, clock, concurrency: 2 });
    const allowedPerHour = limits.submitReturnDecision!.amount;
    log(`draining with submitReturnDecision ${allowedPerHour}/h, getReturn ${limits.getReturn!.amount}/h…`);
    const drainStartVirtual = clock.now();
    const drainStartReal = Date.now();
    let lastDeliveredVirtual = drainStartVirtual;
    let delivered = 0;
    outbox.on('changed', (e) => {
      if (e.state === 'delivered') {
        delivered++;
        lastDeliveredVirtual = clock!.now();
      }
    });
    outbox.start();
    let lastStarted = -1;
    let stalls = 0;
    let jumps = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      const status = outbox.status();
      if (status.queued === 0 && status.sending === 0 && outbox.inFlightCount === 0) break;
      const stats = scheduler.stats();
      if (stats.inFlight === 0 && stats.started === lastStarted) stalls++;
      else stalls = 0;
      lastStarted = stats.started;
      if (stalls >= 3) {
        const at = clock.nextTimerAt();
        if (at !== undefined && at > clock.now()) {
          const delta = at - clock.now() + 1;
          await admin.advanceClock(delta);
          clock.advance(delta);
          jumps++;
          stalls = 0;
        }
      }
      if (Date.now() - drainStartReal > 10 * 60_000) throw new Error('the drain did not finish within 10 minutes of wall time');
    }
    await outbox.stop();
    const stats = await admin.stats();
    const received = await admin.received();
    const accepted = received.filter((x) => x.operationId === 'submitReturnDecision' && x.statusCode === 200).length;
    const perReturn = new Map<number, number>();
    for (const x of received) if (x.statusCode === 200 && x.returnId) perReturn.set(x.returnId, (perReturn.get(x.returnId) ?? 0) + 1);
    const duplicates = [...perReturn.values()].filter((n) => n > 1).length;
    const elapsedHours = (lastDeliveredVirtual - drainStartVirtual) / HOUR;
    // The budget is granted per clock-hour window: the rate is counted over every window from the
    // first to the last one with an accepted submission (an idle or half-used window lowers it).
    const windows = received
      .filter((x) => x.operationId === 'submitReturnDecision' && x.statusCode === 200)
      .map((x) => Math.floor(Date.parse(x.sandboxTime) / HOUR));
    const windowSpan = windows.length ? Math.max(...windows) - Math.min(...windows) + 1 : 1;
    const achievedPerHour = accepted / windowSpan;
    store.close();
    const figures: Figure[] = [
      limit('requests rejected with 420', stats.count420, 'requests', 0, 'README: the budget is never overrun'),
      atLeastFloor(
        'submitReturnDecision rate achieved (per budget window)',
        round(achievedPerHour, 1),
        'per hour',
        allowedPerHour,
        0.9,
        'the rate the scaled hourly budget allows',
      ),
      atLeast('decisions delivered', delivered, 'decisions', decisions, 'every queued decision'),
      limit('returns with more than one accepted submission', duplicates, 'returns', 0, 'README: a decision is sent once'),
    ];
    const details = {
      decisions,
      scale,
      allowedPerHour,
      achievedPerHour: Math.round(achievedPerHour * 10) / 10,
      budgetWindows: windowSpan,
      virtualHoursFirstSendToLastDelivery: Math.round(elapsedHours * 1000) / 1000,
      clockJumps: jumps,
      drainRequests: stats.total - before.total,
      submits: (stats.byOperation.submitReturnDecision ?? 0) - (before.byOperation.submitReturnDecision ?? 0),
      getReturn: (stats.byOperation.getReturn ?? 0) - (before.byOperation.getReturn ?? 0),
      drainWallSeconds: Math.round((Date.now() - drainStartReal) / 100) / 10,
      totalWallSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    return { figures, details };
  } finally {
    clock?.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { decisions: { type: 'string' }, scale: { type: 'string' } } });
  const { figures, details } = await runOutboxDrainBench({
    decisions: values.decisions ? Number(values.decisions) : undefined,
    scale: values.scale ? Number(values.scale) : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const f of figures) console.log(figureLine(f));
  console.log(
    Object.entries(details)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  );
  process.exitCode = figures.every((f) => f.met !== false) ? 0 : 1;
}
