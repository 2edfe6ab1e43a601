// Deterministic demo data: businesses, campaigns, orders, returns, photos, chats — relative to the clock start.
import { createRng, type Rng } from './rng.ts';
import { buildCatalog, BUYER_NAMES, CITIES, REASONS } from './catalog.ts';
import { autoConfirmedStatus, awaitingStatus, DECISION_WINDOW_MS, decisionMadeStatus, isPremoderation } from './state-machine.ts';
import type { Business, Campaign, Chat, ImageSpec, Order, OrderItem, Product, Program, ReturnItem, ReturnRecord } from './types.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface World {
  businesses: Business[];
  campaigns: Campaign[];
  catalogs: Map<number, Product[]>;
  orders: Map<number, Order>;
  returns: Map<number, ReturnRecord>;
  images: Map<string, ImageSpec>;
  chats: Map<number, Chat>;
  ids: { nextReturnId: number; nextOrderId: number; nextItemId: number; nextReturnItemId: number; nextChatId: number; nextMessageId: number };
}

export interface GenerateOptions {
  seed: number;
  returns: number;
  startTime: number;
  apiKey: string;
  otherApiKey: string;
}

export function luhnImei(rng: Rng): string {
  const body = '35' + rng.digits(12);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export function cisCode(rng: Rng): string {
  // GS1 DataMatrix payload: (01) GTIN, (21) serial — printable part only.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789';
  let serial = '';
  for (let i = 0; i < 13; i++) serial += alphabet[rng.int(0, alphabet.length - 1)];
  return `010460${rng.digits(8)}21${serial}`;
}

export function newImage(world: World, rng: Rng, forced?: Partial<ImageSpec>): ImageSpec {
  let hash = rng.hex(32);
  while (world.images.has(hash)) hash = rng.hex(32);
  const roll = rng.next();
  let spec: ImageSpec;
  if (roll < 0.62) spec = { hash, format: 'jpeg', width: rng.pick([1200, 1280, 1600, 1920]), height: 0 };
  else if (roll < 0.84) spec = { hash, format: 'png', width: rng.pick([640, 800, 1024]), height: 0 };
  else if (roll < 0.97) spec = { hash, format: 'jpeg', width: rng.pick([2400, 3000]), height: 0 };
  else spec = { hash, format: 'png', width: 1600, height: 0 };
  spec.height = Math.round((spec.width * 3) / 4);
  if (rng.chance(0.2)) [spec.width, spec.height] = [spec.height, spec.width];
  Object.assign(spec, forced);
  world.images.set(spec.hash, spec);
  return spec;
}

interface Scenario {
  type: 'UNREDEEMED' | 'RETURN';
  status?: string;
  ageMs: number;
}

function pickScenario(rng: Rng, program: Program): Scenario {
  if (rng.chance(0.33)) return { type: 'UNREDEEMED', ageMs: rng.int(1, 20 * 24) * HOUR };
  const roll = rng.next();
  const premod = isPremoderation(program);
  if (roll < 0.03) return { type: 'RETURN', status: 'STARTED_BY_USER', ageMs: rng.int(0, 8 * 60_000) };
  if (roll < 0.09) return { type: 'RETURN', status: awaitingStatus(program), ageMs: rng.int(44 * HOUR, 47 * HOUR + 50 * 60_000) };
  if (roll < 0.2) return { type: 'RETURN', status: awaitingStatus(program), ageMs: rng.int(20 * 60_000, 44 * HOUR) };
  if (roll < 0.28) return { type: 'RETURN', status: decisionMadeStatus(program), ageMs: rng.int(2, 5) * DAY };
  if (premod && roll < 0.32) return { type: 'RETURN', status: 'PREMODERATION_DISPUTE', ageMs: rng.int(3, 8) * DAY };
  if (roll < 0.4) return { type: 'RETURN', status: autoConfirmedStatus(program), ageMs: rng.int(3, 6) * DAY };
  if (roll < 0.58) return { type: 'RETURN', status: 'REFUND_IN_PROGRESS', ageMs: rng.int(4, 10) * DAY };
  if (roll < 0.66) return { type: 'RETURN', status: 'REJECTED', ageMs: rng.int(5, 20) * DAY };
  if (roll < 0.69) return { type: 'RETURN', status: 'CANCELLED', ageMs: rng.int(3, 15) * DAY };
  return { type: 'RETURN', status: 'REFUNDED', ageMs: rng.int(6, 30) * DAY };
}

function makeOrder(world: World, rng: Rng, campaign: Campaign, catalog: Product[], createdAt: number, itemCount: number, now: number): Order {
  const items: OrderItem[] = [];
  const used = new Set<string>();
  for (let i = 0; i < itemCount; i++) {
    let p = rng.pick(catalog);
    while (used.has(p.offerId)) p = rng.pick(catalog);
    used.add(p.offerId);
    const count = p.price > 15000 ? 1 : rng.pick([1, 1, 1, 2, 3]);
    // The catalogue price splits into the Market's subsidy, Plus points and the buyer's money.
    const unitSubsidy = rng.chance(0.3) ? Math.round(p.price * 0.05) : 0;
    const unitCashback = rng.chance(0.2) ? Math.round((p.price - unitSubsidy) * 0.1) : 0;
    const item: OrderItem = {
      id: world.ids.nextItemId++,
      offerId: p.offerId,
      offerName: p.name,
      marketSku: p.marketSku,
      count,
      initialCount: count,
      unitPayment: p.price - unitSubsidy - unitCashback,
      unitCashback,
      unitSubsidy,
      vat: rng.pick(['VAT_20', 'VAT_20', 'NO_VAT', 'VAT_10']),
      cis: p.marking === 'CIS' ? Array.from({ length: count }, () => cisCode(rng)) : [],
      imei: p.marking === 'IMEI' ? Array.from({ length: count }, () => luhnImei(rng)) : [],
    };
    items.push(item);
  }
  // Now and then the seller removed an item before shipping: it stays in the order with count 0.
  if (items.length > 1 && rng.chance(0.06)) {
    const removed = items[items.length - 1] as OrderItem;
    removed.count = 0;
    removed.cis = [];
    removed.imei = [];
  }
  // Delivered before the world's now: a return of it (created after delivery) is never dated in the future.
  const deliveredAt = Math.min(now, createdAt + rng.int(1, 4) * DAY);
  const order: Order = {
    id: world.ids.nextOrderId,
    campaignId: campaign.id,
    businessId: campaign.businessId,
    program: campaign.program,
    status: 'DELIVERED',
    substatus: 'DELIVERY_SERVICE_DELIVERED',
    createdAt,
    updatedAt: deliveredAt,
    deliveredAt,
    paymentType: rng.chance(0.85) ? 'PREPAID' : 'POSTPAID',
    paymentMethod: 'YANDEX',
    deliveryType: rng.chance(0.7) ? 'PICKUP' : 'DELIVERY',
    deliveryPrice: rng.pick([0, 0, 99, 149, 249]),
    items,
    buyerName: rng.pick(BUYER_NAMES),
    city: rng.pick(CITIES),
  };
  if (order.paymentType === 'POSTPAID') order.paymentMethod = rng.pick(['CARD_ON_DELIVERY', 'CASH_ON_DELIVERY']);
  else order.paymentMethod = rng.pick(['YANDEX', 'YANDEX', 'SBP', 'APPLE_PAY']);
  world.ids.nextOrderId += rng.int(1, 40);
  world.orders.set(order.id, order);
  return order;
}

/** What the seller is owed for one unit of the line: the buyer's money, Plus points and the Market's subsidy. */
export function unitValue(item: OrderItem): number {
  return item.unitPayment + item.unitCashback + item.unitSubsidy;
}

export interface ReturnDraft {
  type: 'UNREDEEMED' | 'RETURN';
  status?: string;
  createdAt: number;
  now: number;
  items: { orderItem: OrderItem; count: number; photos: number; forcedImages?: Partial<ImageSpec>[] }[];
  fastReturn?: boolean;
  shipmentStatus?: string;
}

/** Builds a return on an existing order; the state is made consistent with `status` and the times. */
export function makeReturn(world: World, rng: Rng, order: Order, draft: ReturnDraft): ReturnRecord {
  const program = order.program;
  const id = world.ids.nextReturnId;
  world.ids.nextReturnId += rng.int(1, 25);
  const isReturn = draft.type === 'RETURN';
  const reason = rng.pick(REASONS);
  const items: ReturnItem[] = draft.items.map((d) => {
    const images: string[] = [];
    if (isReturn) {
      for (let k = 0; k < d.photos; k++) images.push(newImage(world, rng, d.forcedImages?.[k]).hash);
    }
    return {
      returnItemId: world.ids.nextReturnItemId++,
      orderItemId: d.orderItem.id,
      offerId: d.orderItem.offerId,
      marketSku: d.orderItem.marketSku,
      count: d.count,
      unitValue: unitValue(d.orderItem),
      reasonType: isReturn ? reason.reason : undefined,
      subreasonType: isReturn ? rng.pick(reason.subreasons) : undefined,
      buyerComment: isReturn ? rng.pick(reason.comments) || undefined : undefined,
      images,
      cis: d.orderItem.cis.slice(0, d.count),
      imei: d.orderItem.imei.slice(0, d.count),
    };
  });
  const r: ReturnRecord = {
    id,
    orderId: order.id,
    campaignId: order.campaignId,
    businessId: order.businessId,
    program,
    returnType: draft.type,
    createdAt: draft.createdAt,
    updatedAt: draft.createdAt,
    fastReturn: isReturn && (draft.fastReturn ?? false),
    items,
    moderationDelayMs: 10 * 60_000,
  };
  if (!isReturn) {
    r.recipientType = 'SHOP';
    const age = draft.now - draft.createdAt;
    r.shipmentStatus =
      draft.shipmentStatus ?? (age < 2 * DAY ? 'IN_TRANSIT' : age < 5 * DAY ? 'READY_FOR_PICKUP' : program === 'FBY' ? 'FULFILMENT_RECEIVED' : 'PICKED');
    r.updatedAt = Math.min(draft.now, draft.createdAt + Math.min(age, rng.int(1, 48) * HOUR));
    if (r.shipmentStatus === 'READY_FOR_PICKUP') {
      r.pickupTillDate = r.updatedAt + 7 * DAY;
      r.pickupPointId = rng.pick([10001234, 10004567, 10007890]);
    }
    return r;
  }
  r.recipientType = r.fastReturn ? undefined : program === 'DBS' ? 'SHOP' : rng.pick(['DELIVERY_SERVICE', 'DELIVERY_SERVICE', 'POST']);
  const status = draft.status ?? awaitingStatus(program);
  r.refundStatus = status;
  const deadline = draft.createdAt + DECISION_WINDOW_MS;
  const decidedAt = Math.min(draft.now, draft.createdAt + rng.int(1, 40) * HOUR);
  const decide = (decisionType: string): void => {
    for (const it of items) {
      it.decision = { decisionType };
      if (decisionType === 'DECLINE_REFUND') {
        it.decision.decisionReasonType = 'ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED';
        it.decision.comment = 'Дефект не подтвердился при проверке';
      }
    }
  };
  switch (status) {
    case 'STARTED_BY_USER':
      r.moderationDelayMs = 10 * 60_000;
      break;
    case 'PREMODERATION_DECISION_WAITING':
    case 'WAITING_FOR_DECISION':
      r.moderationDelayMs = Math.min(10 * 60_000, Math.max(0, draft.now - draft.createdAt));
      r.updatedAt = draft.createdAt + r.moderationDelayMs;
      r.shipmentStatus = r.fastReturn ? undefined : 'CREATED';
      break;
    case 'PREMODERATION_DECISION_MADE':
    case 'DECISION_MADE':
      decide(rng.chance(0.6) ? 'REFUND_MONEY' : 'DECLINE_REFUND');
      r.updatedAt = decidedAt;
      r.shipmentStatus = r.fastReturn ? undefined : 'CREATED';
      break;
    case 'PREMODERATION_DISPUTE':
      decide('DECLINE_REFUND');
      r.updatedAt = Math.min(draft.now, decidedAt + rng.int(2, 20) * HOUR);
      r.shipmentStatus = 'CREATED';
      break;
    case 'PREMODERATION_SELECT_DELIVERY':
      // Confirmed by the Market only once its deadline has passed: never at a time the world has not reached.
      if (rng.chance(0.5) || deadline > draft.now) decide('REFUND_MONEY');
      else r.autoConfirmed = true;
      r.updatedAt = r.autoConfirmed ? deadline : decidedAt;
      r.shipmentStatus = 'CREATED';
      break;
    default: {
      decide(rng.pick(['REFUND_MONEY', 'REFUND_MONEY', 'PARTIAL_MONEY_REFUND', 'REPLACE']));
      for (const it of items) {
        if (it.decision?.decisionType === 'PARTIAL_MONEY_REFUND') it.decision.compensation = Math.max(1, Math.floor(it.unitValue * it.count * 0.2));
      }
      if (status === 'REJECTED') decide('DECLINE_REFUND');
      r.updatedAt = Math.min(draft.now, draft.createdAt + rng.int(3, 9) * DAY);
      if (!r.fastReturn) {
        r.shipmentStatus =
          status === 'REFUND_IN_PROGRESS'
            ? rng.pick(['IN_TRANSIT', 'READY_FOR_PICKUP', 'RECEIVED'])
            : status === 'CANCELLED'
              ? 'CANCELLED'
              : rng.pick(['PICKED', 'FULFILMENT_RECEIVED', 'RECEIVED']);
      }
      if (r.shipmentStatus === 'READY_FOR_PICKUP') {
        r.pickupTillDate = r.updatedAt + 5 * DAY;
        r.pickupPointId = rng.pick([10001234, 10004567, 10007890]);
      }
    }
  }
  if (draft.shipmentStatus) r.shipmentStatus = draft.shipmentStatus;
  return r;
}

/**
 * One cabinet (business) per API key, as the Market issues keys: the demo key's cabinet holds all
 * four placement models; the other key's cabinet is another seller's, for 403 checks.
 */
function makeBusinessCampaigns(rng: Rng): { businesses: Omit<Business, 'apiKey'>[]; campaigns: Campaign[] } {
  const b1 = 10_000_000 + rng.int(100_000, 900_000);
  const b2 = b1 + rng.int(10, 999) + rng.int(10, 999);
  let c = 21_000_000 + rng.int(100_000, 900_000);
  const nextC = (): number => (c += rng.int(3, 300));
  return {
    businesses: [
      { id: b1, name: 'ООО «Техно Дом»' },
      { id: b2, name: 'ООО «Чужой продавец»' },
    ],
    campaigns: [
      { id: nextC(), businessId: b1, domain: 'Техно Дом FBS', program: 'FBS' },
      { id: nextC(), businessId: b1, domain: 'Техно Дом FBY', program: 'FBY' },
      { id: nextC(), businessId: b1, domain: 'Техно Дом Экспресс', program: 'EXPRESS' },
      { id: nextC(), businessId: b1, domain: 'Техно Дом DBS', program: 'DBS' },
      { id: nextC(), businessId: b2, domain: 'Чужой магазин FBS', program: 'FBS' },
    ],
  };
}

export function generateWorld(opts: GenerateOptions): World {
  const rng = createRng(opts.seed);
  const { businesses, campaigns } = makeBusinessCampaigns(rng);
  const world: World = {
    businesses: businesses.map((b, i) => ({ ...b, apiKey: i === 0 ? opts.apiKey : opts.otherApiKey })),
    campaigns,
    catalogs: new Map(),
    orders: new Map(),
    returns: new Map(),
    images: new Map(),
    chats: new Map(),
    ids: {
      nextReturnId: 19_000_000 + rng.int(0, 999_999),
      nextOrderId: 4_700_000_000 + rng.int(0, 99_999_999),
      nextItemId: 310_000_000 + rng.int(0, 9_999_999),
      nextReturnItemId: 520_000_000 + rng.int(0, 9_999_999),
      nextChatId: 2_300_000 + rng.int(0, 99_999),
      nextMessageId: 88_000_000 + rng.int(0, 999_999),
    },
  };
  for (const b of world.businesses) world.catalogs.set(b.id, buildCatalog(rng, b.id === businesses[0]?.id ? 'TD' : 'XX'));
  const now = opts.startTime;
  const other = campaigns[4] as Campaign;
  const mine = campaigns.slice(0, 4);
  const otherCount = Math.max(5, Math.round(opts.returns * 0.04));
  const mineCount = Math.max(1, opts.returns - otherCount);
  let forcedBig = 0;
  const produce = (campaign: Campaign, count: number): void => {
    const catalog = world.catalogs.get(campaign.businessId) as Product[];
    let made = 0;
    while (made < count) {
      const scenario = pickScenario(rng, campaign.program);
      const createdAt = now - scenario.ageMs;
      const orderCreated = createdAt - rng.int(2, 10) * DAY;
      const order = makeOrder(world, rng, campaign, catalog, orderCreated, rng.pick([1, 1, 1, 2, 2, 3, 4]), now);
      const live = order.items.filter((i) => i.count > 0);
      const multi = live.length >= 2 && made + 1 < count && rng.chance(0.15);
      const groups = multi
        ? [live.slice(0, 1), live.slice(1)]
        : [scenario.type === 'UNREDEEMED' && rng.chance(0.6) ? live : live.slice(0, rng.int(1, live.length))];
      const rets: ReturnRecord[] = [];
      groups.forEach((group, gi) => {
        const sc = gi === 0 ? scenario : pickScenario(rng, campaign.program);
        const items = group.map((oi) => {
          let photos = sc.type === 'RETURN' ? rng.pick([0, 1, 1, 2, 2, 3, 3, 4, 5, 8]) : 0;
          let forcedImages: Partial<ImageSpec>[] | undefined;
          // The first awaiting returns carry the heavy photos so every demo shows them.
          if (sc.type === 'RETURN' && sc.status === awaitingStatus(campaign.program) && forcedBig < 2 && campaign.program !== 'DBS') {
            photos = 8;
            forcedImages =
              forcedBig === 0
                ? [
                    { format: 'jpeg', width: 4000, height: 3000 },
                    { format: 'png', width: 2000, height: 1500 },
                  ]
                : [{ format: 'jpeg', width: 3000, height: 4000 }];
            forcedBig++;
          }
          return { orderItem: oi, count: sc.type === 'UNREDEEMED' ? oi.count : rng.int(1, oi.count), photos, forcedImages };
        });
        const ret = makeReturn(world, rng, order, {
          type: sc.type,
          status: sc.status,
          createdAt: Math.max(order.deliveredAt, now - sc.ageMs),
          now,
          items,
          fastReturn: sc.type === 'RETURN' && items.every((i) => unitValue(i.orderItem) < 2000) && rng.chance(0.5),
        });
        world.returns.set(ret.id, ret);
        rets.push(ret);
        made++;
      });
      // A partial non-purchase leaves the order DELIVERED; a full one cancels it.
      const unredeemedAll = rets.some(
        (r) => r.returnType === 'UNREDEEMED' && r.items.reduce((s, i) => s + i.count, 0) === live.reduce((s, i) => s + i.count, 0),
      );
      if (unredeemedAll) {
        order.status = 'CANCELLED';
        order.substatus = 'USER_REFUSED_DELIVERY';
      } else if (rets.some((r) => r.returnType === 'RETURN' && r.refundStatus === 'REFUNDED')) {
        order.status = 'PARTIALLY_RETURNED';
        order.substatus = 'DELIVERY_SERVICE_DELIVERED';
      }
    }
  };
  const shares = [0.4, 0.25, 0.15, 0.2];
  let assigned = 0;
  mine.forEach((c, i) => {
    const n = i === mine.length - 1 ? mineCount - assigned : Math.max(1, Math.round(mineCount * (shares[i] ?? 0)));
    produce(c, n);
    assigned += n;
  });
  produce(other, otherCount);
  return world;
}
