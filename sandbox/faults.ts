// Injected faults for resilience tests: latency, 5xx, resets, malformed JSON, schema drift, 401 storms, drops,
// and a server that echoes the caller's key, encoded, in its error message.
import { badRequest, arrayOf, asObject, enumValue, int64, str } from './http.ts';
import type { Rng } from './rng.ts';

export const FAULT_TYPES = ['latency', 'error5xx', 'reset', 'malformed', 'drift', 'unauthorized', 'drop', 'echo-key'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface Fault {
  id: number;
  type: FaultType;
  /** RegExp source matched against the request path (without query) */
  path?: string;
  /** how many matching requests it still affects; undefined = unlimited */
  remaining?: number;
  /** probability 0..1 that a matching request is affected (default 1) */
  rate: number;
  latencyMs?: number;
  status?: number;
  hits: number;
}

export class Faults {
  private list: Fault[] = [];
  private nextId = 1;
  private readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
  }

  /** Parses and adds faults from an admin body: one fault object, or `{ faults: [...] }`. */
  add(body: unknown): Fault[] {
    const obj = asObject(body, 'body');
    const items = Array.isArray(obj.faults) ? obj.faults : [obj];
    const parsed = (arrayOf(items, 'faults', (x, f) => this.parse(x, f), { minItems: 1 }) ?? []) as Fault[];
    this.list.push(...parsed);
    return parsed;
  }

  private parse(x: unknown, f: string): Fault {
    const o = asObject(x, f);
    const type = enumValue(o.type, `${f}.type`, FAULT_TYPES, true) as FaultType;
    const path = str(o.path, `${f}.path`);
    if (path !== undefined) {
      try {
        new RegExp(path);
      } catch {
        throw badRequest(`${f}.path must be a valid regular expression`);
      }
    }
    const count = int64(o.count, `${f}.count`, { min: 1 });
    const rate = o.rate === undefined ? 1 : Number(o.rate);
    if (!(rate >= 0 && rate <= 1)) throw badRequest(`${f}.rate must be a number between 0 and 1`);
    const latencyMs = int64(o.latencyMs ?? o.ms, `${f}.latencyMs`, { min: 0 });
    if (type === 'latency' && latencyMs === undefined) throw badRequest(`${f}.latencyMs is required for a latency fault`);
    // An echoing server may refuse (4xx) or fail (5xx); every other fault with a status is a 5xx.
    const lowest = type === 'echo-key' ? 400 : 500;
    const status = int64(o.status, `${f}.status`, { min: lowest });
    if (status !== undefined && status > 599) throw badRequest(`${f}.status must be a ${lowest === 400 ? '4xx or 5xx' : '5xx'} code`);
    return { id: this.nextId++, type, path, remaining: count, rate, latencyMs, status, hits: 0 };
  }

  clear(): void {
    this.list = [];
  }

  /** Takes out the faults with these ids (a scheduled window that ended). */
  remove(ids: readonly number[]): void {
    this.list = this.list.filter((f) => !ids.includes(f.id));
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f }));
  }

  /** Returns the fault of this type that fires for this request (and spends one of its count), if any. */
  take(type: FaultType, path: string): Fault | undefined {
    for (const f of this.list) {
      if (f.type !== type) continue;
      if (f.path !== undefined && !new RegExp(f.path).test(path)) continue;
      if (f.remaining !== undefined && f.remaining <= 0) continue;
      if (f.rate < 1 && this.rng.next() >= f.rate) continue;
      if (f.remaining !== undefined) f.remaining--;
      f.hits++;
      return f;
    }
    return undefined;
  }
}

const DRIFT_VALUES: Record<string, string> = {
  refundStatus: 'PREMODERATION_AWAITING_COURIER_2027',
  shipmentStatus: 'HANDED_TO_DRONE',
  returnType: 'EXCHANGE',
  reasonType: 'TOO_GOOD_TO_KEEP',
  subreasonType: 'COLOUR_OF_THE_MOON',
  decisionType: 'REFUND_IN_CRYPTO',
  stockType: 'TELEPORTED',
  status: 'SOMETHING_NEW',
  placementType: 'FBX',
};

/** An error text that quotes the caller's key as a careless server or proxy might: base64, base64url, hex, URL-encoded. */
export function echoedKeyMessage(apiKey: string): string {
  const key = Buffer.from(apiKey, 'utf8');
  return (
    `Request rejected. Credentials received: ${key.toString('base64')}; header Authorization: ${Buffer.from(`Api-Key ${apiKey}`).toString('base64url')}; ` +
    `fingerprint ${key.toString('hex')} (${key.toString('hex').toUpperCase()}); query key=${encodeURIComponent(apiKey)}`
  );
}

/** Schema drift: swaps enum values in returns for values the published enums do not know. */
export function applyDrift(body: unknown): unknown {
  const visit = (v: unknown, inReturn: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => visit(x, inReturn));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const isReturn = inReturn || ('returnType' in o && 'orderId' in o);
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(o)) {
        if (isReturn && typeof val === 'string' && k in DRIFT_VALUES && k !== 'status') out[k] = DRIFT_VALUES[k];
        else out[k] = visit(val, isReturn);
      }
      if (isReturn && 'returnType' in o) out.newFieldFrom2027 = { kind: 'unexpected', value: 1 };
      return out;
    }
    return v;
  };
  return visit(body, false);
}
