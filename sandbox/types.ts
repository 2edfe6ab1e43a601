// Internal state of the sandbox. The wire DTOs are built from these in dto.ts.
export type Program = 'FBY' | 'FBS' | 'DBS' | 'EXPRESS';
export type ReturnKind = 'UNREDEEMED' | 'RETURN';

export interface Business {
  id: number;
  name: string;
  apiKey: string;
}

export interface Campaign {
  id: number;
  businessId: number;
  domain: string;
  program: Program;
}

export interface Product {
  offerId: string;
  name: string;
  marketSku: number;
  price: number;
  category: string;
  categoryId: number;
  vendor: string;
  marking: 'CIS' | 'IMEI' | null;
}

export interface OrderItem {
  id: number;
  offerId: string;
  offerName: string;
  marketSku: number;
  count: number;
  /** count before the seller removed units; 0-count items were removed by the seller */
  initialCount: number;
  /** Per unit, in roubles: what the buyer paid in money (ItemPriceDTO.payment is this × count). */
  unitPayment: number;
  /** Per unit: paid with Plus points (ItemPriceDTO.cashback is this × count). */
  unitCashback: number;
  /** Per unit: the Market's reward to the seller (ItemPriceDTO.subsidy is this × count). */
  unitSubsidy: number;
  vat: string;
  cis: string[];
  imei: string[];
}

export interface Order {
  id: number;
  campaignId: number;
  businessId: number;
  program: Program;
  status: string;
  substatus: string;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number;
  paymentType: 'PREPAID' | 'POSTPAID';
  paymentMethod: string;
  deliveryType: 'DELIVERY' | 'PICKUP';
  deliveryPrice: number;
  items: OrderItem[];
  buyerName: string;
  city: string;
}

export interface ItemDecision {
  decisionType: string;
  comment?: string;
  decisionReasonType?: string;
  compensation?: number;
}

export interface ReturnItem {
  returnItemId: number;
  orderItemId: number;
  offerId: string;
  marketSku: number;
  count: number;
  /** Per unit: what the seller is owed for one unit (payment + cashback + subsidy); a full refund is this × count. */
  unitValue: number;
  reasonType?: string;
  subreasonType?: string;
  buyerComment?: string;
  images: string[];
  cis: string[];
  imei: string[];
  decision?: ItemDecision;
  /** chosen with the deprecated setReturnDecision, waiting for submit */
  pendingDecision?: ItemDecision;
}

export interface ReturnRecord {
  id: number;
  orderId: number;
  campaignId: number;
  businessId: number;
  program: Program;
  returnType: ReturnKind;
  refundStatus?: string;
  shipmentStatus?: string;
  recipientType?: string;
  createdAt: number;
  updatedAt: number;
  pickupTillDate?: number;
  fastReturn: boolean;
  items: ReturnItem[];
  /** ms after createdAt at which STARTED_BY_USER becomes awaiting a decision */
  moderationDelayMs: number;
  autoConfirmed?: boolean;
  pickupPointId?: number;
}

export interface ImageSpec {
  hash: string;
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

export interface ChatMessage {
  messageId: number;
  createdAt: number;
  sender: 'PARTNER' | 'CUSTOMER' | 'MARKET' | 'SUPPORT';
  message?: string;
  payload?: { name: string; url: string; size: number }[];
}

export interface Chat {
  chatId: number;
  businessId: number;
  campaignId: number;
  contextType: 'ORDER' | 'RETURN' | 'DIRECT';
  orderId?: number;
  returnId?: number;
  type: 'CHAT' | 'ARBITRAGE';
  status: string;
  createdAt: number;
  updatedAt: number;
  customerName: string;
  customerId: string;
  messages: ChatMessage[];
}

export interface Report {
  reportId: string;
  businessId: number;
  apiKey: string;
  requestedAt: number;
  polls: number;
  fail: boolean;
  finishedAt?: number;
  format: 'CSV' | 'JSON';
  request: { dateFrom: string; dateTo: string; campaignIds?: number[]; returnType?: string; returnStatusTypes?: string[] };
}
