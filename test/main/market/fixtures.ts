import type { BusinessOrderDTO, CampaignDTO, ReturnDTO } from '../../../main/market/schemas.ts';

export const T0 = Date.parse('2025-03-10T09:00:00Z');
export const HOUR = 3_600_000;

export function campaign(id: number, placementType: string, businessId = 500): CampaignDTO {
  return { id, domain: `shop-${id}`, business: { id: businessId, name: `Business ${businessId}` }, placementType, apiAvailability: 'AVAILABLE' };
}

export function aReturn(id: number, overrides: Partial<ReturnDTO> = {}): ReturnDTO {
  return {
    id,
    orderId: 1000 + id,
    creationDate: new Date(T0).toISOString(),
    updateDate: new Date(T0 + HOUR).toISOString(),
    refundStatus: 'PREMODERATION_DECISION_WAITING',
    shipmentStatus: 'CREATED',
    amount: { value: 1990, currencyId: 'RUR' },
    returnType: 'RETURN',
    fastReturn: false,
    items: [
      {
        shopSku: `SKU-${id}`,
        marketSku: 77000 + id,
        count: 1,
        decisions: [{ returnItemId: 9000 + id, count: 1, reasonType: 'BAD_QUALITY', images: [`hash-${id}-a`, `hash-${id}-b`] }],
        instances: [{ cis: `010460${id}`, status: 'CREATED' }],
      },
    ],
    ...overrides,
  };
}

export function anOrder(orderId: number, campaignId: number, overrides: Partial<BusinessOrderDTO> = {}): BusinessOrderDTO {
  return {
    orderId,
    campaignId,
    programType: 'FBS',
    status: 'DELIVERED',
    substatus: 'DELIVERED_USER_RECEIVED',
    creationDate: new Date(T0 - 72 * HOUR).toISOString(),
    items: [{ id: 1, offerId: `SKU-${orderId - 1000}`, offerName: 'Kettle', count: 1, requiredInstanceTypes: ['CIS'] }],
    ...overrides,
  };
}
