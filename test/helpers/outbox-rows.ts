// One queued decision put straight into an outbox repository, for the store's own tests.
import type { SqliteOutboxRepository } from '../../main/store/outbox-repository.ts';

const describeDraft = () => ({ items: 'i', payload: 'p' });

/** Enqueues a one-item refund for `returnId` at `at` and returns its outbox id; throws if the repository refuses it. */
export function enqueueRefund(outbox: SqliteOutboxRepository, returnId: number, at: number): number {
  const stored = outbox.enqueue(
    {
      returnId,
      orderId: 1,
      campaignId: 1,
      draft: { returnId, items: [{ returnItemId: 1, decisionType: 'REFUND_MONEY' }] },
      operator: 'o',
      at,
      nextAttemptAt: at,
      explanationCode: 'queued',
    },
    describeDraft,
  );
  if (!('id' in stored)) throw new Error('refused');
  return stored.id;
}
