// The scripted week of POST /_sandbox/soak: arrivals on the sandbox clock, a daytime peak, fault windows
// that open and close with the clock, the accelerated clock, and the counts GET /_sandbox/soak reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';

const HOUR = 3_600_000;
let sb: RunningSandbox;
const post = async (path: string, body: unknown): Promise<Response> =>
  fetch(`${sb.url}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const report = async (): Promise<{ arrivals: Array<{ at: string; returnId: number | null }>; faults: Array<{ type: string; state: string }> }> =>
  (await fetch(`${sb.url}/_sandbox/soak`)).json() as never;

beforeEach(async () => {
  sb = await startSandbox({ port: 0, quiet: true, seed: 3, returns: 5, startTime: new Date('2026-07-06T00:00:00+03:00') });
});
afterEach(async () => sb.close());

describe('soak script', () => {
  it('plays arrivals as the clock reaches them, more by day than by night', async () => {
    const admin = sandboxAdmin(sb.url);
    expect((await post('/soak', { seed: 5, days: 1, perDay: 400 })).status).toBe(201);
    await admin.advanceClock(6 * HOUR);
    const night = (await report()).arrivals.length;
    await admin.advanceClock(6 * HOUR);
    const morning = (await report()).arrivals.length - night;
    expect(morning).toBeGreaterThan(2 * night);
    const first = (await report()).arrivals[0]!;
    const created = await admin.getReturn(first.returnId!);
    // The return exists at the Market, created when the script said: its 48-hour deadline counts from then.
    expect(Date.parse(created.decisionDeadline) - 48 * HOUR).toBe(Date.parse(first.at));
    expect(created.refundStatus ?? created.shipmentStatus).toBeTruthy();
  });

  it('opens a fault window with the clock and closes it after', async () => {
    const admin = sandboxAdmin(sb.url);
    const now = Date.parse((await admin.clock()).now);
    await post('/soak', { days: 1, perDay: 0, faults: [{ type: 'error5xx', status: 503, from: now + HOUR, to: now + 2 * HOUR }] });
    const campaigns = `${sb.url}/v2/campaigns`;
    const ask = async (): Promise<number> => (await fetch(campaigns, { headers: { 'Api-Key': sb.apiKey } })).status;
    expect(await ask()).toBe(200);
    await admin.advanceClock(HOUR + 1_000);
    expect(await ask()).toBe(503);
    expect((await report()).faults[0]!.state).toBe('on');
    await admin.advanceClock(HOUR);
    expect(await ask()).toBe(200);
    expect((await report()).faults[0]!.state).toBe('over');
  });

  it('refuses a fault window that ends before it starts, naming the field', async () => {
    const res = await post('/soak', { faults: [{ type: 'drop', from: 10, to: 5 }] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('faults[0].to');
  });

  it('runs the clock faster from a rate on, without a jump', async () => {
    const answer = (await (await post('/clock', { rate: 1000 })).json()) as { nowMs: number; realTime: number; rate: number };
    expect(answer.rate).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = Date.parse((await sandboxAdmin(sb.url).clock()).now);
    const expected = answer.nowMs + (Date.now() - answer.realTime) * 1000;
    expect(Math.abs(later - expected)).toBeLessThan(30_000);
    expect(later - answer.nowMs).toBeGreaterThan(50_000);
    expect((await post('/clock', { rate: 0 })).status).toBe(400);
  });
});
