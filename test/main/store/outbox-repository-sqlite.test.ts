import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAuditRepository, SqliteOutboxRepository } from '../../../main/store/outbox-repository.ts';
import { enqueueRefund } from '../../helpers/outbox-rows.ts';
import { openStore, type Store } from '../../../main/store/store.ts';
import { outboxRepositorySuite } from './outbox-repository.suite.ts';

outboxRepositorySuite('SQLite', () => {
  const store = openStore(':memory:');
  return { outbox: new SqliteOutboxRepository(store), audit: new SqliteAuditRepository(store), close: () => store.close() };
});

describe('outbox repository, what only SQLite can be asked', () => {
  let store: Store;
  let outbox: SqliteOutboxRepository;
  const describeDraft = () => ({ items: 'i', payload: 'p' });
  const T0 = Date.UTC(2026, 11, 1);
  beforeEach(() => {
    store = openStore(':memory:');
    outbox = new SqliteOutboxRepository(store);
  });
  afterEach(() => store.close());

  const enqueue = (returnId: number): number => enqueueRefund(outbox, returnId, T0);
  const state = (id: number): unknown => (store.db.prepare('SELECT state FROM outbox WHERE id = ?').get(id) as { state: string }).state;

  it('says why a row cannot be read instead of handing it to the queue', () => {
    const id = enqueue(3);
    store.db.prepare("UPDATE outbox SET draft_json = '{not json' WHERE id = ?").run(id);
    expect(outbox.read(id)).toEqual({ unreadable: expect.stringMatching(/^draft_json is not JSON/) as unknown });
    store.db
      .prepare("UPDATE outbox SET draft_json = ?, state = 'lost' WHERE id = ?")
      .run(JSON.stringify({ returnId: 3, items: [{ returnItemId: 1, decisionType: 'X' }] }), id);
    expect(outbox.read(id)).toEqual({ unreadable: 'unknown state "lost"' });
  });

  it('changes state and writes its audit row in one transaction: a failed audit write leaves the decision as it was', () => {
    const id = enqueue(4);
    store.db.exec("CREATE TRIGGER audit_fails BEFORE INSERT ON decision_audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    expect(() => outbox.transition(id, 'queued', { state: 'sending', attempts: 1 }, { at: T0 + 1, action: 'sending', serverAnswer: null })).toThrow(
      /audit refused/,
    );
    expect(state(id)).toBe('queued');
    expect(() => outbox.cancel(id, T0 + 1, 'o', describeDraft)).toThrow(/audit refused/);
    expect(state(id)).toBe('queued');
    expect(() => outbox.requestSendNow('all', { dueAt: T0 - 5, at: T0 }, 'o')).toThrow(/audit refused/);
    expect((store.db.prepare('SELECT next_attempt_at AS at FROM outbox WHERE id = ?').get(id) as { at: number }).at).toBe(T0);
    expect(() =>
      outbox.enqueue(
        {
          returnId: 5,
          orderId: 1,
          campaignId: 1,
          draft: { returnId: 5, items: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] },
          operator: 'o',
          at: T0,
          nextAttemptAt: T0,
          explanationCode: 'queued',
        },
        describeDraft,
      ),
    ).toThrow(/audit refused/);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 1 });
  });

  it('refuses a store without the outbox tables by naming the migration', () => {
    const bare = openStore(':memory:');
    try {
      bare.db.exec('DROP TABLE decision_audit');
      expect(() => new SqliteOutboxRepository(bare)).toThrow(/"decision_audit" is missing: the store did not apply migration 3/);
    } finally {
      bare.close();
    }
  });
});
