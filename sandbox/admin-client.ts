// Typed fetch wrapper over the sandbox's /_sandbox/* admin endpoints, for tests and the app's demo mode.
import type { ReceivedDecision } from './context.ts';
export interface FaultSpec {
  type: 'latency' | 'error5xx' | 'reset' | 'malformed' | 'drift' | 'unauthorized' | 'drop' | 'echo-key';
  /** RegExp source matched against the request path */
  path?: string;
  count?: number;
  rate?: number;
  latencyMs?: number;
  status?: number;
}

export interface CreateReturnSpec {
  campaignId?: number;
  /** Put the return on this existing order (a sibling); its items then name the order's lines by offerId. */
  orderId?: number;
  type?: 'UNREDEEMED' | 'RETURN';
  status?: string;
  shipmentStatus?: string;
  createdAt?: string;
  fastReturn?: boolean;
  items?: {
    offerId?: string;
    /** Units of the order's line (new order) or units taken back (existing order). */
    count?: number;
    /** Units of the line this return takes back, 0 = the line stays with the buyer (new order; default: all). */
    returnCount?: number;
    /** Roubles per unit before the Market's discounts; `subsidy` and `cashback` (Plus points) are parts of it. */
    price?: number;
    subsidy?: number;
    cashback?: number;
    photos?: number;
    images?: { format?: 'jpeg' | 'png'; width?: number; height?: number }[];
  }[];
}

export interface AdminReturn {
  id: number;
  orderId: number;
  campaignId: number;
  businessId: number;
  program: string;
  refundStatus?: string;
  decisionDeadline: string;
  items: { shopSku: string; count: number; decisions?: { returnItemId: number; images?: string[] }[] }[];
  [k: string]: unknown;
}

export type { ReceivedDecision } from './context.ts';

export function sandboxAdmin(url: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T;
    if (!res.ok) throw new Error(`sandbox admin ${method} ${path} → ${res.status}: ${JSON.stringify(data)}`);
    return data;
  };
  return {
    clock: () => call<{ now: string; nowMsk: string; startTime: string; advancedMs: number; skewMs: number }>('GET', '/clock'),
    /** Puts the sandbox (the Market's) clock this far ahead of this machine's; forward only. */
    setSkew: (skewMs: number) => call<{ now: string; skewMs: number }>('POST', '/clock', { skewMs }),
    advanceClock: (ms: number) => call<{ now: string }>('POST', '/clock', { advanceMs: ms }),
    setClock: (to: Date | string) => call<{ now: string }>('POST', '/clock', { to: typeof to === 'string' ? to : to.toISOString() }),
    setFaults: (faults: FaultSpec | FaultSpec[]) => call<{ faults: unknown[] }>('POST', '/faults', Array.isArray(faults) ? { faults } : faults),
    clearFaults: () => call<{ faults: unknown[] }>('DELETE', '/faults'),
    received: async () => (await call<{ received: ReceivedDecision[] }>('GET', '/received')).received,
    stats: () =>
      call<{
        total: number;
        byOperation: Record<string, number>;
        byStatus: Record<string, number>;
        maxConcurrentPerKey: Record<string, number>;
        count420: number;
      }>('GET', '/stats'),
    createReturn: (spec: CreateReturnSpec = {}) => call<AdminReturn>('POST', '/returns', spec),
    getReturn: (id: number) => call<AdminReturn>('GET', `/returns/${id}`),
    /** `status` undefined moves only the shipment status (the only status a non-purchase has). */
    setReturnStatus: (id: number, status: string | undefined, opts: { shipmentStatus?: string; force?: boolean } = {}) =>
      call<AdminReturn>('POST', `/returns/${id}/status`, { status, ...opts }),
    openDispute: (id: number) => call<AdminReturn & { chatId: number }>('POST', `/returns/${id}/dispute`, {}),
    finishDispute: (id: number, status?: 'REFUND_IN_PROGRESS' | 'PREMODERATION_SELECT_DELIVERY' | 'REJECTED') =>
      call<AdminReturn & { chatId: number | null }>('POST', `/returns/${id}/dispute/finish`, status ? { status } : {}),
    /** A message in the return's chat: from the buyer in the buyer chat unless told otherwise. */
    chatMessage: (id: number, spec: { message?: string; sender?: 'CUSTOMER' | 'MARKET' | 'SUPPORT'; chatType?: 'CHAT' | 'ARBITRAGE' } = {}) =>
      call<{ chatId: number; messageId: number; status: string }>('POST', `/returns/${id}/chat`, spec),
    setLimits: (scale: number) => call<{ scale: number }>('POST', '/limits', { scale }),
    /** Another client of the key spent these methods' budgets for the current window: the next request of each is a 420. */
    spendBudgets: (methods: string[]) => call<{ scale: number }>('POST', '/limits', { spend: methods }),
    setPush: (pushUrl: string | null) => call<{ url: string | null; deliveries: unknown[] }>('POST', '/push', { url: pushUrl ?? '' }),
    pushes: () => call<{ url: string | null; deliveries: { notificationType: string; payload: Record<string, unknown>; status?: number }[] }>('GET', '/push'),
    failNextReport: () => call<{ failNext: number }>('POST', '/reports/fail-next', {}),
    info: () =>
      call<{
        apiKey: string;
        otherApiKey: string;
        businesses: { id: number; name: string; key: string }[];
        campaigns: { id: number; businessId: number; program: string; domain: string }[];
      }>('GET', '/info'),
    reset: () => call<{ ok: boolean }>('POST', '/reset', {}),
    /** Serves this photo broken: not an image, cut short, or over 50 MB ('clear' undoes it). */
    setPhotoFault: (hash: string, kind: 'not-an-image' | 'truncated' | 'oversize' | 'corrupt' | 'empty' | 'png-as-jpeg' | 'clear') =>
      call<{ hash: string; fault: string | null }>('POST', `/photos/${hash}/fault`, { kind }),
  };
}

export type SandboxAdmin = ReturnType<typeof sandboxAdmin>;
