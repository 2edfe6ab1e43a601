import type { AvailableDecision } from '../../preload/contract.ts';
import type { ReturnAvailableDecisionsResult } from '../market/schemas.ts';

/** Kept available decisions older than this are fetched again even when the return did not change. */
export const DECISION_OPTIONS_MAX_AGE_MS = 12 * 3_600_000;

/** The Market's answer (getReturnAvailableDecisions) as the app keeps and checks it; decision types it cannot name are left out. */
export function toAvailableDecisions(result: ReturnAvailableDecisionsResult): AvailableDecision[] {
  return result.availableDecisions
    .filter((d) => d.decisionType && d.decisionType !== 'UNKNOWN')
    .map((d) => ({
      decisionType: d.decisionType,
      reasonTypes: [...(d.decisionReasonTypes ?? [])],
      compensationBounds: d.partialCompensationBounds
        ? { min: d.partialCompensationBounds.minAmount, max: d.partialCompensationBounds.maxAmount, maxPercent: d.partialCompensationBounds.maxPercent }
        : null,
    }));
}
