// The Market's money read the way the spec defines it, on the cases operators saw read wrongly.
import { describe, expect, it } from 'vitest';
import type { BusinessOrderDTO, BusinessOrderItemDTO } from '../../../main/market/schemas.ts';
import { lineMoney, orderBalance, orderCost, positionMoney, type ReturnOfOrder } from '../../../main/market/money.ts';
import { openStore } from '../../../main/store/store.ts';
import { quote } from '../../helpers/spec-quotes.ts';

const rub = (value: number) => ({ value, currencyId: 'RUR' });

function line(id: number, offerId: string, count: number, prices: { payment: number; cashback?: number; subsidy?: number }): BusinessOrderItemDTO {
  return {
    id,
    offerId,
    offerName: offerId,
    count,
    prices: {
      payment: rub(prices.payment),
      ...(prices.cashback ? { cashback: rub(prices.cashback) } : {}),
      ...(prices.subsidy !== undefined ? { subsidy: rub(prices.subsidy) } : {}),
    },
  };
}

function order(items: BusinessOrderItemDTO[], prices?: { payment: number; cashback?: number; subsidy?: number }): BusinessOrderDTO {
  return {
    orderId: 4700,
    items,
    ...(prices
      ? {
          prices: {
            payment: rub(prices.payment),
            ...(prices.cashback ? { cashback: rub(prices.cashback) } : {}),
            ...(prices.subsidy ? { subsidy: rub(prices.subsidy) } : {}),
          },
        }
      : {}),
  };
}

function ret(
  returnId: number,
  returnType: 'RETURN' | 'UNREDEEMED',
  amount: number | null,
  items: Array<[string, number]>,
  extra: Partial<ReturnOfOrder> = {},
): ReturnOfOrder {
  return {
    returnId,
    returnType,
    refundStatus: returnType === 'RETURN' ? 'REFUND_IN_PROGRESS' : null,
    shipmentStatus: 'PICKED',
    amount: amount === null ? null : rub(amount),
    awaitingDecision: false,
    items: items.map(([shopSku, count]) => ({ shopSku, count })),
    ...extra,
  };
}

describe('a line’s amounts are totals for all its units', () => {
  it('2 × 2,090 ₽: the line is 4,180 ₽, one unit of it 2,090 ₽', () => {
    const kettles = line(1, 'KETTLE', 2, { payment: 4180 });
    expect(lineMoney(kettles).total, quote('itemPriceTotal')).toEqual(rub(4180));
    expect(positionMoney(kettles, 1)?.total).toEqual(rub(2090));
    expect(positionMoney(kettles, 2)?.total).toEqual(rub(4180));
    expect(positionMoney(kettles, 3)).toBeNull();
    expect(positionMoney(line(2, 'GONE', 0, { payment: 0 }), 1)).toBeNull();
  });

  it('a share of a line is counted to the kopeck', () => {
    const three = line(1, 'A', 3, { payment: 1000.01, subsidy: 0.02 });
    expect(positionMoney(three, 1)).toEqual({ payment: rub(333.34), cashback: null, subsidy: rub(0.01), total: rub(333.35) });
    expect(positionMoney(three, 3)?.total).toEqual(rub(1000.03));
  });

  it('the goods are payment + Plus points, and the Market’s subsidy on top', () => {
    const l = line(1, 'A', 1, { payment: 850, cashback: 100, subsidy: 50 });
    expect(lineMoney(l), `${quote('itemCostParts')} ${quote('itemSubsidy')}`).toEqual({
      payment: rub(850),
      cashback: rub(100),
      subsidy: rub(50),
      total: rub(1000),
    });
    expect(orderCost(order([l], { payment: 850, cashback: 100, subsidy: 50 })), quote('orderCostParts')).toEqual({
      payment: 850,
      cashback: 100,
      subsidy: 50,
      total: 1000,
      currencyId: 'RUR',
    });
  });

  it('an order without prices is the sum of its lines; mixed currencies are unknown, not added', () => {
    expect(orderCost(order([line(1, 'A', 2, { payment: 4180, subsidy: 220 }), line(2, 'B', 1, { payment: 990 })]))?.total).toBe(5390);
    const mixed = order([line(1, 'A', 1, { payment: 100 }), { ...line(2, 'B', 1, { payment: 100 }), prices: { payment: { value: 100, currencyId: 'USD' } } }]);
    expect(orderCost(mixed)).toBeNull();
  });
});

describe('what remains of an order: its cost minus what every return takes back', () => {
  it('the Market’s subsidy is part of the cost: a full refund leaves 0, not −3,463 ₽', () => {
    // The buyer paid 65,797 ₽; the Market's subsidy of 3,463 ₽ makes the goods 69,260 ₽, the refund's amount.
    const phone = order([line(1, 'PHONE', 1, { payment: 65_797, subsidy: 3463 })], { payment: 65_797, subsidy: 3463 });
    const balance = orderBalance(phone, [ret(10, 'RETURN', 69_260, [['PHONE', 1]])]);
    expect(balance.cost, quote('subtractRefunds')).toEqual({ payment: 65_797, cashback: 0, subsidy: 3463, total: 69_260 });
    expect(balance.remains).toBe(0);
    // The decision form and the items show the same position amount, with its parts.
    expect(positionMoney(phone.items[0]!, 1)).toEqual({ payment: rub(65_797), cashback: null, subsidy: rub(3463), total: rub(69_260) });
  });

  it('a sibling non-purchase’s shoes are taken back once: by its amount, or by its lines when it has none', () => {
    const shoesAndKettles = order([line(1, 'SHOES', 1, { payment: 11_940 }), line(2, 'KETTLE', 2, { payment: 4180 })], { payment: 16_120 });
    const kettleReturn = ret(20, 'RETURN', 4180, [['KETTLE', 2]], { awaitingDecision: true, refundStatus: 'PREMODERATION_DECISION_WAITING' });
    const withAmount = orderBalance(shoesAndKettles, [ret(19, 'UNREDEEMED', 11_940, [['SHOES', 1]]), kettleReturn]);
    expect(withAmount.takeBacks.map((t) => [t.returnId, t.basis, t.amount?.value, t.pending])).toEqual([
      [19, 'refund', 11_940, false],
      [20, 'refund', 4180, true],
    ]);
    expect(withAmount.takenBack).toBe(16_120);
    expect(withAmount.remains).toBe(0);
    const withoutAmount = orderBalance(shoesAndKettles, [ret(19, 'UNREDEEMED', null, [['SHOES', 1]]), kettleReturn]);
    expect(withoutAmount.takeBacks[0]).toMatchObject({ basis: 'lines', amount: rub(11_940) });
    expect(withoutAmount.remains).toBe(0);
  });

  it('subtracts the refunds of all the order’s returns, not only the open one', () => {
    const three = order([line(1, 'A', 3, { payment: 3000 })], { payment: 3000 });
    const balance = orderBalance(three, [
      ret(1, 'RETURN', 1000, [['A', 1]]),
      ret(2, 'RETURN', 500, [['A', 1]]),
      ret(3, 'RETURN', 0, [['A', 1]], { refundStatus: 'REJECTED' }),
    ]);
    expect(balance.takenBack).toBe(1500);
    expect(balance.remains).toBe(1500);
  });

  it('what cannot be counted is said, not guessed: an unknown order, a foreign amount, a return without amount', () => {
    const unknownOrder = orderBalance(null, [ret(1, 'RETURN', 700, [['A', 1]]), ret(2, 'UNREDEEMED', null, [['B', 1]])]);
    expect(unknownOrder.cost).toBeNull();
    expect(unknownOrder.remains).toBeNull();
    expect(unknownOrder.takenBack).toBe(700);
    expect(unknownOrder.takeBacks.map((t) => t.basis)).toEqual(['refund', 'unknown']);
    const o = order([line(1, 'A', 1, { payment: 1000 })], { payment: 1000 });
    const foreign = orderBalance(o, [{ ...ret(1, 'RETURN', null, [['A', 1]]), amount: { value: 12, currencyId: 'USD' } }, ret(2, 'RETURN', null, [['A', 1]])]);
    expect(foreign.takeBacks.map((t) => t.basis)).toEqual(['foreign', 'unknown']);
    expect(foreign.remains).toBe(1000);
    // RUB is the ISO code of the Market's RUR: the same money.
    expect(orderBalance(o, [{ ...ret(1, 'RETURN', null, [['A', 1]]), amount: { value: 400, currencyId: 'RUB' } }]).remains).toBe(600);
  });
});

describe('the deprecated amounts in kopecks', () => {
  it('are read as roubles when the Market sends no `amount`', () => {
    const store = openStore(':memory:');
    try {
      store.upsertCampaigns([{ id: 11, placementType: 'FBS', business: { id: 1, name: 'B' } }], Date.now());
      store.upsertReturns(
        11,
        [
          {
            id: 5,
            orderId: 4700,
            returnType: 'RETURN',
            refundStatus: 'REFUNDED',
            refundAmount: 419_050,
            items: [
              {
                shopSku: 'KETTLE',
                count: 2,
                decisions: [{ returnItemId: 9, decisionType: 'REFUND_MONEY_INCLUDING_SHIPMENT', refundAmount: 419_050, partnerCompensation: 19_900 }],
              },
            ],
          },
        ],
        Date.now(),
      );
      const detail = store.returnDetail(5)!;
      expect(detail.return.amount, quote('refundAmountKopecks')).toEqual(rub(4190.5));
      expect(detail.items[0]!.decisions[0]).toMatchObject({ amount: rub(4190.5), partnerCompensation: rub(199) });
      expect(detail.money.takeBacks[0]).toMatchObject({ basis: 'refund', amount: rub(4190.5) });
    } finally {
      store.close();
    }
  });
});

describe('the balance read from the store', () => {
  it('values a stored non-purchase without an amount by its stored order lines', () => {
    const store = openStore(':memory:');
    try {
      store.upsertCampaigns([{ id: 11, placementType: 'FBS', business: { id: 1, name: 'B' } }], Date.now());
      store.upsertOrders(
        [
          {
            ...order([line(1, 'SHOES', 1, { payment: 11_940 }), line(2, 'KETTLE', 2, { payment: 3590, cashback: 380, subsidy: 210 })], {
              payment: 15_530,
              cashback: 380,
              subsidy: 210,
            }),
            campaignId: 11,
          },
        ],
        Date.now(),
      );
      store.upsertReturns(
        11,
        [
          { id: 19, orderId: 4700, returnType: 'UNREDEEMED', items: [{ shopSku: 'SHOES', count: 1 }] },
          { id: 20, orderId: 4700, returnType: 'RETURN', refundStatus: 'REFUNDED', amount: rub(2090), items: [{ shopSku: 'KETTLE', count: 1 }] },
        ],
        Date.now(),
      );
      const money = store.returnDetail(20)!.money;
      expect(money.cost).toEqual({ payment: 15_530, cashback: 380, subsidy: 210, total: 16_120 });
      expect(money.takeBacks.map((t) => [t.returnId, t.basis, t.amount?.value])).toEqual([
        [19, 'lines', 11_940],
        [20, 'refund', 2090],
      ]);
      expect(money.remains).toBe(2090);
      // One kettle of two: its share of the line's payment, Plus points and subsidy.
      expect(store.returnDetail(20)!.items[0]!.position).toEqual({ payment: rub(1795), cashback: rub(190), subsidy: rub(105), total: rub(2090) });
    } finally {
      store.close();
    }
  });
});
