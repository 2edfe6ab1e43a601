// Which commits are fsynced: the outbox and its audit at synchronous = FULL (a queued decision survives a
// power cut), the Market's data at NORMAL (WAL; the Market can give it again). A SIGKILL cannot show the
// difference — the OS keeps what a killed process wrote — so the setting in force at each commit is checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAuditRepository, SqliteOutboxRepository } from '../../../main/store/outbox-repository.ts';
import { enqueueRefund } from '../../helpers/outbox-rows.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import type { ReturnDTO } from '../../../main/market/schemas.ts';

const FULL = 2;
const NORMAL = 1;

describe('durability of each kind of write', () => {
  let dir: string;
  let store: Store;
  /** synchronous in force when each top-level transaction began. */
  let seen: number[];
  const T0 = Date.UTC(2026, 11, 1);
  const describeDraft = () => ({ items: 'i', payload: 'p' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rd-durable-'));
    store = openStore(storePath(dir));
    seen = [];
    const transaction = store.transaction.bind(store);
    store.transaction = <T>(fn: () => T): T =>
      transaction(() => {
        seen.push(Number((store.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous));
        return fn();
      });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the store is WAL, NORMAL between outbox writes', () => {
    expect(store.db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(store.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: NORMAL });
  });

  it('every write of the outbox and of the audit commits at FULL, and the connection is NORMAL again after it', () => {
    const outbox = new SqliteOutboxRepository(store);
    const audit = new SqliteAuditRepository(store);
    const enqueue = (returnId: number): number => enqueueRefund(outbox, returnId, T0);
    const writes: Array<[string, () => unknown]> = [];
    let a = 0;
    let b = 0;
    let c = 0;
    writes.push(['enqueue', () => (a = enqueue(11))]);
    writes.push(['enqueue', () => (b = enqueue(12))]);
    writes.push(['enqueue', () => (c = enqueue(13))]);
    writes.push([
      'replaceDraft',
      () =>
        outbox.replaceDraft(
          a,
          {
            draft: { returnId: 11, items: [{ returnItemId: 1, decisionType: 'DECLINE_REFUND' }] },
            at: T0,
            nextAttemptAt: T0,
            explanationCode: 'queued',
            operator: 'o',
          },
          describeDraft,
        ),
    ]);
    writes.push(['cancel', () => outbox.cancel(b, T0, 'o', describeDraft)]);
    writes.push(['requestSendNow', () => outbox.requestSendNow('all', { dueAt: T0, at: T0 }, 'o')]);
    writes.push([
      'transition to sending',
      () => outbox.transition(a, 'queued', { state: 'sending', attempts: 1 }, { at: T0, action: 'sending', serverAnswer: null }),
    ]);
    writes.push([
      'transition to accepted',
      () => outbox.transition(a, 'sending', { state: 'delivered', acceptedAt: T0 }, { at: T0, action: 'delivered', serverAnswer: '200 OK' }),
    ]);
    writes.push(['quarantine', () => outbox.quarantine(c, 'unreadable', T0)]);
    writes.push([
      'audit append',
      () =>
        audit.append({
          at: T0,
          operator: 'o',
          returnId: 11,
          orderId: 1,
          campaignId: 1,
          outboxId: a,
          action: 'noted',
          state: null,
          items: null,
          payload: null,
          serverAnswer: null,
        }),
    ]);
    for (const [name, write] of writes) {
      seen = [];
      write();
      expect({ name, seen }).toEqual({ name, seen: [FULL] });
      expect(store.db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: NORMAL });
    }
  });

  it("the Market's returns commit at NORMAL", () => {
    store.upsertCampaigns([{ id: 1, placementType: 'FBS' } as never], T0);
    seen = [];
    const dto = { id: 5, orderId: 6, returnType: 'RETURN', items: [{ shopSku: 'A', count: 1 }] } as unknown as ReturnDTO;
    store.transaction(() => store.upsertReturns(1, [dto], T0));
    expect(seen[0]).toBe(NORMAL);
    expect(store.countReturns()).toBe(1);
  });
});
