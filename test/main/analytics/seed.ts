// A small, hand-checkable data set for the analytics tests: two stores, seven returns, four orders, outbox rows.
import type { BusinessOrderDTO, ReturnDTO } from '../../../main/market/schemas.ts';
import { openStore, type Store } from '../../../main/store/store.ts';

export const NOW = Date.parse('2025-03-10T12:00:00+03:00');
const HOUR = 3_600_000;
const at = (msk: string): number => Date.parse(`${msk}+03:00`);
const iso = (ms: number): string => new Date(ms).toISOString();
const rub = (value: number) => ({ value, currencyId: 'RUR' as const });

export const CREATED = {
  r1: at('2025-03-01T10:00:00'),
  r2: at('2025-03-02T09:00:00'),
  // 00:30 Moscow time is still 2 March in UTC: it must count on 3 March.
  r3: at('2025-03-03T00:30:00'),
  r4: at('2025-03-05T12:00:00'),
  r5: at('2025-03-09T12:00:00'),
  r6: at('2025-03-07T10:00:00'),
  r7: at('2025-03-04T08:00:00'),
};

type Decision = NonNullable<ReturnDTO['items'][number]['decisions']>[number];
function ret(
  id: number,
  orderId: number,
  type: 'RETURN' | 'UNREDEEMED',
  created: number,
  refundStatus: string,
  amount: number,
  items: Array<{ sku: string; count: number; decision?: Decision }>,
): ReturnDTO {
  return {
    id,
    orderId,
    creationDate: iso(created),
    updateDate: iso(created + HOUR),
    refundStatus: refundStatus as ReturnDTO['refundStatus'],
    amount: rub(amount),
    returnType: type,
    items: items.map((i) => ({ shopSku: i.sku, count: i.count, ...(i.decision ? { decisions: [i.decision] } : {}) })),
  };
}

function order(orderId: number, campaignId: number, payment: number, items: Array<[string, string]>, subsidy?: number): BusinessOrderDTO {
  return {
    orderId,
    campaignId,
    status: 'DELIVERED',
    creationDate: iso(at('2025-02-20T10:00:00')),
    prices: { payment: rub(payment), ...(subsidy ? { subsidy: rub(subsidy) } : {}) },
    items: items.map(([offerId, offerName], i) => ({ id: orderId * 10 + i, offerId, offerName, count: 1 })),
  } as BusinessOrderDTO;
}

/** Opens a fresh in-memory store holding the data set. */
export function seededStore(): Store {
  const store = openStore(':memory:');
  store.upsertCampaigns(
    [
      { id: 101, domain: 'Техно Дом FBS', business: { id: 1, name: 'Техно Дом' }, placementType: 'FBS' },
      { id: 202, domain: 'Обувь DBS', business: { id: 1, name: 'Техно Дом' }, placementType: 'DBS' },
    ],
    NOW,
  );
  store.upsertReturns(
    101,
    [
      ret(1, 1001, 'RETURN', CREATED.r1, 'REFUND_IN_PROGRESS', 1000, [
        {
          sku: 'SKU-A',
          count: 1,
          decision: { returnItemId: 11, count: 1, decisionType: 'REFUND_MONEY', reasonType: 'BAD_QUALITY', subreasonType: 'BAD_PACKAGE', amount: rub(1000) },
        },
      ]),
      // Auto-confirmed: left the awaiting status with no seller decision.
      ret(2, 1001, 'RETURN', CREATED.r2, 'PREMODERATION_SELECT_DELIVERY', 500, [
        { sku: 'SKU-B', count: 2, decision: { returnItemId: 21, count: 2, reasonType: 'WRONG_ITEM', amount: rub(500) } },
      ]),
      // Outside the period (9 March), same order as 1 and 2.
      ret(5, 1001, 'RETURN', CREATED.r5, 'PREMODERATION_DECISION_WAITING', 250, [
        { sku: 'SKU-A', count: 1, decision: { returnItemId: 51, count: 1, reasonType: 'BAD_QUALITY', amount: rub(250) } },
      ]),
      // Still awaiting after its deadline (9 March 10:00).
      ret(6, 1006, 'RETURN', CREATED.r6, 'PREMODERATION_DECISION_WAITING', 2000, [
        { sku: 'SKU-D', count: 1, decision: { returnItemId: 61, count: 1, reasonType: 'BAD_QUALITY', amount: rub(2000) } },
      ]),
    ],
    NOW,
  );
  store.upsertReturns(
    202,
    [
      ret(3, 1003, 'UNREDEEMED', CREATED.r3, 'REFUNDED', 700, [
        { sku: 'SKU-A', count: 1 },
        { sku: 'SKU-C', count: 1 },
      ]),
      ret(4, 1004, 'RETURN', CREATED.r4, 'DECISION_MADE', 300, [
        {
          sku: 'SKU-C',
          count: 1,
          decision: {
            returnItemId: 41,
            count: 1,
            decisionType: 'PARTIAL_MONEY_REFUND',
            reasonType: 'BAD_QUALITY',
            amount: rub(300),
            partnerCompensationAmount: rub(199),
          },
        },
      ]),
      ret(7, 1007, 'RETURN', CREATED.r7, 'REFUND_IN_PROGRESS', 1200, [
        {
          sku: 'SKU-A',
          count: 1,
          decision: { returnItemId: 71, count: 1, decisionType: 'REFUND_MONEY', reasonType: 'BAD_QUALITY', subreasonType: 'BAD_PACKAGE', amount: rub(1200) },
        },
      ]),
    ],
    NOW,
  );
  store.upsertOrders(
    [
      // The buyer paid 2800; the Market's subsidy of 200 makes the order's cost 3000.
      order(
        1001,
        101,
        2800,
        [
          ['SKU-A', 'Чайник «Заря»'],
          ['SKU-B', 'Кружка, 2 шт.'],
        ],
        200,
      ),
      order(1003, 202, 700, [
        ['SKU-A', 'Чайник «Заря»'],
        ['SKU-C', 'Ботинки'],
      ]),
      order(1007, 202, 1200, [['SKU-A', 'Чайник «Заря»']]),
    ],
    NOW,
  );
  const outbox = store.db.prepare(
    `INSERT INTO outbox (return_id, order_id, campaign_id, state, draft_json, operator, created_at, updated_at, accepted_at)
     VALUES (?, ?, ?, ?, ?, 'Оператор', ?, ?, ?)`,
  );
  const draft = (returnId: number, itemId: number, decisionType: string): string =>
    JSON.stringify({ returnId, items: [{ returnItemId: itemId, decisionType }] });
  // Decided in ReturnDesk 5 h after creation, accepted at once.
  outbox.run(1, 1001, 101, 'delivered', draft(1, 11, 'REFUND_MONEY'), CREATED.r1 + 5 * HOUR, CREATED.r1 + 5 * HOUR, CREATED.r1 + 5 * HOUR);
  // A cancelled decision does not count.
  outbox.run(2, 1001, 101, 'cancelled', draft(2, 21, 'DECLINE_REFUND'), CREATED.r2 + HOUR, CREATED.r2 + HOUR, null);
  // Queued but not delivered: counts in the mix, not as a decision in time.
  outbox.run(6, 1006, 101, 'queued', draft(6, 61, 'REFUND_MONEY'), CREATED.r6 + 60 * HOUR, CREATED.r6 + 60 * HOUR, null);
  // Delivered 50 h after creation: late.
  outbox.run(7, 1007, 202, 'delivered', draft(7, 71, 'REFUND_MONEY'), CREATED.r7 + 50 * HOUR, CREATED.r7 + 50 * HOUR, CREATED.r7 + 50 * HOUR);
  return store;
}
