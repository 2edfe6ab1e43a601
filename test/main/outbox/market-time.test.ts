// The outbox counts the decision deadline, and stamps what it records, on the Market's clock (estimated
// from the Date of its answers), not on this computer's: here the Market runs 20 minutes ahead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DraftRejectedError } from '../../../main/outbox/errors.ts';
import { newReturn, refundAll, startHarness, type Harness } from './helpers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const AHEAD = 20 * MINUTE;

describe('outbox on the Market’s clock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ returns: 2 });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Moves the Market's clock ahead of this computer's and lets the client see it in an answer's Date. */
  const marketRunsAhead = async (): Promise<void> => {
    await h.admin.advanceClock(AHEAD);
    await h.client.listCampaigns();
    expect(Math.abs(h.client.time.offsetMs() - AHEAD)).toBeLessThan(2_000);
  };

  it('refuses a decision once the Market’s deadline has passed, though this computer’s clock is still before it', async () => {
    const { now } = await h.admin.clock();
    // ReturnDTO.creationDate: "Дата создания невыкупа или возврата." The guide (returns.md): the decision is submitted
    // "within 48 hours after creating the application". This return has 10 minutes left by the Market's clock.
    const r = await newReturn(h, { status: 'PREMODERATION_DECISION_WAITING', createdAt: new Date(Date.parse(now) - 48 * HOUR + 10 * MINUTE).toISOString() });
    const deadline = Date.parse(h.store.getReturn(r.id)!.decisionDeadline!);
    await marketRunsAhead();
    // Ten minutes past the deadline on the Market, ten minutes before it here.
    expect(h.client.time.now()).toBeGreaterThan(deadline);
    expect(Date.now()).toBeLessThan(deadline);

    const error = await h.outbox.submit(refundAll(r)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftRejectedError);
    expect((error as DraftRejectedError).issues).toEqual([expect.objectContaining({ field: 'return', rule: 'return.deadlinePassed' })]);
    expect(h.outbox.list({ returnId: r.id })).toEqual([]);
  });

  it('records when a decision was queued, and each step of its audit, in the Market’s time', async () => {
    const r = await newReturn(h);
    await marketRunsAhead();
    const entry = await h.outbox.submit(refundAll(r));
    const market = Date.now() + AHEAD;
    expect(Math.abs(Date.parse(entry.createdAt) - market)).toBeLessThan(5_000);
    expect(Math.abs(h.outbox.pending()[0]!.queuedAt - market)).toBeLessThan(5_000);
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    const steps = h.outbox.audit(r.id);
    expect(steps.map((s) => s.action)).toEqual(['queued', 'sending', 'accepted', 'delivered']);
    for (const step of steps) expect(Math.abs(Date.parse(step.at) - (Date.now() + AHEAD))).toBeLessThan(10_000);
  });
});
