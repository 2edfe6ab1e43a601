// How a failed request to the Market reads to the queue: an outage to wait out, and the words kept in the audit.
import { MarketError } from '../market/errors.ts';

/** The outage kinds: the request did not get a usable answer (retry later, fall back to the cache). */
export function isUnreachable(error: MarketError): boolean {
  return (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    error.kind === 'server' ||
    error.kind === 'malformed' ||
    error.kind === 'unknown-outcome' ||
    error.kind === 'rate-limited'
  );
}

/** `HTTP 400 bad-request the server's words`: a failure as the audit keeps it. */
export function errorAnswer(error: MarketError): string {
  return [error.status ? `HTTP ${error.status}` : null, error.kind, error.serverMessage ?? error.causeCode ?? null].filter(Boolean).join(' ');
}

export function describeFailure(error: unknown): string {
  if (error instanceof MarketError) return errorAnswer(error);
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
