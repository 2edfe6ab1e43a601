import type { BridgeErrorCode, DraftIssue } from '../../preload/contract.ts';

/** A draft refused before queueing: nothing was stored. Carries every broken rule. */
export class DraftRejectedError extends Error {
  readonly issues: DraftIssue[];
  /** How the IPC layer reports it. */
  readonly bridgeCode: BridgeErrorCode;

  constructor(issues: DraftIssue[]) {
    super(
      issues.length
        ? issues.map((i) => (i.returnItemId === null ? `${i.field}: ${i.message}` : `item ${i.returnItemId} ${i.field}: ${i.message}`)).join('\n')
        : 'the decision was refused',
    );
    this.name = 'DraftRejectedError';
    this.issues = issues;
    // Refusals that are about the return's state (not the form) are conflicts, the rest bad input.
    this.bridgeCode = issues.length > 0 && issues.every((i) => i.field === 'return' && i.rule !== 'return.mismatch') ? 'CONFLICT' : 'INVALID_ARGUMENTS';
  }
}

export type OutboxRefusal = 'not-found' | 'not-editable' | 'not-cancellable' | 'return-mismatch';

/** edit/cancel/retry refused; `state` is the entry's state at the time. */
export class OutboxRefusedError extends Error {
  readonly reason: OutboxRefusal;
  readonly outboxId: number;
  readonly state: string | null;
  readonly bridgeCode: BridgeErrorCode;

  constructor(reason: OutboxRefusal, outboxId: number, state: string | null, message: string) {
    super(message);
    this.name = 'OutboxRefusedError';
    this.reason = reason;
    this.outboxId = outboxId;
    this.state = state;
    this.bridgeCode = reason === 'not-found' ? 'NOT_FOUND' : reason === 'return-mismatch' ? 'INVALID_ARGUMENTS' : 'CONFLICT';
  }
}

/** The local store does not know the return (sync first). */
export class ReturnNotKnownError extends Error {
  readonly returnId: number;
  readonly bridgeCode: BridgeErrorCode = 'NOT_FOUND';

  constructor(returnId: number) {
    super(`return ${returnId} is not in the local store; sync the stores first`);
    this.name = 'ReturnNotKnownError';
    this.returnId = returnId;
  }
}
