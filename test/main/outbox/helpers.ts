// Shared set-up of the outbox tests: a real sandbox over HTTP, the real client, store and outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecisionDraft } from '../../../preload/contract.ts';
import type { Logger } from '../../../main/log.ts';
import { silentLogger } from '../../../main/log.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler, systemClock, type Clock } from '../../../main/market/scheduler.ts';
import { Outbox, type OutboxOptions } from '../../../main/outbox/outbox.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { sandboxAdmin, type AdminReturn, type CreateReturnSpec, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';

export interface Harness {
  sandbox: RunningSandbox;
  admin: SandboxAdmin;
  dir: string;
  dbPath: string;
  store: Store;
  client: MarketClient;
  outbox: Outbox;
  campaigns: { id: number; businessId: number; program: string }[];
  /** A fresh store, client and outbox on the same database file (a restart). */
  reopen(options?: Partial<OutboxOptions>): Promise<void>;
  close(): Promise<void>;
}

/** Quick retries so outages resolve in test time; the shapes of the policies stay the real ones. */
export function testClient(url: string, apiKey: string, clock: Clock = systemClock, logger: Logger = silentLogger): MarketClient {
  return new MarketClient({
    apiKey,
    baseUrl: url,
    logger,
    clock,
    scheduler: new KeyScheduler({ clock, logger }),
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 40, parallelPauseMs: 50, rateLimitAttempts: 4 },
    timeoutMs: 5_000,
  });
}

export const FAST_BACKOFF = { baseMs: 30, maxMs: 200, probeBaseMs: 30, probeMaxMs: 150, authRetryMs: 500, confirmChecks: 3 };

export async function startHarness(options: Partial<OutboxOptions> & { returns?: number } = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: options.returns ?? 12 });
  const admin = sandboxAdmin(sandbox.url);
  const dir = mkdtempSync(join(tmpdir(), 'rd-outbox-'));
  const dbPath = storePath(dir);
  const info = await admin.info();
  const mine = new Set(info.businesses.filter((b) => b.key === 'apiKey').map((b) => b.id));
  const campaigns = info.campaigns.filter((c) => mine.has(c.businessId));
  const make = (extra: Partial<OutboxOptions> = {}): { store: Store; client: MarketClient; outbox: Outbox } => {
    const store = openStore(dbPath);
    const clock = extra.clock ?? options.clock ?? systemClock;
    const client = testClient(sandbox.url, sandbox.apiKey, clock);
    const outbox = new Outbox({ store, client, backoff: FAST_BACKOFF, operator: () => 'Тест Оператор', ...options, ...extra, clock });
    return { store, client, outbox };
  };
  const h: Harness = {
    sandbox,
    admin,
    dir,
    dbPath,
    campaigns,
    ...make(),
    async reopen(extra) {
      await h.outbox.stop();
      h.store.close();
      Object.assign(h, make(extra));
    },
    async close() {
      await h.outbox.stop();
      h.store.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const campaignsNow = await h.client.listCampaigns();
  h.store.upsertCampaigns(campaignsNow.campaigns, Date.now());
  return h;
}

export function campaignOf(h: Pick<Harness, 'campaigns'>, program: 'FBS' | 'FBY' | 'DBS' | 'EXPRESS'): number {
  const c = h.campaigns.find((x) => x.program === program);
  if (!c) throw new Error(`the sandbox has no ${program} campaign for the key`);
  return c.id;
}

/** Reads a return (and its order) through the client into the store, as sync would. */
export async function syncReturn(h: Pick<Harness, 'client' | 'store'>, campaignId: number, orderId: number, returnId: number): Promise<void> {
  const dto = await h.client.getReturn(campaignId, orderId, returnId);
  h.store.upsertReturns(campaignId, [dto], Date.now());
  const businessId = h.store.getCampaign(campaignId)?.businessId;
  if (businessId) {
    const page = await h.client.getBusinessOrders(businessId, { orderIds: [orderId] });
    h.store.upsertOrders(page.orders, Date.now());
  }
}

/** Creates a return awaiting a decision in the sandbox and syncs it into the store. */
export async function newReturn(h: Pick<Harness, 'admin' | 'client' | 'store'>, spec: CreateReturnSpec = {}): Promise<AdminReturn> {
  const r = await h.admin.createReturn({ type: 'RETURN', ...spec });
  await syncReturn(h, r.campaignId, r.orderId, r.id);
  return r;
}

export function itemIds(r: AdminReturn): number[] {
  return r.items.map((i) => i.decisions?.[0]?.returnItemId).filter((x): x is number => typeof x === 'number');
}

/** A refund of every item: valid for every return that awaits a decision. */
export function refundAll(r: AdminReturn): DecisionDraft {
  return { returnId: r.id, items: itemIds(r).map((returnItemId) => ({ returnItemId, decisionType: 'REFUND_MONEY' })) };
}

/** Accepted submissions the sandbox received, per return. */
export async function acceptedByReturn(admin: SandboxAdmin): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const r of await admin.received()) {
    if (r.operationId === 'submitReturnDecision' && r.statusCode === 200 && r.returnId) out.set(r.returnId, (out.get(r.returnId) ?? 0) + 1);
  }
  return out;
}

/** Polls `check` on real time until it holds (or fails the test after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A clock the test moves by hand; timers fire when it passes their time. */
export class ManualClock implements Clock {
  private current: number;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  constructor(start = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    this.current += ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }
}
