import { z } from 'zod';

// Schemas of what the app reads from the Market Partner API (OpenAPI in ../shared/reference).
// Tolerant by design: unknown enum values are kept as raw strings, unknown fields are stripped,
// optional and nullable fields stay optional. Required fields are the spec's `required` lists.

/** An enum the server may grow: known values keep their literal types, unknown ones pass as strings. */
export function openEnum<const T extends readonly [string, ...string[]]>(known: T): z.ZodType<T[number] | (string & {})> {
  return z.string().describe(`one of ${known.join(', ')}, or a newer value`) as unknown as z.ZodType<T[number] | (string & {})>;
}

/** True when `value` is one of `known` — the UI shows anything else as "unknown". */
export function isKnown<const T extends readonly string[]>(known: T, value: string | null | undefined): value is T[number] {
  return value != null && (known as readonly string[]).includes(value);
}

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');
const int = z.number().int();

export const REFUND_STATUSES = [
  'STARTED_BY_USER',
  'REFUND_IN_PROGRESS',
  'REFUNDED',
  'FAILED',
  'WAITING_FOR_DECISION',
  'DECISION_MADE',
  'REFUNDED_WITH_BONUSES',
  'REFUNDED_BY_SHOP',
  'CANCELLED',
  'REJECTED',
  'COMPLETE_WITHOUT_REFUND',
  'PREMODERATION_DISPUTE',
  'PREMODERATION_DECISION_WAITING',
  'PREMODERATION_DECISION_MADE',
  'PREMODERATION_SELECT_DELIVERY',
  'UNKNOWN',
] as const;
export const RefundStatus = openEnum(REFUND_STATUSES);
export type RefundStatus = z.infer<typeof RefundStatus>;

export const RETURN_SHIPMENT_STATUSES = [
  'CREATED',
  'RECEIVED',
  'IN_TRANSIT',
  'READY_FOR_PICKUP',
  'PICKED',
  'LOST',
  'EXPIRED',
  'CANCELLED',
  'FULFILMENT_RECEIVED',
  'PREPARED_FOR_UTILIZATION',
  'NOT_IN_DEMAND',
  'UTILIZED',
  'READY_FOR_EXPROPRIATION',
  'RECEIVED_FOR_EXPROPRIATION',
  'UNKNOWN',
] as const;
export const ReturnShipmentStatus = openEnum(RETURN_SHIPMENT_STATUSES);

export const RETURN_TYPES = ['UNREDEEMED', 'RETURN'] as const;
export const ReturnType = openEnum(RETURN_TYPES);
export type ReturnType = z.infer<typeof ReturnType>;

export const RETURN_DECISION_TYPES = [
  'FAST_REFUND_MONEY',
  'REFUND_MONEY',
  'REFUND_MONEY_INCLUDING_SHIPMENT',
  'REPAIR',
  'REPLACE',
  'SEND_TO_EXAMINATION',
  'DECLINE_REFUND',
  'PARTIAL_MONEY_REFUND',
  'OTHER_DECISION',
  'UNKNOWN',
] as const;
export const ReturnDecisionType = openEnum(RETURN_DECISION_TYPES);

export const RETURN_DECISION_REASONS = [
  'BAD_QUALITY',
  'DOES_NOT_FIT',
  'WRONG_ITEM',
  'DAMAGE_DELIVERY',
  'LOYALTY_FAIL',
  'CONTENT_FAIL',
  'DELIVERY_FAIL',
  'UNKNOWN',
] as const;
export const RETURN_DECISION_SUBREASONS = [
  'USER_DID_NOT_LIKE',
  'USER_CHANGED_MIND',
  'DELIVERED_TOO_LONG',
  'BAD_PACKAGE',
  'DAMAGED',
  'NOT_WORKING',
  'INCOMPLETENESS',
  'WRONG_ITEM',
  'WRONG_COLOR',
  'DID_NOT_MATCH_DESCRIPTION',
  'WRONG_ORDER',
  'WRONG_AMOUNT_DELIVERED',
  'WRAPPING_DAMAGED',
  'ITEM_WAS_USED',
  'BROKEN',
  'BAD_FLOWERS',
  'PARCEL_MISSING',
  'INCOMPLETE',
  'UNKNOWN',
] as const;
export const RETURN_INSTANCE_STATUSES = [
  'CREATED',
  'RECEIVED',
  'IN_TRANSIT',
  'READY_FOR_PICKUP',
  'PICKED',
  'RECEIVED_ON_FULFILLMENT',
  'CANCELLED',
  'LOST',
  'UTILIZED',
  'PREPARED_FOR_UTILIZATION',
  'EXPROPRIATED',
  'NOT_IN_DEMAND',
] as const;
export const RETURN_INSTANCE_STOCK_TYPES = [
  'FIT',
  'DEFECT',
  'ANOMALY',
  'SURPLUS',
  'EXPIRED',
  'MISGRADING',
  'UNDEFINED',
  'INCORRECT_IMEI',
  'INCORRECT_SERIAL_NUMBER',
  'INCORRECT_CIS',
  'PART_MISSING',
  'NON_COMPLIENT',
  'NOT_ACCEPTABLE',
  'SERVICE',
  'MARKDOWN',
  'DEMO',
  'REPAIR',
  'FIRMWARE',
  'UNKNOWN',
] as const;
/** Decisions the seller may submit (ReturnRequestDecisionType: no UNKNOWN). */
export const REQUEST_DECISION_TYPES = [
  'FAST_REFUND_MONEY',
  'REFUND_MONEY',
  'REFUND_MONEY_INCLUDING_SHIPMENT',
  'REPAIR',
  'REPLACE',
  'SEND_TO_EXAMINATION',
  'DECLINE_REFUND',
  'PARTIAL_MONEY_REFUND',
  'OTHER_DECISION',
] as const;
export const REQUEST_DECISION_REASONS = [
  'ISSUE_WITH_THE_PRODUCT_WAS_NOT_CONFIRMED',
  'MECHANICAL_DAMAGE',
  'WARRANTY_PERIOD_HAS_EXPIRED',
  'CONFIGURATION_OR_PACKAGING_COMPROMISED',
  'PRODUCT_APPEARANCE_COMPROMISED',
  'WARRANTY_TERMS_VIOLATED',
  'DEVICE_ACTIVATED',
] as const;
export const PLACEMENT_TYPES = ['FBS', 'FBY', 'DBS', 'LAAS'] as const;
export const PlacementType = openEnum(PLACEMENT_TYPES);
export type PlacementType = z.infer<typeof PlacementType>;

/** Money: `{ value, currencyId }`, `RUR` for roubles. */
export const CurrencyValue = z.object({ value: z.number(), currencyId: z.string() });
export type CurrencyValue = z.infer<typeof CurrencyValue>;

export const Pager = z.object({ nextPageToken: z.string().nullish() });

// ---------------------------------------------------------------- envelope and errors

export const ApiErrorDTO = z.object({ code: z.string(), message: z.string().nullish() });
export type ApiErrorDTO = z.infer<typeof ApiErrorDTO>;

/** `{ status: "OK", result }` or `{ status: "ERROR", errors: [{ code, message }] }`; read loosely. */
export const ApiEnvelope = z.object({
  status: z.string().optional(),
  result: z.unknown().optional(),
  errors: z.array(z.unknown()).nullish(),
});

/** The error envelope's errors, each kept if it has at least a code or a message. */
export function readErrors(body: unknown): ApiErrorDTO[] {
  if (!body || typeof body !== 'object') return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const out: ApiErrorDTO[] = [];
  for (const item of errors) {
    if (item && typeof item === 'object') {
      const { code, message } = item as { code?: unknown; message?: unknown };
      if (typeof code === 'string' || typeof message === 'string') {
        out.push({ code: typeof code === 'string' ? code : 'UNKNOWN', message: typeof message === 'string' ? message : undefined });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- returns

export const ReturnDecisionDTO = z.object({
  returnItemId: int.nullish(),
  count: int.nullish(),
  comment: z.string().nullish(),
  reasonType: openEnum(RETURN_DECISION_REASONS).nullish(),
  subreasonType: openEnum(RETURN_DECISION_SUBREASONS).nullish(),
  decisionType: ReturnDecisionType.nullish(),
  refundAmount: z.number().nullish(),
  amount: CurrencyValue.nullish(),
  partnerCompensation: z.number().nullish(),
  partnerCompensationAmount: CurrencyValue.nullish(),
  images: z.array(z.string()).nullish(),
});
export type ReturnDecisionDTO = z.infer<typeof ReturnDecisionDTO>;

export const ReturnInstanceDTO = z.object({
  stockType: openEnum(RETURN_INSTANCE_STOCK_TYPES).nullish(),
  status: openEnum(RETURN_INSTANCE_STATUSES).nullish(),
  cis: z.string().nullish(),
  imei: z.string().nullish(),
});
export type ReturnInstanceDTO = z.infer<typeof ReturnInstanceDTO>;

export const TrackDTO = z.object({ trackCode: z.string().nullish() });

export const ReturnItemDTO = z.object({
  marketSku: int.nullish(),
  shopSku: z.string().min(1),
  count: int,
  decisions: z.array(ReturnDecisionDTO).nullish(),
  instances: z.array(ReturnInstanceDTO).nullish(),
  tracks: z.array(TrackDTO).nullish(),
});
export type ReturnItemDTO = z.infer<typeof ReturnItemDTO>;

export const LogisticPickupPointDTO = z.object({
  id: int.nullish(),
  name: z.string().nullish(),
  address: z
    .object({
      country: z.string().nullish(),
      city: z.string().nullish(),
      street: z.string().nullish(),
      house: z.string().nullish(),
      postcode: z.string().nullish(),
    })
    .nullish(),
  instruction: z.string().nullish(),
  type: z.string().nullish(),
  logisticPartnerId: int.nullish(),
});

export const ReturnDTO = z.object({
  id: int,
  orderId: int,
  creationDate: dateTime.nullish(),
  updateDate: dateTime.nullish(),
  refundStatus: RefundStatus.nullish(),
  logisticPickupPoint: LogisticPickupPointDTO.nullish(),
  pickupTillDate: dateTime.nullish(),
  shipmentRecipientType: z.string().nullish(),
  shipmentStatus: ReturnShipmentStatus.nullish(),
  refundAmount: z.number().nullish(),
  amount: CurrencyValue.nullish(),
  items: z.array(ReturnItemDTO),
  returnType: ReturnType,
  fastReturn: z.boolean().nullish(),
});
export type ReturnDTO = z.infer<typeof ReturnDTO>;

/** A page of getReturns, read loosely so one bad return cannot sink its neighbours. */
export const LooseReturnsPage = z.object({
  returns: z.array(z.unknown()),
  paging: Pager.nullish(),
});

// ---------------------------------------------------------------- decisions

export const PartialCompensationBoundsDTO = z.object({
  minAmount: CurrencyValue,
  maxAmount: CurrencyValue,
  maxPercent: z.number(),
});

export const ReturnAvailableDecisionDTO = z.object({
  decisionType: ReturnDecisionType,
  decisionReasonTypes: z.array(openEnum(REQUEST_DECISION_REASONS)).nullish(),
  partialCompensationBounds: PartialCompensationBoundsDTO.nullish(),
});
export type ReturnAvailableDecisionDTO = z.infer<typeof ReturnAvailableDecisionDTO>;

export const ReturnAvailableDecisionsResult = z.object({
  availableDecisions: z.array(ReturnAvailableDecisionDTO),
});
export type ReturnAvailableDecisionsResult = z.infer<typeof ReturnAvailableDecisionsResult>;

/** What we send: strict, because a wrong decision must fail here, not at the Market. */
export const ReturnItemDecisionInput = z.object({
  returnItemId: int,
  decisionType: z.enum(REQUEST_DECISION_TYPES),
  decisionReasonType: z.enum(REQUEST_DECISION_REASONS).optional(),
  comment: z.string().max(2000).optional(),
  compensation: z.object({ value: z.number().positive(), currencyId: z.string().min(1) }).optional(),
});
export type ReturnItemDecisionInput = z.infer<typeof ReturnItemDecisionInput>;

// ---------------------------------------------------------------- campaigns

export const CampaignDTO = z.object({
  id: int,
  domain: z.string().nullish(),
  clientId: int.nullish(),
  business: z.object({ id: int.nullish(), name: z.string().nullish() }).nullish(),
  placementType: PlacementType.nullish(),
  apiAvailability: z.string().nullish(),
});
export type CampaignDTO = z.infer<typeof CampaignDTO>;

export const LooseCampaignsPage = z.object({
  campaigns: z.array(z.unknown()),
  paging: Pager.nullish(),
  pager: z.object({ currentPage: z.number().nullish(), pagesCount: z.number().nullish() }).nullish(),
});

// ---------------------------------------------------------------- orders (getBusinessOrders)

export const ORDER_STATUSES = [
  'PLACING',
  'RESERVED',
  'UNPAID',
  'PROCESSING',
  'DELIVERY',
  'PICKUP',
  'DELIVERED',
  'CANCELLED',
  'PENDING',
  'PARTIALLY_RETURNED',
  'RETURNED',
  'UNKNOWN',
] as const;
export const SELLING_PROGRAMS = ['FBY', 'FBS', 'DBS', 'EXPRESS', 'LAAS'] as const;

export const BusinessOrderItemDTO = z.object({
  id: int,
  offerId: z.string(),
  offerName: z.string().nullish(),
  count: int.nullish(),
  prices: z
    .object({
      payment: CurrencyValue.nullish(),
      subsidy: CurrencyValue.nullish(),
      cashback: CurrencyValue.nullish(),
      vat: z.string().nullish(),
    })
    .nullish(),
  instances: z
    .array(
      z.object({
        cis: z.string().nullish(),
        cisFull: z.string().nullish(),
        uin: z.string().nullish(),
        rnpt: z.string().nullish(),
        gtd: z.string().nullish(),
        countryCode: z.string().nullish(),
      }),
    )
    .nullish(),
  requiredInstanceTypes: z.array(z.string()).nullish(),
  itemStatuses: z.array(z.object({ status: z.string(), count: z.number() })).nullish(),
  tags: z.array(z.string()).nullish(),
});
export type BusinessOrderItemDTO = z.infer<typeof BusinessOrderItemDTO>;

export const BusinessOrderDTO = z.object({
  orderId: int,
  campaignId: int.nullish(),
  programType: openEnum(SELLING_PROGRAMS).nullish(),
  externalOrderId: z.string().nullish(),
  status: openEnum(ORDER_STATUSES).nullish(),
  substatus: z.string().nullish(),
  creationDate: dateTime.nullish(),
  updateDate: dateTime.nullish(),
  paymentType: z.string().nullish(),
  paymentMethod: z.string().nullish(),
  fake: z.boolean().nullish(),
  items: z.array(BusinessOrderItemDTO).default([]),
  prices: z.object({ payment: CurrencyValue.nullish(), cashback: CurrencyValue.nullish(), subsidy: CurrencyValue.nullish() }).nullish(),
  buyerType: z.string().nullish(),
  notes: z.string().nullish(),
  cancelRequested: z.boolean().nullish(),
});
export type BusinessOrderDTO = z.infer<typeof BusinessOrderDTO>;

export const LooseOrdersPage = z.object({
  orders: z.array(z.unknown()),
  paging: Pager.nullish(),
});

// ---------------------------------------------------------------- chats

export const CHAT_STATUSES = ['NEW', 'WAITING_FOR_CUSTOMER', 'WAITING_FOR_PARTNER', 'WAITING_FOR_ARBITER', 'WAITING_FOR_MARKET', 'FINISHED'] as const;

export const ChatFullContextDTO = z.object({
  type: z.string(),
  customer: z.object({ name: z.string().nullish(), publicId: z.string().nullish() }).nullish(),
  campaignId: int.nullish(),
  orderId: int.nullish(),
  returnId: int.nullish(),
});

export const ChatDTO = z.object({
  chatId: int,
  orderId: int.nullish(),
  context: ChatFullContextDTO.nullish(),
  type: openEnum(['CHAT', 'ARBITRAGE']),
  status: openEnum(CHAT_STATUSES),
  createdAt: dateTime,
  updatedAt: dateTime,
});
export type ChatDTO = z.infer<typeof ChatDTO>;

export const ChatsResult = z.object({ chats: z.array(ChatDTO), paging: Pager.nullish() });
export type ChatsResult = z.infer<typeof ChatsResult>;

export const CreateChatResult = z.object({ chatId: int });

export const ChatMessageDTO = z.object({
  messageId: int,
  createdAt: dateTime,
  sender: openEnum(['PARTNER', 'CUSTOMER', 'MARKET', 'SUPPORT']),
  message: z.string().nullish(),
  payload: z.array(z.object({ name: z.string(), url: z.string(), size: z.number() })).nullish(),
});
export type ChatMessageDTO = z.infer<typeof ChatMessageDTO>;

export const ChatHistoryResult = z.object({
  context: ChatFullContextDTO.nullish(),
  messages: z.array(ChatMessageDTO),
  paging: Pager.nullish(),
});
export type ChatHistoryResult = z.infer<typeof ChatHistoryResult>;

// ---------------------------------------------------------------- reports

export const GenerateReportResult = z.object({ reportId: z.string().min(1), estimatedGenerationTime: z.number().nullish() });
export type GenerateReportResult = z.infer<typeof GenerateReportResult>;

export const ReportInfoDTO = z.object({
  status: openEnum(['PENDING', 'PROCESSING', 'FAILED', 'DONE']),
  subStatus: openEnum(['NO_DATA', 'TOO_LARGE', 'RESOURCE_NOT_FOUND']).nullish(),
  generationRequestedAt: dateTime.nullish(),
  generationFinishedAt: dateTime.nullish(),
  file: z.string().nullish(),
  estimatedGenerationTime: z.number().nullish(),
});
export type ReportInfoDTO = z.infer<typeof ReportInfoDTO>;

// ---------------------------------------------------------------- offer mappings (pictures)

export const OfferMappingDTO = z.object({
  offer: z
    .object({
      offerId: z.string(),
      name: z.string().nullish(),
      pictures: z.array(z.string()).nullish(),
      vendor: z.string().nullish(),
      archived: z.boolean().nullish(),
    })
    .nullish(),
  mapping: z
    .object({
      marketSku: int.nullish(),
      marketSkuName: z.string().nullish(),
      marketCategoryId: int.nullish(),
      marketCategoryName: z.string().nullish(),
    })
    .nullish(),
});
export type OfferMappingDTO = z.infer<typeof OfferMappingDTO>;

export const OfferMappingsResult = z.object({ offerMappings: z.array(OfferMappingDTO), paging: Pager.nullish() });
export type OfferMappingsResult = z.infer<typeof OfferMappingsResult>;

/** A zod error as one line naming the field and the rule, for skip reasons and logs. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
