// Internal records → the Market's wire DTOs (names and shapes from the OpenAPI).
import { ddmmyyyyMsk, dateMsk, isoMsk } from './clock.ts';
import { PICKUP_POINTS } from './catalog.ts';
import type { Campaign, Business, Order, OrderItem, ReturnRecord } from './types.ts';

const rur = (value: number): { value: number; currencyId: 'RUR' } => ({ value: Math.round(value * 100) / 100, currencyId: 'RUR' });

export function campaignDto(c: Campaign, b: Business): Record<string, unknown> {
  return {
    domain: c.domain,
    id: c.id,
    clientId: c.id + 1000,
    business: { id: b.id, name: b.name },
    // The published PlacementType has no EXPRESS: Express stores are FBS stores with express delivery.
    placementType: c.program === 'EXPRESS' ? 'FBS' : c.program,
    apiAvailability: 'AVAILABLE',
  };
}

export function returnDto(r: ReturnRecord): Record<string, unknown> {
  const amount = r.items.reduce((s, i) => s + itemRefund(r, i), 0);
  const dto: Record<string, unknown> = {
    id: r.id,
    orderId: r.orderId,
    creationDate: isoMsk(r.createdAt),
    updateDate: isoMsk(r.updatedAt),
  };
  if (r.refundStatus) dto.refundStatus = r.refundStatus;
  if (r.pickupPointId) {
    const p = PICKUP_POINTS.find((x) => x.id === r.pickupPointId) ?? PICKUP_POINTS[0];
    if (p) {
      dto.logisticPickupPoint = {
        id: p.id,
        name: p.name,
        address: { country: 'Россия', city: p.city, street: p.street, house: p.house, postcode: '101000' },
        instruction: 'Вход со двора, окно выдачи возвратов',
        type: 'PICKUP_POINT',
        logisticPartnerId: 1005471,
      };
    }
  }
  if (r.pickupTillDate) dto.pickupTillDate = isoMsk(r.pickupTillDate);
  if (r.recipientType && r.shipmentStatus) dto.shipmentRecipientType = r.recipientType;
  if (r.shipmentStatus) dto.shipmentStatus = r.shipmentStatus;
  dto.refundAmount = Math.round(amount * 100);
  dto.amount = rur(amount);
  dto.items = r.items.map((i) => {
    const item: Record<string, unknown> = { marketSku: i.marketSku, shopSku: i.offerId, count: i.count };
    if (r.returnType === 'RETURN') {
      const d = i.decision;
      const decision: Record<string, unknown> = { returnItemId: i.returnItemId, count: i.count };
      if (d?.comment) decision.comment = d.comment;
      else if (i.buyerComment) decision.comment = i.buyerComment;
      if (i.reasonType) decision.reasonType = i.reasonType;
      if (i.subreasonType) decision.subreasonType = i.subreasonType;
      if (d) decision.decisionType = d.decisionType;
      const refund = itemRefund(r, i);
      decision.refundAmount = Math.round(refund * 100);
      decision.amount = rur(refund);
      if (d?.decisionType === 'REFUND_MONEY_INCLUDING_SHIPMENT') {
        decision.partnerCompensation = 19900;
        decision.partnerCompensationAmount = rur(199);
      }
      if (i.images.length) decision.images = [...i.images];
      item.decisions = [decision];
    }
    const units = Math.max(i.cis.length, i.imei.length);
    if (units > 0) {
      item.instances = Array.from({ length: units }, (_, k) => {
        const inst: Record<string, unknown> = {
          stockType:
            r.shipmentStatus === 'FULFILMENT_RECEIVED' || r.shipmentStatus === 'PICKED'
              ? k === 0 && r.returnType === 'RETURN'
                ? 'DEFECT'
                : 'FIT'
              : 'UNDEFINED',
          status: instanceStatus(r.shipmentStatus),
        };
        if (i.cis[k]) inst.cis = i.cis[k];
        if (i.imei[k]) inst.imei = i.imei[k];
        return inst;
      });
    }
    if (r.recipientType === 'POST' && r.shipmentStatus && r.shipmentStatus !== 'CREATED') item.tracks = [{ trackCode: `RA${String(r.id).padStart(9, '0')}RU` }];
    return item;
  });
  dto.returnType = r.returnType;
  if (r.returnType === 'RETURN') dto.fastReturn = r.fastReturn;
  return dto;
}

function instanceStatus(shipment: string | undefined): string {
  switch (shipment) {
    case 'IN_TRANSIT':
    case 'READY_FOR_PICKUP':
    case 'PICKED':
    case 'CANCELLED':
    case 'LOST':
    case 'RECEIVED':
      return shipment;
    case 'FULFILMENT_RECEIVED':
      return 'RECEIVED_ON_FULFILLMENT';
    default:
      return 'CREATED';
  }
}

function itemRefund(r: ReturnRecord, i: ReturnRecord['items'][number]): number {
  if (i.decision?.decisionType === 'PARTIAL_MONEY_REFUND' && i.decision.compensation) return i.decision.compensation;
  if (i.decision?.decisionType === 'DECLINE_REFUND') return 0;
  if (r.refundStatus === 'REJECTED' || r.refundStatus === 'CANCELLED') return 0;
  return i.unitValue * i.count;
}

const kopecks = (roubles: number): number => Math.round(roubles * 100);

/**
 * ItemPriceDTO of a line: "Если в заказе несколько единиц товаров, в параметрах возвращается
 * суммарное значение" — every amount is the total for all units of the line, in kopecks.
 */
export function lineTotals(i: OrderItem): { payment: number; cashback: number; subsidy: number } {
  return { payment: kopecks(i.unitPayment) * i.count, cashback: kopecks(i.unitCashback) * i.count, subsidy: kopecks(i.unitSubsidy) * i.count };
}

/** OrderPriceDTO's goods amounts: the sums of the lines, so the lines always add up to the order. */
export function orderTotals(o: Order): { payment: number; cashback: number; subsidy: number } {
  const sum = { payment: 0, cashback: 0, subsidy: 0 };
  for (const i of o.items) {
    const t = lineTotals(i);
    sum.payment += t.payment;
    sum.cashback += t.cashback;
    sum.subsidy += t.subsidy;
  }
  return sum;
}

const fromKopecks = (k: number): { value: number; currencyId: 'RUR' } => ({ value: k / 100, currencyId: 'RUR' });

export function businessOrderDto(o: Order): Record<string, unknown> {
  const totals = orderTotals(o);
  return {
    orderId: o.id,
    campaignId: o.campaignId,
    programType: o.program,
    externalOrderId: `EXT-${o.id}`,
    status: o.status,
    substatus: o.substatus,
    creationDate: isoMsk(o.createdAt),
    updateDate: isoMsk(o.updatedAt),
    paymentType: o.paymentType,
    paymentMethod: o.paymentMethod,
    fake: false,
    items: o.items.map((i) => {
      const item: Record<string, unknown> = {
        id: i.id,
        offerId: i.offerId,
        offerName: i.offerName,
        count: i.count,
        prices: lineDto(i),
      };
      const inst = [...i.cis.map((cis) => ({ cis })), ...i.imei.map(() => ({ countryCode: 'CN' }))];
      if (i.cis.length) {
        item.instances = inst;
        item.requiredInstanceTypes = ['CIS'];
      }
      if (i.count > 0) item.itemStatuses = [{ status: 'DELIVERED_TO_BUYER', count: i.count }];
      else item.itemStatuses = [{ status: 'CANCELLED', count: i.initialCount }];
      return item;
    }),
    prices: {
      payment: fromKopecks(totals.payment),
      ...(totals.cashback > 0 ? { cashback: fromKopecks(totals.cashback) } : {}),
      subsidy: fromKopecks(totals.subsidy),
      delivery: { payment: rur(o.deliveryPrice), vat: 'VAT_20' },
    },
    delivery: {
      type: o.deliveryType,
      serviceName: o.program === 'DBS' ? 'Собственная служба доставки' : 'Доставка Маркета',
      deliveryServiceId: o.program === 'DBS' ? 99 : 1005471,
      deliveryPartnerType: o.program === 'DBS' ? 'SHOP' : 'YANDEX_MARKET',
      dispatchType: o.deliveryType === 'PICKUP' ? 'MARKET_BRANDED_OUTLET' : 'BUYER',
      dates: { fromDate: dateMsk(o.deliveredAt), toDate: dateMsk(o.deliveredAt), realDeliveryDate: dateMsk(o.deliveredAt) },
      shipment: { id: o.id % 1_000_000, shipmentDate: dateMsk(o.createdAt + 86400_000) },
      ...(o.deliveryType === 'PICKUP'
        ? { pickup: { address: { country: 'Россия', city: o.city }, region: { id: 213, name: o.city, type: 'CITY' } } }
        : {
            courier: {
              address: { country: 'Россия', city: o.city, street: 'улица Ленина', house: String((o.id % 90) + 1) },
              region: { id: 213, name: o.city, type: 'CITY' },
            },
          }),
    },
    buyerType: 'PERSON',
    cancelRequested: false,
    sourcePlatform: 'MARKET',
  };
}

function lineDto(i: OrderItem): Record<string, unknown> {
  const t = lineTotals(i);
  return { payment: fromKopecks(t.payment), ...(t.cashback > 0 ? { cashback: fromKopecks(t.cashback) } : {}), subsidy: fromKopecks(t.subsidy), vat: i.vat };
}

/** The deprecated getOrder: per-unit prices; Plus points count among the subsidies there (YANDEX_CASHBACK). */
export function orderDto(o: Order): Record<string, unknown> {
  const totals = orderTotals(o);
  const itemsTotal = totals.payment / 100;
  const before = (totals.payment + totals.cashback + totals.subsidy) / 100;
  return {
    id: o.id,
    externalOrderId: `EXT-${o.id}`,
    status: o.status,
    substatus: o.substatus,
    creationDate: ddmmyyyyMsk(o.createdAt),
    updatedAt: ddmmyyyyMsk(o.updatedAt),
    currency: 'RUR',
    itemsTotal,
    deliveryTotal: o.deliveryPrice,
    buyerItemsTotal: itemsTotal,
    buyerTotal: itemsTotal + o.deliveryPrice,
    buyerItemsTotalBeforeDiscount: before,
    buyerTotalBeforeDiscount: before + o.deliveryPrice,
    paymentType: o.paymentType,
    paymentMethod: o.paymentMethod,
    fake: false,
    items: o.items.map((i) => ({
      id: i.id,
      offerId: i.offerId,
      offerName: i.offerName,
      price: i.unitPayment,
      buyerPrice: i.unitPayment,
      buyerPriceBeforeDiscount: i.unitPayment + i.unitCashback + i.unitSubsidy,
      priceBeforeDiscount: i.unitPayment + i.unitCashback + i.unitSubsidy,
      count: i.count,
      vat: i.vat,
      shopSku: i.offerId,
      subsidy: i.unitCashback + i.unitSubsidy,
      ...(i.cis.length ? { instances: i.cis.map((cis) => ({ cis })) } : {}),
    })),
    delivery: {
      type: o.deliveryType,
      serviceName: o.program === 'DBS' ? 'Собственная служба доставки' : 'Доставка Маркета',
      price: o.deliveryPrice,
      deliveryPartnerType: o.program === 'DBS' ? 'SHOP' : 'YANDEX_MARKET',
      dates: { fromDate: ddmmyyyyMsk(o.deliveredAt, false), toDate: ddmmyyyyMsk(o.deliveredAt, false), realDeliveryDate: ddmmyyyyMsk(o.deliveredAt, false) },
      region: { id: 213, name: o.city, type: 'CITY' },
      deliveryServiceId: o.program === 'DBS' ? 99 : 1005471,
    },
    buyer: { type: 'PERSON' },
    taxSystem: 'OSN',
    cancelRequested: false,
  };
}
