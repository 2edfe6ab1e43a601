import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntry, AvailableDecisions, OutboxEntry } from '../../../preload/contract.ts';
import { DEFAULT_BACKOFF } from '../../../main/outbox/backoff.ts';
import { DraftRejectedError, OutboxRefusedError, ReturnNotKnownError } from '../../../main/outbox/errors.ts';
import type { OutboxStatus } from '../../../main/outbox/outbox.ts';
import {
  acceptedByReturn,
  campaignOf,
  FAST_BACKOFF,
  itemIds,
  ManualClock,
  newReturn,
  refundAll,
  startHarness,
  syncReturn,
  testClient,
  waitFor,
  type Harness,
} from './helpers.ts';

const SUBMIT_PATH = 'decision/submit$';

describe('outbox against the sandbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const rowCount = (): number => Number((h.store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
  const stateOf = (id: number): string | undefined => h.outbox.get(id)?.state;

  it('commits a decision before submit() returns, sends it once at decision priority and confirms it by re-reading', async () => {
    const r = await newReturn(h);
    const changed: OutboxEntry[] = [];
    h.outbox.on('changed', (e) => changed.push(e));
    const entry = await h.outbox.submit(refundAll(r), 'Ирина Петрова');
    expect(OutboxEntry.parse(entry)).toEqual(entry);
    expect(entry).toMatchObject({ state: 'queued', returnId: r.id, orderId: r.orderId, campaignId: r.campaignId, operator: 'Ирина Петрова', attempts: 0 });
    // Another connection (another process) sees the committed row at once.
    const other = new DatabaseSync(h.dbPath, { readOnly: true });
    expect(other.prepare('SELECT state FROM outbox WHERE id = ?').get(entry.id)).toEqual({ state: 'queued' });
    other.close();

    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    const done = h.outbox.get(entry.id)!;
    expect(done.state).toBe('delivered');
    expect(done.explanation).toMatch(/accepted the decision and the return shows it/);
    expect(changed.map((e) => e.state)).toEqual(['queued', 'sending', 'sending', 'delivered']);
    for (const e of changed) OutboxEntry.parse(e);

    const received = (await h.admin.received()).filter((x) => x.returnId === r.id);
    expect(received.map((x) => [x.operationId, x.statusCode])).toEqual([['submitReturnDecision', 200]]);
    expect(received[0]!.path).toBe(`/v2/campaigns/${r.campaignId}/orders/${r.orderId}/returns/${r.id}/decision/submit`);
    expect(received[0]!.requestBody).toEqual({ returnItemDecisions: [{ returnItemId: itemIds(r)[0], decisionType: 'REFUND_MONEY' }] });
    expect((await h.admin.stats()).byOperation.setReturnDecision ?? 0).toBe(0);
    // The store follows: the return no longer awaits a decision.
    expect(h.store.getReturn(r.id)?.awaitingDecision).toBe(false);

    const audit = h.outbox.audit(r.id);
    for (const a of audit) AuditEntry.parse(a);
    expect(audit.map((a) => [a.action, a.state])).toEqual([
      ['queued', 'queued'],
      ['sending', 'sending'],
      ['accepted', 'sending'],
      ['delivered', 'delivered'],
    ]);
    expect(audit.every((a) => a.operator === 'Ирина Петрова' && a.orderId === r.orderId && a.campaignId === r.campaignId && a.outboxId === entry.id)).toBe(
      true,
    );
    expect(audit[0]!.payload).toContain('REFUND_MONEY');
    expect(audit[2]!.serverAnswer).toBe('OK');
    expect(audit[3]!.serverAnswer).toContain('PREMODERATION_DECISION_MADE');
    // A second decision for a delivered return is refused before queueing.
    await expect(h.outbox.submit(refundAll(r))).rejects.toMatchObject({ issues: [expect.objectContaining({ rule: 'return.notAwaiting' })] });
  });

  it('uses every item of a multi-item return and the operator defaults when none is given', async () => {
    const r = await newReturn(h, { items: [{ price: 1000 }, { price: 3000, count: 2 }] });
    const [a, b] = itemIds(r) as [number, number];
    const available = await h.outbox.available(r.id);
    expect(AvailableDecisions.parse(available)).toEqual(available);
    expect(available.source).toBe('market');
    // Each item carries its position's amount, all its units ("суммарное значение", ItemPriceDTO): 2 × 3000 = 6000.
    expect(available.items.map((i) => [i.returnItemId, i.count, i.position?.total?.value])).toEqual([
      [a, 1, 1000],
      [b, 2, 6000],
    ]);
    const bounds = available.decisions.find((d) => d.decisionType === 'PARTIAL_MONEY_REFUND')!.compensationBounds!;
    const draft = {
      returnId: r.id,
      items: [
        { returnItemId: a, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'Царапины, "не заводской" брак, см. фото' },
        { returnItemId: b, decisionType: 'PARTIAL_MONEY_REFUND', compensation: Math.min(bounds.max.value, 100) },
      ],
    };
    const entry = await h.outbox.submit(draft);
    expect(entry.operator).toBe('Тест Оператор');
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(stateOf(entry.id)).toBe('delivered');
    const sent = (await h.admin.received()).find((x) => x.returnId === r.id)!;
    expect(sent.requestBody).toEqual({
      returnItemDecisions: [
        { returnItemId: a, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'Царапины, "не заводской" брак, см. фото' },
        { returnItemId: b, decisionType: 'PARTIAL_MONEY_REFUND', compensation: { value: Math.min(bounds.max.value, 100), currencyId: 'RUR' } },
      ],
    });
  });

  it('refuses a draft that breaks a rule with the field and the reason, and queues nothing', async () => {
    const r = await newReturn(h, { items: [{}, {}] });
    const [a] = itemIds(r) as [number, number];
    const bad = { returnId: r.id, items: [{ returnItemId: a, decisionType: 'DECLINE_REFUND' }] };
    const error = await h.outbox.submit(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftRejectedError);
    const issues = (error as DraftRejectedError).issues;
    expect(issues.map((i) => i.rule).sort()).toEqual(['comment.required', 'items.missing', 'reasonType.required']);
    expect((error as DraftRejectedError).bridgeCode).toBe('INVALID_ARGUMENTS');
    expect(await h.outbox.validate(bad)).toEqual(issues);
    expect(await h.outbox.validate(refundAll(r))).toEqual([]);
    // Malformed input names the field too.
    const malformed = await h.outbox
      .submit({ returnId: r.id, items: [{ returnItemId: a, decisionType: 'REFUND_MONEY', compensation: -1 }] })
      .catch((e: unknown) => e);
    expect((malformed as DraftRejectedError).issues[0]).toMatchObject({ returnItemId: a, field: 'compensation', rule: 'compensation.notPositive' });
    expect(rowCount()).toBe(0);
    expect(h.outbox.audit()).toEqual([]);
    expect((await h.admin.received()).length).toBe(0);
  });

  it('refuses before queueing a return the store knows is no longer awaiting a decision, unknown, or already queued', async () => {
    const r = await newReturn(h);
    await h.admin.setReturnStatus(r.id, 'PREMODERATION_DECISION_MADE', { force: true });
    await syncReturn(h, r.campaignId, r.orderId, r.id);
    const error = (await h.outbox.submit(refundAll(r)).catch((e: unknown) => e)) as DraftRejectedError;
    expect(error.issues).toEqual([
      expect.objectContaining({ field: 'return', rule: 'return.notAwaiting', params: { returnId: r.id, status: 'PREMODERATION_DECISION_MADE' } }),
    ]);
    expect(error.bridgeCode).toBe('CONFLICT');
    await expect(h.outbox.submit({ returnId: 999_999_999, items: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] })).rejects.toMatchObject({
      issues: [expect.objectContaining({ rule: 'return.unknown' })],
    });
    await expect(h.outbox.available(999_999_999)).rejects.toBeInstanceOf(ReturnNotKnownError);

    const other = await newReturn(h);
    const first = await h.outbox.submit(refundAll(other));
    const twice = (await h.outbox.submit(refundAll(other)).catch((e: unknown) => e)) as DraftRejectedError;
    expect(twice.issues[0]).toMatchObject({ rule: 'return.alreadyQueued', params: { outboxId: first.id, state: 'queued' } });
    expect(rowCount()).toBe(1);
  });

  it('edits and cancels while queued, refuses both once sending has begun, and audits each step', async () => {
    const r1 = await newReturn(h);
    const r2 = await newReturn(h);
    const r3 = await newReturn(h);
    const e1 = await h.outbox.submit(refundAll(r1), 'Анна');
    const e2 = await h.outbox.submit(refundAll(r2), 'Анна');
    const [item1] = itemIds(r1) as [number];
    const edited = await h.outbox.edit(
      e1.id,
      { returnId: r1.id, items: [{ returnItemId: item1, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'Скол' }] },
      'Борис',
    );
    expect(edited).toMatchObject({ id: e1.id, state: 'queued', draft: { items: [{ decisionType: 'DECLINE_REFUND' }] } });
    // A bad edit is refused with the issues and leaves the queued decision as it was.
    const badEdit = await h.outbox.edit(e1.id, { returnId: r1.id, items: [{ returnItemId: item1, decisionType: 'REPAIR' }] }).catch((e: unknown) => e);
    expect(badEdit).toBeInstanceOf(DraftRejectedError);
    await expect(h.outbox.edit(e1.id, refundAll(r2))).rejects.toMatchObject({ reason: 'return-mismatch' });
    expect(h.outbox.get(e1.id)!.draft.items[0]!.decisionType).toBe('DECLINE_REFUND');
    const cancelled = h.outbox.cancel(e2.id, 'Борис');
    expect(cancelled.state).toBe('cancelled');
    await expect(h.outbox.edit(e2.id, refundAll(r2))).rejects.toMatchObject({ reason: 'not-editable', state: 'cancelled' });
    expect(() => h.outbox.cancel(e2.id)).toThrow(OutboxRefusedError);
    expect(() => h.outbox.cancel(424242)).toThrow(/no decision #424242/);

    // Once sending has begun (held in flight by latency), neither edit nor cancel goes through.
    const e3 = await h.outbox.submit(refundAll(r3), 'Анна');
    await h.admin.setFaults({ type: 'latency', path: SUBMIT_PATH, latencyMs: 600 });
    h.outbox.start();
    await waitFor(() => stateOf(e3.id) === 'sending', 5_000, 'sending');
    const refusedEdit = (await h.outbox.edit(e3.id, refundAll(r3)).catch((e: unknown) => e)) as OutboxRefusedError;
    expect(refusedEdit).toBeInstanceOf(OutboxRefusedError);
    expect(refusedEdit).toMatchObject({ reason: 'not-editable', state: 'sending', bridgeCode: 'CONFLICT' });
    expect(refusedEdit.message).toMatch(/can no longer be changed: it is sending/);
    expect(() => h.outbox.cancel(e3.id)).toThrow(/can no longer be cancelled/);
    expect(await h.outbox.whenIdle(10_000)).toBe(true);

    expect(stateOf(e1.id)).toBe('delivered');
    expect(stateOf(e2.id)).toBe('cancelled');
    expect(stateOf(e3.id)).toBe('delivered');
    const accepted = await acceptedByReturn(h.admin);
    expect(accepted.get(r1.id)).toBe(1);
    expect(accepted.has(r2.id)).toBe(false);
    const sent1 = (await h.admin.received()).find((x) => x.returnId === r1.id)!;
    expect(sent1.requestBody).toMatchObject({
      returnItemDecisions: [{ decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'Скол' }],
    });
    expect(h.outbox.audit(r1.id).map((a) => [a.action, a.operator])).toEqual([
      ['queued', 'Анна'],
      ['edited', 'Борис'],
      ['sending', 'Анна'],
      ['accepted', 'Анна'],
      ['delivered', 'Анна'],
    ]);
    expect(h.outbox.audit(r2.id).map((a) => [a.action, a.state, a.operator])).toEqual([
      ['queued', 'queued', 'Анна'],
      ['cancelled', 'cancelled', 'Борис'],
    ]);
  });

  it('goes offline (connections dropped), keeps the decision, and delivers it by itself once the Market answers again', async () => {
    const r = await newReturn(h);
    await h.outbox.available(r.id); // the operator opened the return while online
    await h.admin.setFaults({ type: 'drop' });
    const statuses: OutboxStatus[] = [];
    h.outbox.on('status', (s) => statuses.push(s));
    const entry = await h.outbox.submit(refundAll(r));
    expect(entry.state).toBe('queued');
    h.outbox.start();
    await waitFor(() => !h.outbox.status().online && h.outbox.get(entry.id)!.attempts >= 1, 5_000, 'offline');
    const waiting = h.outbox.get(entry.id)!;
    expect(['queued', 'sending']).toContain(waiting.state);
    expect(waiting.explanation).toMatch(/cannot be reached|answer was lost/);
    const cached = await h.outbox.available(r.id);
    expect(cached).toMatchObject({ source: 'cache', returnId: r.id });
    expect(cached.decisions.map((d) => d.decisionType)).toContain('REFUND_MONEY');
    await new Promise((resolve) => setTimeout(resolve, 300)); // probes keep failing meanwhile
    expect(h.outbox.get(entry.id)!.state).not.toBe('delivered');

    await h.admin.clearFaults();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(entry.id)!.state).toBe('delivered');
    expect(h.outbox.status().online).toBe(true);
    expect(statuses.map((s) => s.online)).toEqual([false, true]);
    expect((await acceptedByReturn(h.admin)).get(r.id)).toBe(1);
    const actions = h.outbox.audit(r.id).map((a) => a.action);
    expect(actions[0]).toBe('queued');
    expect(actions.at(-1)).toBe('delivered');
    expect(actions.some((a) => a === 'unknown-outcome' || a === 'not-sent')).toBe(true);
  });

  it('queues while the Market is unreachable (refused connections) and a restart sends what was left', async () => {
    const r = await newReturn(h);
    await h.outbox.available(r.id);
    // The same database, but nobody listens at the Market's address.
    await h.reopen({ client: testClient('http://127.0.0.1:9', h.sandbox.apiKey) });
    const entry = await h.outbox.submit(refundAll(r));
    h.outbox.start();
    await waitFor(() => !h.outbox.status().online, 5_000, 'offline');
    const waiting = h.outbox.get(entry.id)!;
    expect(waiting.state).toBe('queued'); // refused connections never reached the server
    expect(waiting.explanation).toMatch(/cannot be reached/);
    expect(h.outbox.status()).toMatchObject({ queued: 1, online: false });

    await h.reopen(); // restart with the real Market
    expect(h.outbox.get(entry.id)!.state).toBe('queued');
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(entry.id)!.state).toBe('delivered');
    expect((await acceptedByReturn(h.admin)).get(r.id)).toBe(1);
  });

  it('resumes a half-drained queue after a restart, every decision delivered exactly once', async () => {
    const returns = [];
    for (let i = 0; i < 6; i++) returns.push(await newReturn(h));
    for (const r of returns) await h.outbox.submit(refundAll(r));
    await h.admin.setFaults({ type: 'latency', path: SUBMIT_PATH, latencyMs: 150 });
    h.outbox.start();
    await waitFor(() => h.outbox.list({ states: ['delivered'] }).length >= 2, 10_000, 'two delivered');
    await h.reopen({ stopGraceMs: 0 }); // stop aborts what is in flight: left in `sending`
    expect(h.outbox.list({ states: ['delivered'] }).length).toBeLessThan(6);
    h.outbox.start();
    expect(await h.outbox.whenIdle(15_000)).toBe(true);
    expect(h.outbox.list().map((e) => e.state)).toEqual(Array(6).fill('delivered'));
    const accepted = await acceptedByReturn(h.admin);
    for (const r of returns) expect(accepted.get(r.id)).toBe(1);
  });

  it('finds a decision sent just before a crash on the server and does not send it again', async () => {
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    // The app sent it and died before recording the answer.
    await h.client.submitReturnDecision(r.campaignId, r.orderId, r.id, [{ returnItemId: itemIds(r)[0]!, decisionType: 'REFUND_MONEY' }]);
    h.store.db.prepare("UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = ?").run(entry.id);
    const lost = await newReturn(h);
    const lostEntry = await h.outbox.submit(refundAll(lost));
    // …and this one it marked `sending` but never sent.
    h.store.db.prepare("UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = ?").run(lostEntry.id);
    await h.reopen();
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(entry.id)).toMatchObject({ state: 'delivered', explanation: expect.stringMatching(/already shows this decision/) });
    expect(h.outbox.get(lostEntry.id)!.state).toBe('delivered');
    const accepted = await acceptedByReturn(h.admin);
    expect(accepted.get(r.id)).toBe(1);
    expect(accepted.get(lost.id)).toBe(1);
    expect((await h.admin.received()).filter((x) => x.returnId === r.id)).toHaveLength(1);
    expect(h.outbox.audit(r.id).map((a) => a.action)).toEqual(['queued', 'delivered']);
  });

  it('holds a new decision for the undo window: nothing leaves during it, taking it back sends nothing, then it goes once', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, holdMs: () => 5_000 });
    h.outbox.start();
    const kept = await newReturn(h);
    const undone = await newReturn(h);
    const held = await h.outbox.submit(refundAll(kept));
    const takenBack = await h.outbox.submit(refundAll(undone));
    // Stored before submit() returned, and held: queued, with the moment it may leave.
    expect(held).toMatchObject({ state: 'queued', holdUntil: new Date(clock.now() + 5_000).toISOString() });
    expect(held.explanation).toContain('taken back');
    await new Promise((resolve) => setTimeout(resolve, 300));
    clock.advance(4_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.admin.received()).filter((x) => x.returnId === kept.id || x.returnId === undone.id)).toEqual([]);
    // "Send everything now" does not cut a hold short.
    expect(h.outbox.retry().scheduled).toBe(0);
    // Taken back inside the window: cancelled, never sent.
    expect(h.outbox.cancel(takenBack.id)).toMatchObject({ state: 'cancelled', holdUntil: null });
    clock.advance(1_500);
    await waitFor(() => h.outbox.get(held.id)!.state === 'delivered', 5_000, 'delivered after the hold');
    expect(h.outbox.get(held.id)!.holdUntil).toBeNull();
    const received = await h.admin.received();
    expect(received.filter((x) => x.returnId === kept.id)).toHaveLength(1);
    expect(received.filter((x) => x.returnId === undone.id)).toHaveLength(0);
    expect(h.outbox.audit(undone.id).map((a) => a.action)).toEqual(['queued', 'cancelled']);
  });

  it('restarts the hold when a held decision is changed, and sends the changed one', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, holdMs: () => 5_000 });
    h.outbox.start();
    const r = await newReturn(h, { items: [{ photos: 0 }, { photos: 0 }] });
    const entry = await h.outbox.submit(refundAll(r));
    clock.advance(4_000);
    const edited = await h.outbox.edit(entry.id, refundAll(r));
    expect(edited.holdUntil).toBe(new Date(clock.now() + 5_000).toISOString());
    clock.advance(2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.admin.received()).filter((x) => x.returnId === r.id)).toEqual([]);
    clock.advance(3_500);
    await waitFor(() => h.outbox.get(entry.id)!.state === 'delivered', 5_000, 'delivered');
  });

  it('retries a 5xx after backoff on the injected clock, re-reading before it resends', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, random: () => 0, backoff: { ...FAST_BACKOFF, baseMs: 60_000, maxMs: 600_000 } });
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    await h.admin.setFaults({ type: 'error5xx', path: SUBMIT_PATH, count: 1, status: 503 });
    h.outbox.start();
    await waitFor(() => h.outbox.get(entry.id)!.explanation?.includes('answer was lost'), 5_000, 'unknown outcome');
    const after = h.outbox.get(entry.id)!;
    expect(after.state).toBe('sending');
    // attempt 1, random 0 → half the base delay.
    expect(after.nextAttemptAt).toBe(new Date(clock.now() + 30_000).toISOString());
    expect(h.outbox.status().online).toBe(true); // a 5xx is an answer: not offline
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.outbox.get(entry.id)!.state).toBe('sending'); // nothing happens before the clock moves
    clock.advance(30_000);
    await waitFor(() => h.outbox.get(entry.id)!.state === 'delivered', 5_000, 'delivered');
    expect(h.outbox.audit(r.id).map((a) => a.action)).toEqual(['queued', 'sending', 'unknown-outcome', 'resending', 'accepted', 'delivered']);
    const received = (await h.admin.received()).filter((x) => x.returnId === r.id);
    expect(received).toHaveLength(1); // the 503 came before the handler; one accepted submission
  });

  it('a decision in sending while the key is refused is re-read after the key wait (5 min), not every second of the clock', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, random: () => 0, backoff: DEFAULT_BACKOFF });
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    await h.admin.setFaults({ type: 'error5xx', path: SUBMIT_PATH, count: 1, status: 503 });
    h.outbox.start();
    await waitFor(() => h.outbox.get(entry.id)!.explanation?.includes('answer was lost'), 5_000, 'unknown outcome');
    // From now on the Market refuses the key: the re-read answers 401 and the key's scheduler halts.
    await h.admin.setFaults({ type: 'unauthorized' });
    const reReads = (): number => h.outbox.audit(r.id).filter((a) => a.action === 're-read-failed').length;
    clock.advance(new Date(h.outbox.get(entry.id)!.nextAttemptAt!).getTime() - clock.now());
    await waitFor(() => reReads() === 1, 5_000, 'the first re-read refused');
    const refusedAt = clock.now();
    expect(h.outbox.get(entry.id)).toMatchObject({
      state: 'sending',
      nextAttemptAt: new Date(refusedAt + DEFAULT_BACKOFF.authRetryMs).toISOString(),
      explanation: expect.stringMatching(/key/i),
    });
    // Four minutes of the clock, a second at a time: no re-read (each one would be an audit row) before the wait is over.
    for (let second = 0; second < 240; second++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(reReads()).toBe(1);
    clock.advance(refusedAt + DEFAULT_BACKOFF.authRetryMs - clock.now());
    await waitFor(() => reReads() === 2, 5_000, 'the second re-read, after the key wait');
    // The operator enters the key again (a fresh start of the queue): the decision is delivered, once.
    await h.admin.clearFaults();
    await h.reopen();
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(entry.id)!.state).toBe('delivered');
    expect((await acceptedByReturn(h.admin)).get(r.id)).toBe(1);
  });

  it('a 5xx, then a re-read showing a status this app does not know: still pending, never "conflict", sent once the status is known', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, random: () => 0, backoff: { ...FAST_BACKOFF, baseMs: 60_000, maxMs: 600_000 } });
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    // The submit answers 503 before the Market takes anything; the next two re-reads show a newer status.
    await h.admin.setFaults([
      { type: 'error5xx', path: SUBMIT_PATH, count: 1, status: 503 },
      { type: 'drift', path: 'orders/\\d+/returns/\\d+$', count: 2 },
    ]);
    h.outbox.start();
    await waitFor(() => h.outbox.get(entry.id)!.explanation?.includes('answer was lost'), 5_000, 'unknown outcome');
    for (let check = 1; check <= 2; check++) {
      clock.advance(600_000);
      await waitFor(() => h.outbox.audit(r.id).filter((a) => a.action === 'status-unknown').length === check, 5_000, `re-read ${check}`);
      const pending = h.outbox.get(entry.id)!;
      // Unknown is not conflict: the Market still awaits a decision as far as anyone knows, and received none.
      expect(pending.state).toBe('sending');
      expect(pending.explanation).toContain('PREMODERATION_AWAITING_COURIER_2027');
      expect(pending.nextAttemptAt).not.toBeNull();
      expect(h.outbox.status().conflict).toBe(0);
    }
    expect((await acceptedByReturn(h.admin)).has(r.id)).toBe(false);
    // The status is readable again (no more drift): the return still awaits a decision, so it is sent, once.
    clock.advance(600_000);
    await waitFor(() => h.outbox.get(entry.id)!.state === 'delivered', 5_000, 'delivered');
    expect(h.outbox.audit(r.id).map((a) => a.action)).toEqual([
      'queued',
      'sending',
      'unknown-outcome',
      'status-unknown',
      'status-unknown',
      'resending',
      'accepted',
      'delivered',
    ]);
    const received = (await h.admin.received()).filter((x) => x.returnId === r.id);
    expect(received.map((x) => x.statusCode)).toEqual([200]);
  });

  it('a refusal followed by an unknown status waits for a status that tells, then settles without resending', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, random: () => 0, backoff: { ...FAST_BACKOFF, baseMs: 60_000, maxMs: 600_000 } });
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    await h.admin.advanceClock(49 * 3_600_000); // the submit is refused (400): the 48 hours are over
    await h.admin.setFaults({ type: 'drift', path: 'orders/\\d+/returns/\\d+$', count: 1 });
    h.outbox.start();
    await waitFor(() => h.outbox.audit(r.id).some((a) => a.action === 'status-unknown'), 5_000, 'status unknown');
    expect(h.outbox.get(entry.id)!.state).toBe('sending');
    expect(h.outbox.get(entry.id)!.serverMessage).toMatch(/STATUS_NOT_ALLOWED/);
    clock.advance(600_000);
    await waitFor(() => h.outbox.get(entry.id)!.state === 'conflict', 5_000, 'conflict once the status is known');
    expect(h.outbox.get(entry.id)!.explanation).toMatch(/confirmed the return by itself/);
    expect((await h.admin.received()).filter((x) => x.returnId === r.id).map((x) => x.statusCode)).toEqual([400]);
  });

  it('retry() sends a backed-off decision now, without waiting for the clock', async () => {
    const clock = new ManualClock();
    await h.reopen({ clock, random: () => 0, backoff: { ...FAST_BACKOFF, baseMs: 3_600_000, maxMs: 3_600_000 } });
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    await h.admin.setFaults({ type: 'error5xx', path: SUBMIT_PATH, count: 1 });
    h.outbox.start();
    await waitFor(() => h.outbox.get(entry.id)!.explanation?.includes('answer was lost'), 5_000, 'unknown outcome');
    expect(h.outbox.retry(entry.id, 'Оля')).toEqual({ scheduled: 1 });
    await waitFor(() => h.outbox.get(entry.id)!.state === 'delivered', 5_000, 'delivered');
    expect(h.outbox.audit(r.id).map((a) => a.action)).toContain('retry-requested');
    expect(h.outbox.retry(entry.id)).toEqual({ scheduled: 0 }); // nothing to do for a delivered decision
    expect(() => h.outbox.retry(987654)).toThrow(OutboxRefusedError);
  });

  it('ends as conflict when the 48 hours ran out (sandbox clock) and keeps the server’s words', async () => {
    const r = await newReturn(h);
    const entry = await h.outbox.submit(refundAll(r));
    await h.admin.advanceClock(49 * 3_600_000);
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    const done = h.outbox.get(entry.id)!;
    expect(done.state).toBe('conflict');
    expect(done.explanation).toMatch(/confirmed the return by itself/);
    expect(done.serverMessage).toMatch(/STATUS_NOT_ALLOWED: Return \d+ does not await a decision/);
    expect((await acceptedByReturn(h.admin)).has(r.id)).toBe(false);
    const last = h.outbox.audit(r.id).at(-1)!;
    expect(last).toMatchObject({ action: 'conflict', state: 'conflict' });
    expect(last.serverAnswer).toContain('PREMODERATION_SELECT_DELIVERY');
  });

  it('ends as conflict when someone else decided first, or the return went to dispute, or the buyer cancelled', async () => {
    const decided = await newReturn(h);
    const disputed = await newReturn(h);
    const cancelled = await newReturn(h);
    const eDecided = await h.outbox.submit(refundAll(decided));
    const eDisputed = await h.outbox.submit(refundAll(disputed));
    const eCancelled = await h.outbox.submit(refundAll(cancelled));
    const otherDesk = testClient(h.sandbox.url, h.sandbox.apiKey);
    for (const r of [decided, disputed]) {
      await otherDesk.submitReturnDecision(r.campaignId, r.orderId, r.id, [
        { returnItemId: itemIds(r)[0]!, decisionType: 'DECLINE_REFUND', decisionReasonType: 'MECHANICAL_DAMAGE', comment: 'другой оператор' },
      ]);
    }
    await h.admin.openDispute(disputed.id);
    await h.admin.setReturnStatus(cancelled.id, 'CANCELLED');
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(eDecided.id)).toMatchObject({
      state: 'conflict',
      explanation: expect.stringContaining('already decided (Decline the refund)'),
      serverMessage: expect.stringMatching(/does not await a decision/),
    });
    expect(h.outbox.get(eDisputed.id)).toMatchObject({ state: 'conflict', explanation: expect.stringMatching(/in dispute/) });
    expect(h.outbox.get(eCancelled.id)).toMatchObject({ state: 'conflict', explanation: expect.stringMatching(/buyer cancelled/) });
    expect(h.outbox.status()).toMatchObject({ conflict: 3, queued: 0, sending: 0 });
    // Ours were never accepted: only the other desk's decisions went through.
    const accepted = await acceptedByReturn(h.admin);
    expect(accepted.get(decided.id)).toBe(1);
    expect(accepted.get(disputed.id)).toBe(1);
    expect(accepted.has(cancelled.id)).toBe(false);
    for (const r of [decided, disputed, cancelled]) expect(h.outbox.audit(r.id).at(-1)!.action).toBe('conflict');
  });

  it('ends as failed, with the server’s message verbatim, when the Market refuses a decision for a return that still awaits one', async () => {
    const r = await newReturn(h, { campaignId: campaignOf(h, 'FBS') });
    const entry = await h.outbox.submit(refundAll(r));
    // The Market's rules changed after queueing: REPAIR is not offered for FBS.
    h.store.db
      .prepare('UPDATE outbox SET draft_json = ? WHERE id = ?')
      .run(JSON.stringify({ returnId: r.id, items: [{ returnItemId: itemIds(r)[0], decisionType: 'REPAIR', comment: 'к пятнице' }] }), entry.id);
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    const done = h.outbox.get(entry.id)!;
    expect(done.state).toBe('failed');
    const sandboxSaid = (await h.admin.received()).find((x) => x.returnId === r.id)!.responseBody as { errors: { code: string; message: string }[] };
    expect(done.serverMessage).toBe(`${sandboxSaid.errors[0]!.code}: ${sandboxSaid.errors[0]!.message}`);
    expect(done.explanation).toMatch(/refused the decision/);
    expect(h.outbox.audit(r.id).at(-1)).toMatchObject({ action: 'failed', serverAnswer: expect.stringContaining('REPAIR is not available') });
  });

  it('quarantines an unreadable row — kept as it was, reported, never crashing the queue', async () => {
    const good = await newReturn(h);
    const goodEntry = await h.outbox.submit(refundAll(good));
    const now = Date.now();
    h.store.db
      .prepare(
        "INSERT INTO outbox (return_id, order_id, campaign_id, state, draft_json, operator, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, 'Вера', ?, ?)",
      )
      .run(777, 1, good.campaignId, '{"returnId": 777, "items": [', now, now);
    h.store.db
      .prepare(
        "INSERT INTO outbox (return_id, order_id, campaign_id, state, draft_json, operator, created_at, updated_at) VALUES (?, ?, ?, 'teleported', ?, 'Вера', ?, ?)",
      )
      .run(778, 1, good.campaignId, JSON.stringify({ returnId: 778, items: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] }), now, now);
    const announced: number[] = [];
    h.outbox.on('quarantined', (q) => announced.push(q.id));
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    expect(h.outbox.get(goodEntry.id)!.state).toBe('delivered');
    const quarantined = h.outbox.quarantined();
    expect(quarantined.map((q) => [q.returnId, q.state])).toEqual([
      [777, 'queued'],
      [778, 'teleported'],
    ]);
    expect(quarantined[0]!.reason).toMatch(/not JSON/);
    expect(quarantined[0]!.rawDraft).toBe('{"returnId": 777, "items": [');
    expect(quarantined[1]!.reason).toMatch(/unknown state "teleported"/);
    expect(announced.sort()).toEqual(quarantined.map((q) => q.id).sort());
    expect(h.outbox.status()).toMatchObject({ quarantined: 2, queued: 0 });
    expect(h.outbox.list().map((e) => e.id)).toEqual([goodEntry.id]);
    expect(h.outbox.audit(777)).toEqual([
      expect.objectContaining({ action: 'quarantined', operator: 'Вера', serverAnswer: expect.stringMatching(/not JSON/) }),
    ]);
    expect(rowCount()).toBe(3); // nothing dropped
    expect((await h.admin.received()).map((x) => x.returnId)).toEqual([good.id]);
  });

  it('exports the audit log as UTF-8 CSV with a BOM and proper quoting', async () => {
    const r = await newReturn(h);
    const [item] = itemIds(r) as [number];
    await h.outbox.submit(
      {
        returnId: r.id,
        items: [{ returnItemId: item, decisionType: 'DECLINE_REFUND', reasonType: 'MECHANICAL_DAMAGE', comment: 'Сказал: "брак",\nно это скол' }],
      },
      'Пётр, старший',
    );
    h.outbox.start();
    expect(await h.outbox.whenIdle(10_000)).toBe(true);
    const file = join(h.dir, 'audit.csv');
    const rows = await h.outbox.exportAuditCsv(file);
    expect(rows).toBe(4);
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(
      "Entry,Time (MSK),Operator,Store ID,Order,Return,Outbox entry,Step,State,Item decisions,Request to the Market,The Market's answer",
    );
    expect(text).toContain(',"Пётр, старший",');
    expect(text).toContain(
      `"{""returnItemDecisions"":[{""returnItemId"":${item},""decisionType"":""DECLINE_REFUND"",""decisionReasonType"":""MECHANICAL_DAMAGE"",""comment"":""Сказал: \\""брак\\"",\\nно это скол""}]}"`,
    );
    expect(text).toContain(`,${r.campaignId},${r.orderId},${r.id},`);
    expect(text.endsWith('\r\n')).toBe(true);
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    expect(await h.outbox.exportAuditCsv(stream, { returnId: r.id })).toBe(4);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(bytes.toString('utf8'));
  });
});
