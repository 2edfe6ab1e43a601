import { describe, expect, it } from 'vitest';
import { awaitsDecision, computeDeadlines, DECISION_WINDOW_MS, type DeadlineInput } from '../../../main/deadlines/deadlines.ts';
import { deadlineInputFromRow } from '../../../main/deadlines/from-row.ts';

const T0 = Date.UTC(2025, 0, 15, 9, 0);
const base: DeadlineInput = {
  returnId: 1,
  orderId: 10,
  campaignId: 7,
  placementType: 'FBS',
  refundStatus: 'PREMODERATION_DECISION_WAITING',
  shipmentStatus: null,
  createdAt: T0,
  pickupTill: null,
};

describe('computeDeadlines', () => {
  it('gives creation + 48 hours while an FBS/FBY/Express return awaits a decision', () => {
    for (const placementType of ['FBS', 'FBY', 'EXPRESS']) {
      expect(computeDeadlines({ ...base, placementType }).decisionDeadline).toBe(T0 + 48 * 3_600_000);
    }
    expect(DECISION_WINDOW_MS).toBe(172_800_000);
  });

  it('uses WAITING_FOR_DECISION for DBS and PREMODERATION_DECISION_WAITING for the others, not the other way round', () => {
    expect(computeDeadlines({ ...base, placementType: 'DBS', refundStatus: 'WAITING_FOR_DECISION' }).decisionDeadline).toBe(T0 + DECISION_WINDOW_MS);
    expect(computeDeadlines({ ...base, placementType: 'DBS', refundStatus: 'PREMODERATION_DECISION_WAITING' }).decisionDeadline).toBeNull();
    expect(computeDeadlines({ ...base, placementType: 'FBS', refundStatus: 'WAITING_FOR_DECISION' }).decisionDeadline).toBeNull();
    expect(computeDeadlines({ ...base, placementType: 'FBY', refundStatus: 'WAITING_FOR_DECISION' }).decisionDeadline).toBeNull();
  });

  it('counts either waiting status when the placement is unknown, so no return is dropped', () => {
    expect(awaitsDecision(null, 'WAITING_FOR_DECISION')).toBe(true);
    expect(awaitsDecision(null, 'PREMODERATION_DECISION_WAITING')).toBe(true);
    expect(awaitsDecision('FBS', 'REFUNDED')).toBe(false);
    expect(awaitsDecision('FBS', null)).toBe(false);
  });

  it('stops the clock for a decision queued, sending or delivered, but not for a failed or conflicting one', () => {
    for (const state of ['queued', 'sending', 'delivered'] as const) expect(computeDeadlines(base, state).decisionDeadline).toBeNull();
    for (const state of ['failed', 'conflict', null] as const) expect(computeDeadlines(base, state).decisionDeadline).toBe(T0 + DECISION_WINDOW_MS);
  });

  it('has no decision deadline once decided or when the creation time is unreadable', () => {
    expect(computeDeadlines({ ...base, refundStatus: 'PREMODERATION_DECISION_MADE' }).decisionDeadline).toBeNull();
    expect(computeDeadlines({ ...base, createdAt: Number.NaN }).decisionDeadline).toBeNull();
  });

  it('gives the pickup deadline only for returns ready for pickup', () => {
    const pickupTill = T0 + 72 * 3_600_000;
    expect(computeDeadlines({ ...base, shipmentStatus: 'READY_FOR_PICKUP', pickupTill }).pickupDeadline).toBe(pickupTill);
    expect(computeDeadlines({ ...base, shipmentStatus: 'IN_TRANSIT', pickupTill }).pickupDeadline).toBeNull();
    expect(computeDeadlines({ ...base, shipmentStatus: 'READY_FOR_PICKUP', pickupTill: null }).pickupDeadline).toBeNull();
  });

  it('flags a dispute, which has no decision clock of its own', () => {
    const d = computeDeadlines({ ...base, refundStatus: 'PREMODERATION_DISPUTE' });
    expect(d).toEqual({ decisionDeadline: null, pickupDeadline: null, inDispute: true });
    expect(computeDeadlines(base).inDispute).toBe(false);
  });
});

describe('deadlineInputFromRow', () => {
  it('reads the ISO times of a store row, and an unreadable creation time gives no clock', () => {
    const row = {
      id: 5,
      orderId: 50,
      campaignId: 7,
      campaignName: 'shop.example',
      placementType: 'DBS',
      refundStatus: 'WAITING_FOR_DECISION',
      shipmentStatus: 'READY_FOR_PICKUP',
      createdAt: '2025-01-15T09:00:00.000Z',
      pickupTill: '2025-01-20T00:00:00+03:00',
    };
    const input = deadlineInputFromRow(row);
    expect(input).toEqual({
      ...base,
      returnId: 5,
      orderId: 50,
      campaignName: 'shop.example',
      placementType: 'DBS',
      refundStatus: 'WAITING_FOR_DECISION',
      shipmentStatus: 'READY_FOR_PICKUP',
      pickupTill: Date.UTC(2025, 0, 19, 21),
    });
    expect(computeDeadlines(input)).toEqual({ decisionDeadline: T0 + DECISION_WINDOW_MS, pickupDeadline: Date.UTC(2025, 0, 19, 21), inDispute: false });
    expect(computeDeadlines(deadlineInputFromRow({ ...row, createdAt: null })).decisionDeadline).toBeNull();
  });
});
