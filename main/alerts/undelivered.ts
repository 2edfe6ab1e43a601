/** Why a queued decision has not reached the Market, from the outbox's own explanation and what the client sees. */
import type { MarketProblem, ReachabilityState } from '../market/reachability.ts';
import type { UndeliveredReason } from './texts.ts';

const BY_EXPLANATION: Readonly<Record<string, UndeliveredReason>> = {
  offline: 'unreachable',
  rateLimited: 'rate-limited',
  authProblem: 'auth',
  unknownOutcome: 'unknown-outcome',
};

const BY_PROBLEM: Readonly<Record<MarketProblem, UndeliveredReason>> = {
  unreachable: 'unreachable',
  'server-error': 'server-error',
  'rate-limited': 'rate-limited',
  garbage: 'garbage',
  auth: 'auth',
};

/** A Market that reaches nobody explains everything; else the outbox's own cause, else what the last request ran into. */
export function undeliveredReason(explanationCode: string | null, market: ReachabilityState): UndeliveredReason {
  if (!market.online) return 'unreachable';
  const named = explanationCode ? BY_EXPLANATION[explanationCode] : undefined;
  if (named) return named;
  if (market.problem) return BY_PROBLEM[market.problem];
  return explanationCode === 'retrying' ? 'server-error' : 'waiting';
}
