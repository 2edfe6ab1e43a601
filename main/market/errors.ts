/** Every way a Market API call can fail, as one discriminated set the UI and the outbox can branch on. */
export type MarketErrorKind =
  'auth' | 'forbidden' | 'not-found' | 'bad-request' | 'rate-limited' | 'server' | 'network' | 'timeout' | 'malformed' | 'unknown-outcome';

export interface MarketErrorInit {
  kind: MarketErrorKind;
  /** operationId of the Market method, e.g. `getReturns`. */
  method: string;
  /** HTTP status when a response arrived. */
  status?: number;
  /** The server's own error text, verbatim (codes and messages joined), when it sent one. */
  serverMessage?: string;
  /** Error codes from the `errors` envelope. */
  codes?: string[];
  /** For `rate-limited`: when the server said the limit resets (epoch ms). */
  retryAt?: number;
  /** Low-level cause code (ECONNRESET, ETIMEDOUT...) — never the request config, which holds the key. */
  cause?: string;
  message?: string;
}

const DEFAULT_TEXT: Record<MarketErrorKind, string> = {
  auth: 'The Market rejected the API key (401). Check the key in the settings.',
  forbidden: 'The API key has no access to this store or method (403).',
  'not-found': 'The Market does not know this object (404).',
  'bad-request': 'The Market rejected the request (400).',
  'rate-limited': 'The Market asks to slow down (420).',
  server: 'The Market answered with a server error.',
  network: 'The Market could not be reached.',
  timeout: 'The Market did not answer in time.',
  malformed: 'The Market answered with data this app cannot read.',
  'unknown-outcome': 'The request was sent but its outcome is unknown; it must be checked before it is repeated.',
};

/** A failed Market call. Never carries the API key or the request configuration. */
export class MarketError extends Error {
  readonly kind: MarketErrorKind;
  readonly method: string;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly codes: string[];
  readonly retryAt: number | undefined;
  readonly causeCode: string | undefined;

  constructor(init: MarketErrorInit) {
    const base = init.message ?? DEFAULT_TEXT[init.kind];
    super(init.serverMessage ? `${base} ${init.method}: ${init.serverMessage}` : `${base} (${init.method})`);
    this.name = 'MarketError';
    this.kind = init.kind;
    this.method = init.method;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.codes = init.codes ?? [];
    this.retryAt = init.retryAt;
    this.causeCode = init.cause;
  }

  /** A plain object safe to log, send over IPC or store. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      method: this.method,
      status: this.status,
      serverMessage: this.serverMessage,
      codes: this.codes,
      retryAt: this.retryAt,
      cause: this.causeCode,
      message: this.message,
    };
  }
}

/** 401/403: the key is wrong or lacks rights; all work of that key stops until it changes. */
export class MarketAuthError extends MarketError {
  override readonly kind: 'auth' | 'forbidden';
  constructor(init: MarketErrorInit & { kind: 'auth' | 'forbidden' }) {
    super(init);
    this.name = 'MarketAuthError';
    this.kind = init.kind;
  }
}

export function marketError(init: MarketErrorInit): MarketError {
  if (init.kind === 'auth' || init.kind === 'forbidden') return new MarketAuthError({ ...init, kind: init.kind });
  return new MarketError(init);
}

export function isMarketError(value: unknown): value is MarketError {
  return value instanceof MarketError;
}

/** Raised by a scheduler whose work was cancelled (stop, key change) before it ran. */
export class SchedulerStoppedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SchedulerStoppedError';
  }
}

/** A short, key-free description of any error for logs and summaries. */
export function describeError(error: unknown): { kind: string; message: string; status?: number; method?: string; cause?: string; retryAt?: string } {
  if (error instanceof MarketError) {
    return {
      kind: error.kind,
      message: error.message,
      status: error.status,
      method: error.method,
      ...(error.causeCode ? { cause: error.causeCode } : {}),
      ...(error.retryAt ? { retryAt: new Date(error.retryAt).toISOString() } : {}),
    };
  }
  if (error instanceof Error) return { kind: error.name, message: error.message };
  return { kind: 'unknown', message: String(error) };
}
