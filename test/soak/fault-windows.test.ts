// Seed 1 of the week (7 days at 1500×) lost decisions to fault windows that never closed: the sandbox played its
// script only when a request got past the drop and 401 checks, so once a drop window or the 401 storm was on, every
// request of the app was refused until the soak happened to call an admin endpoint (the next SIGKILL, hours later).
// Decisions queued in seed 1's drop windows waited past their deadlines and the Market confirmed the returns.
// Here seed 1's own windows run on the accelerated clock with nothing but the app's requests to move them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { faultSchedule, soakRng } from '../../bench/soak.ts';
import { Outbox } from '../../main/outbox/outbox.ts';
import { openStore, storePath, type Store } from '../../main/store/store.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { ScheduledFault } from '../../sandbox/soak-script.ts';
import { FAST_BACKOFF, acceptedByReturn, newReturn, refundAll, testClient, waitFor } from '../main/outbox/helpers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The soak's sandbox starts here (bench/soak.ts), so seed 1's schedule is the week's own. */
const START = new Date('2026-07-06T06:00:00+03:00');
/** Sandbox ms per real ms once the window runs: an hour of the Market's in 0.6 s. */
const RATE = 6_000;

const week = faultSchedule(soakRng(1), START.getTime(), 7);
const windowOf = (type: ScheduledFault['type'], day: string): ScheduledFault => {
  const found = week.find((f) => f.type === type && new Date(f.from).toISOString().startsWith(day));
  if (!found) throw new Error(`seed 1 has no ${type} window on ${day}: the schedule changed, pick the window again`);
  return found;
};
// The drop window of the day the quiet-machine week lost its five decisions, and the week's one 401 storm.
const DROP = windowOf('drop', '2026-07-12');
const STORM = windowOf('unauthorized', '2026-07-08');

let sandbox: RunningSandbox | undefined;
let store: Store | undefined;
let outbox: Outbox | undefined;
let dir: string | undefined;

afterEach(async () => {
  await outbox?.stop();
  store?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sandbox = store = outbox = dir = undefined;
});

async function scriptedSandbox(faults: ScheduledFault[]): Promise<{ url: string; apiKey: string; admin: ReturnType<typeof sandboxAdmin> }> {
  sandbox = await startSandbox({ port: 0, quiet: true, seed: 1, returns: 5, startTime: START });
  const admin = sandboxAdmin(sandbox.url);
  const scripted = await fetch(`${sandbox.url}/_sandbox/soak`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seed: 1, days: 7, perDay: 0, faults }),
  });
  expect(scripted.status).toBe(201);
  return { url: sandbox.url, apiKey: sandbox.apiKey, admin };
}

/** Runs the sandbox clock at RATE from now on. */
async function runClock(url: string): Promise<void> {
  const answer = (await (
    await fetch(`${url}/_sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: RATE }) })
  ).json()) as {
    rate: number;
  };
  expect(answer.rate).toBe(RATE);
}

/** One Market request as the app makes it: the HTTP status and the Market's time of the answer, or status 0 when the connection died unanswered. */
async function marketAnswer(url: string, apiKey: string): Promise<{ status: number; at: number | null }> {
  try {
    const res = await fetch(`${url}/v2/campaigns`, { headers: { 'Api-Key': apiKey } });
    await res.arrayBuffer();
    return { status: res.status, at: Date.parse(res.headers.get('date') ?? '') };
  } catch {
    return { status: 0, at: null };
  }
}

describe("seed 1's fault windows close on the Market's clock", () => {
  for (const [name, window, refused] of [
    ['the drop window of 12 July (connections die)', DROP, 0],
    ['the 401 storm of 8 July', STORM, 401],
  ] as const) {
    it(`${name} ends at its end though every request inside it was refused`, async () => {
      const { url, apiKey, admin } = await scriptedSandbox([window]);
      await admin.setClock(new Date(window.from + MINUTE));
      expect((await marketAnswer(url, apiKey)).status).toBe(refused);
      await runClock(url);
      // Only the app's own kind of request from here on: no admin call may close the window for it.
      const answers: Array<{ status: number; at: number | null }> = [];
      const giveUp = Date.now() + 15_000;
      while (answers.at(-1)?.status !== 200 && Date.now() < giveUp) {
        answers.push(await marketAnswer(url, apiKey));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const answered = answers.find((a) => a.status === 200);
      expect(answered, `no answer after the window (${answers.length} requests, last ${JSON.stringify(answers.at(-1))})`).toBeDefined();
      // Refused while it lasted (the first requests ran inside it), answered once it ended, not before (Date: whole seconds).
      expect(answers[0]!.status).toBe(refused);
      expect(answered!.at!).toBeGreaterThanOrEqual(window.to - 1_000);
    });
  }
});

describe('a decision queued in seed 1’s drop window of 12 July', () => {
  it('is delivered once, by the app’s own probe, after the window ends and before the deadline', async () => {
    const { url, apiKey, admin } = await scriptedSandbox([DROP]);
    dir = mkdtempSync(join(tmpdir(), 'rd-soak-window-'));
    store = openStore(storePath(dir));
    const client = testClient(url, apiKey);
    store.upsertCampaigns((await client.listCampaigns()).campaigns, Date.now());
    // Created two hours before the window, as the week's returns that waited for the operator's decision.
    await admin.setClock(new Date(DROP.from - 2 * HOUR));
    const r = await newReturn({ admin, client, store }, { campaignId: store.listCampaigns().find((c) => c.placementType === 'FBS')?.id });
    outbox = new Outbox({ store, client, backoff: FAST_BACKOFF, operator: () => 'Soak operator' });
    outbox.start();
    // What the Market allows, kept before the window as sync keeps it: the operator decides offline.
    expect((await outbox.available(r.id)).source).toBe('market');
    await admin.setClock(new Date(DROP.from + 5 * MINUTE));
    const queued = await outbox.submit(refundAll(r));
    await waitFor(() => !outbox!.status().online, 10_000, 'the outbox to see the Market unreachable');
    await runClock(url);
    await waitFor(() => outbox!.get(queued.id)?.state === 'delivered', 20_000, 'the decision delivered after the window');
    const accepted = (await admin.received()).filter((x) => x.operationId === 'submitReturnDecision' && x.statusCode === 200 && x.returnId === r.id);
    expect(accepted).toHaveLength(1);
    expect((await acceptedByReturn(admin)).get(r.id)).toBe(1);
    // Received after the window ended, and before the Market's own confirmation at the deadline.
    const receivedAt = Date.parse(accepted[0]!.sandboxTime);
    expect(receivedAt).toBeGreaterThanOrEqual(DROP.to - 1_000);
    expect(receivedAt).toBeLessThan(Date.parse(r.decisionDeadline));
  }, 60_000);
});
