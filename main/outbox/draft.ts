// A drafted decision as the Market receives it and as the audit shows it.
import type { DecisionDraft } from '../../preload/contract.ts';
import type { ReturnItemDecisionInput } from '../market/schemas.ts';
import type { DraftDescriber } from '../store/outbox-repository.ts';

/** `123:REFUND_MONEY; 124:DECLINE_REFUND:MECHANICAL_DAMAGE` — the items of a decision in one line. */
export function itemsSummary(draft: DecisionDraft): string {
  return draft.items
    .map((i) =>
      [i.returnItemId, i.decisionType, i.reasonType, i.compensation === undefined ? undefined : `${i.compensation} RUB`]
        .filter((x) => x !== undefined && x !== '')
        .join(':'),
    )
    .join('; ');
}

/** The body item of submitReturnDecision for one drafted item. */
export function toDecisionInput(item: DecisionDraft['items'][number]): ReturnItemDecisionInput {
  return {
    returnItemId: item.returnItemId,
    decisionType: item.decisionType as ReturnItemDecisionInput['decisionType'],
    ...(item.reasonType ? { decisionReasonType: item.reasonType as NonNullable<ReturnItemDecisionInput['decisionReasonType']> } : {}),
    ...(item.comment?.trim() ? { comment: item.comment.trim() } : {}),
    ...(item.compensation !== undefined ? { compensation: { value: item.compensation, currencyId: 'RUR' } } : {}),
  };
}

/** How the audit shows a draft: the items in one line and the request body sent. */
export const describeDraft: DraftDescriber = (draft) => ({
  items: itemsSummary(draft),
  payload: JSON.stringify({ returnItemDecisions: draft.items.map(toDecisionInput) }),
});
