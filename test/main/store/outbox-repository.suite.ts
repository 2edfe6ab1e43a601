// What any engine's outbox and audit repositories must do; run by one runner per engine (outbox-repository-sqlite.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionDraft } from '../../../preload/contract.ts';
import type { AuditRepository, DraftDescriber, Engine, NewDecision, OutboxRecord, OutboxRepository } from '../../../main/store/outbox-repository.ts';

export interface OutboxRepositories {
  outbox: OutboxRepository<Engine>;
  audit: AuditRepository<Engine>;
  close(): Promise<void> | void;
}

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const describeDraft: DraftDescriber = (draft) => ({
  items: draft.items.map((i) => `${i.returnItemId}:${i.decisionType}`).join('; '),
  payload: JSON.stringify(draft.items),
});
const draftFor = (returnId: number, decisionType = 'REFUND_MONEY'): DecisionDraft => ({ returnId, items: [{ returnItemId: returnId * 10, decisionType }] });
const decision = (returnId: number, extra: Partial<NewDecision> = {}): NewDecision => ({
  returnId,
  orderId: returnId + 1000,
  campaignId: 11,
  draft: draftFor(returnId),
  operator: 'Оператор',
  at: T0,
  nextAttemptAt: T0,
  explanationCode: 'queued',
  ...extra,
});

export function outboxRepositorySuite(engine: string, open: () => Promise<OutboxRepositories> | OutboxRepositories): void {
  describe(`outbox repository (${engine})`, () => {
    let repos: OutboxRepositories;
    let outbox: OutboxRepository<Engine>;
    let audit: AuditRepository<Engine>;
    beforeEach(async () => {
      repos = await open();
      ({ outbox, audit } = repos);
    });
    afterEach(async () => {
      await repos.close();
    });

    const enqueue = async (returnId: number, extra: Partial<NewDecision> = {}): Promise<number> => {
      const stored = await outbox.enqueue(decision(returnId, extra), describeDraft);
      if (!('id' in stored)) throw new Error(`return ${returnId} already has decision ${stored.active.id}`);
      return stored.id;
    };
    const record = async (id: number): Promise<OutboxRecord> => {
      const read = await outbox.read(id);
      if (!read || !('record' in read)) throw new Error(`decision ${id} is not readable`);
      return read.record;
    };

    it('stores a queued decision as given, with a "queued" audit row that shows the draft', async () => {
      const id = await enqueue(7, { nextAttemptAt: T0 + 5_000, explanationCode: 'held' });
      expect(await record(id)).toEqual({
        id,
        returnId: 7,
        orderId: 1007,
        campaignId: 11,
        state: 'queued',
        draft: draftFor(7),
        operator: 'Оператор',
        createdAt: T0,
        updatedAt: T0,
        attempts: 0,
        nextAttemptAt: T0 + 5_000,
        acceptedAt: null,
        serverMessage: null,
        explanationCode: 'held',
        explanationParams: {},
      });
      const [row] = await audit.latest(7, 10);
      expect(row).toMatchObject({ returnId: 7, orderId: 1007, campaignId: 11, outboxId: id, action: 'queued', state: 'queued', operator: 'Оператор' });
      expect(row?.payload).toBe(JSON.stringify(draftFor(7).items));
      expect((await audit.all(7))[0]?.items).toBe('70:REFUND_MONEY');
    });

    it('keeps one decision in flight per return: a second is refused with the one there', async () => {
      const first = await enqueue(7);
      expect(await outbox.enqueue(decision(7), describeDraft)).toEqual({ active: { id: first, state: 'queued' } });
      expect(await outbox.ids({ returnId: 7 })).toEqual([first]);
      expect(await audit.latest(7, 10)).toHaveLength(1);
      // Once it is settled, the return takes a new decision.
      expect(await outbox.cancel(first, T0 + 1, 'Оператор', describeDraft)).toBe(true);
      const second = await enqueue(7);
      expect(second).not.toBe(first);
      expect(await outbox.activeFor(7)).toEqual({ id: second, state: 'queued' });
    });

    it('replaces and cancels a decision only while it is queued, auditing each', async () => {
      const id = await enqueue(8);
      const changed = draftFor(8, 'DECLINE_REFUND');
      expect(
        await outbox.replaceDraft(id, { draft: changed, at: T0 + 10, nextAttemptAt: T0 + 20, explanationCode: 'edited', operator: 'Б' }, describeDraft),
      ).toBe(true);
      expect(await record(id)).toMatchObject({ draft: changed, updatedAt: T0 + 10, nextAttemptAt: T0 + 20, explanationCode: 'edited' });
      expect(
        await outbox.transition(id, 'queued', { state: 'sending', attempts: 1, nextAttemptAt: null }, { at: T0 + 30, action: 'sending', serverAnswer: null }),
      ).toBe(true);
      expect(
        await outbox.replaceDraft(id, { draft: draftFor(8), at: T0 + 40, nextAttemptAt: null, explanationCode: 'edited', operator: 'Б' }, describeDraft),
      ).toBe(false);
      expect(await outbox.cancel(id, T0 + 40, 'Б', describeDraft)).toBe(false);
      expect((await record(id)).draft).toEqual(changed);
      expect((await audit.latest(8, 10)).map((a) => [a.action, a.operator, a.state])).toEqual([
        ['queued', 'Оператор', 'queued'],
        ['edited', 'Б', 'queued'],
        ['sending', 'Оператор', 'sending'],
      ]);
    });

    it('moves a decision on only from the state expected, keeping what the change leaves out', async () => {
      const id = await enqueue(9);
      expect(await outbox.transition(id, 'sending', { state: 'delivered' }, { at: T0 + 1, action: 'delivered', serverAnswer: 'x' })).toBe(false);
      expect(
        await outbox.transition(
          id,
          'queued',
          { state: 'sending', attempts: 1, nextAttemptAt: null, explanation: ['queued', {}] },
          { at: T0 + 2, action: 'sending', serverAnswer: null, describe: describeDraft },
        ),
      ).toBe(true);
      expect(
        await outbox.transition(
          id,
          'sending',
          { acceptedAt: T0 + 3, serverMessage: null, explanation: ['statusUnknown', { status: 'NEW', checks: 2 }] },
          { at: T0 + 3, action: 'accepted', serverAnswer: 'OK' },
        ),
      ).toBe(true);
      expect(await record(id)).toMatchObject({
        state: 'sending',
        attempts: 1,
        nextAttemptAt: null,
        acceptedAt: T0 + 3,
        updatedAt: T0 + 3,
        explanationCode: 'statusUnknown',
        explanationParams: { status: 'NEW', checks: 2 },
      });
      const steps = await audit.latest(9, 10);
      expect(steps.map((a) => [a.action, a.state, a.serverAnswer])).toEqual([
        ['queued', 'queued', null],
        ['sending', 'sending', null],
        ['accepted', 'sending', 'OK'],
      ]);
      // Only a step that concerns the draft carries it.
      expect(steps[1]?.payload).toBe(JSON.stringify(draftFor(9).items));
      expect(steps[2]?.payload).toBeNull();
    });

    it('answers what is due, what comes next, what waits longest, and counts by state', async () => {
      const a = await enqueue(1, { nextAttemptAt: T0 });
      const b = await enqueue(2, { nextAttemptAt: T0 + 500 });
      const c = await enqueue(3, { nextAttemptAt: T0 - 100 });
      const d = await enqueue(4);
      await outbox.cancel(d, T0, 'Оператор', describeDraft);
      expect(await outbox.due(T0, 10)).toEqual([c, a]);
      expect(await outbox.due(T0, 1)).toEqual([c]);
      expect(await outbox.nextAttemptAfter(T0)).toBe(T0 + 500);
      expect(await outbox.nextAttemptAfter(T0 + 500)).toBeNull();
      expect(await outbox.oldestWaiting()).toEqual({ campaignId: 11, orderId: 1001, returnId: 1 });
      expect(await outbox.counts()).toEqual({ byState: { queued: 3, cancelled: 1 }, quarantined: 0 });
      expect((await outbox.pending()).map((p) => [p.id, p.state, p.createdAt])).toEqual([
        [a, 'queued', T0],
        [b, 'queued', T0],
        [c, 'queued', T0],
      ]);
      expect(await outbox.ids({ states: ['cancelled'] })).toEqual([d]);
      expect(await outbox.ids({})).toEqual([d, c, b, a]);
      expect((await outbox.unsettledIds()).sort()).toEqual([a, b, c].sort());
    });

    it('makes decisions due now on request, leaving the held ones where they are when asked for all', async () => {
      const held = await enqueue(1, { nextAttemptAt: T0 + 10_000, explanationCode: 'held' });
      const later = await enqueue(2, { nextAttemptAt: T0 + 60_000, explanationCode: 'offline' });
      expect(await outbox.requestSendNow('all', { dueAt: T0, at: T0 + 7 }, 'Оператор')).toEqual([later]);
      expect((await record(later)).nextAttemptAt).toBe(T0);
      expect((await record(held)).nextAttemptAt).toBe(T0 + 10_000);
      expect(await outbox.requestSendNow([held], { dueAt: T0, at: T0 + 8 }, 'Оператор')).toEqual([held]);
      expect((await record(held)).nextAttemptAt).toBe(T0);
      expect((await audit.latest(undefined, 10)).filter((a) => a.action === 'retry-requested').map((a) => [a.outboxId, a.at])).toEqual([
        [later, new Date(T0 + 7).toISOString()],
        [held, new Date(T0 + 8).toISOString()],
      ]);
    });

    it('brings forward only the decisions that waited for the connection', async () => {
      const offline = await enqueue(1, { nextAttemptAt: T0 + 60_000, explanationCode: 'offline' });
      const limited = await enqueue(2, { nextAttemptAt: T0 + 60_000, explanationCode: 'rateLimited' });
      await outbox.resumeWaiting(['offline', 'unknownOutcome'], T0);
      expect((await record(offline)).nextAttemptAt).toBe(T0);
      expect((await record(limited)).nextAttemptAt).toBe(T0 + 60_000);
    });

    it('sets a row aside on request: out of the queue, listed with its reason, audited', async () => {
      const id = await enqueue(5);
      await outbox.quarantine(id, 'draft_json is not JSON', T0 + 1);
      expect(await outbox.read(id)).toBeUndefined();
      expect(await outbox.ids({})).toEqual([]);
      expect(await outbox.due(T0 + 1, 10)).toEqual([]);
      expect(await outbox.activeFor(5)).toBeUndefined();
      expect(await outbox.quarantined()).toEqual([
        { id, returnId: 5, state: 'queued', reason: 'draft_json is not JSON', rawDraft: JSON.stringify(draftFor(5)) },
      ]);
      expect(await outbox.counts()).toEqual({ byState: {}, quarantined: 1 });
      expect((await audit.latest(5, 10)).at(-1)).toMatchObject({ action: 'quarantined', outboxId: id, serverAnswer: 'draft_json is not JSON' });
    });

    it('keeps the audit log in order and returns the last rows asked for, of one return or all', async () => {
      for (let i = 0; i < 5; i++) {
        await audit.append({
          at: T0 + i,
          operator: 'Оператор',
          returnId: i % 2 ? 1 : 2,
          orderId: null,
          campaignId: null,
          outboxId: null,
          action: `step-${i}`,
          state: null,
          items: null,
          payload: null,
          serverAnswer: null,
        });
      }
      expect((await audit.latest(undefined, 3)).map((a) => a.action)).toEqual(['step-2', 'step-3', 'step-4']);
      expect((await audit.latest(1, 10)).map((a) => a.action)).toEqual(['step-1', 'step-3']);
      expect((await audit.all()).map((a) => a.at)).toEqual([0, 1, 2, 3, 4].map((i) => new Date(T0 + i).toISOString()));
    });
  });
}
