// Wire helpers: the Market's envelopes, typed API errors, body and query parsing.
import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 512 * 1024;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string, code = 'BAD_REQUEST'): ApiError => new ApiError(400, code, message);
export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);
export const forbidden = (message = 'Access denied'): ApiError => new ApiError(403, 'FORBIDDEN', message);

export interface ApiResult {
  status: number;
  headers?: Record<string, string>;
  /** JSON value, or a Buffer for binary bodies */
  body: unknown;
  contentType?: string;
}

export const ok = (result?: unknown): ApiResult => ({ status: 200, body: result === undefined ? { status: 'OK' } : { status: 'OK', result } });
export const raw = (body: unknown): ApiResult => ({ status: 200, body });

export function errorBody(code: string, message: string): { status: 'ERROR'; errors: { code: string; message: string }[] } {
  return { status: 'ERROR', errors: [{ code, message }] };
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw badRequest(`The request is too big: body of ${declared} bytes exceeds ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      req.resume();
      throw badRequest(`The request is too big: body exceeds ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export function parseJsonBody(buf: Buffer, required: boolean): unknown {
  const text = buf.toString('utf8').trim();
  if (text === '') {
    if (required) throw badRequest('Request body is missing', 'BAD_REQUEST');
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`JSON: ${(e as Error).message}`);
  }
}

// ---- typed accessors that name the field and the rule in their errors ----

export function asObject(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${field} must be a JSON object`);
  return v as Record<string, unknown>;
}

export function int64(v: unknown, field: string, opts: { min?: number; required?: boolean } = {}): number | undefined {
  if (v === undefined || v === null) {
    if (opts.required) throw badRequest(`Missing field: ${field}`, 'MISSING_PARAM');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`Field ${field} must be an integer, got ${JSON.stringify(v)}`);
  if (opts.min !== undefined && v < opts.min) throw badRequest(`Value of field ${field} (${v}) must be greater than or equal to ${opts.min}`);
  return v;
}

export function str(v: unknown, field: string, opts: { required?: boolean; minLength?: number; maxLength?: number } = {}): string | undefined {
  if (v === undefined || v === null) {
    if (opts.required) throw badRequest(`Missing field: ${field}`, 'MISSING_PARAM');
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`Field ${field} must be a string`);
  if (opts.minLength !== undefined && v.length < opts.minLength)
    throw badRequest(`Length of field ${field} must be greater than or equal to ${opts.minLength}`);
  if (opts.maxLength !== undefined && v.length > opts.maxLength) throw badRequest(`Length of field ${field} must be less than or equal to ${opts.maxLength}`);
  return v;
}

export function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`Field ${field} must be a boolean`);
  return v;
}

export function enumValue(v: unknown, field: string, allowed: readonly string[], required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw badRequest(`Missing field: ${field}`, 'MISSING_PARAM');
    return undefined;
  }
  if (typeof v !== 'string' || !allowed.includes(v)) throw badRequest(`Invalid value of ${field}: ${JSON.stringify(v)}; expected one of ${allowed.join(', ')}`);
  return v;
}

export function arrayOf<T>(
  v: unknown,
  field: string,
  each: (x: unknown, f: string) => T,
  opts: { minItems?: number; maxItems?: number; unique?: boolean } = {},
): T[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badRequest(`Field ${field} must be an array`);
  if (opts.minItems !== undefined && v.length < opts.minItems) throw badRequest(`Collection of field ${field} must not be empty`);
  if (opts.maxItems !== undefined && v.length > opts.maxItems) throw badRequest(`Size of field ${field} must be less than or equal to ${opts.maxItems}`);
  const out = v.map((x, i) => each(x, `${field}[${i}]`));
  if (opts.unique && new Set(out.map((x) => JSON.stringify(x))).size !== out.length) throw badRequest(`Field ${field} must contain unique items`);
  return out;
}

export function dateParam(v: string | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw badRequest(`Parameter ${field} must be a date in the format YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v;
}

export function dateTimeParam(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw badRequest(`Field ${field} must be an ISO 8601 date-time with offset, got ${JSON.stringify(v)}`);
  }
  return Date.parse(v);
}

/**
 * An integer query parameter. `truncate`: a value above `max` is cut to `max`, as the Market does
 * for parameters marked `x-transform: truncateLimit` in the OpenAPI; otherwise it is refused.
 */
export function queryInt(
  q: URLSearchParams,
  name: string,
  opts: { min?: number; max?: number; required?: boolean; truncate?: boolean } = {},
): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') {
    if (opts.required) throw badRequest(`Missing parameter: ${name}`, 'MISSING_PARAM');
    return undefined;
  }
  if (!/^-?\d+$/.test(v)) throw badRequest(`Parameter ${name} must be an integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (opts.min !== undefined && n < opts.min) throw badRequest(`Value of parameter ${name} (${n}) must be greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && n > opts.max && opts.truncate) return opts.max;
  if (opts.max !== undefined && n > opts.max) throw badRequest(`Value of parameter ${name} (${n}) must be less than or equal to ${opts.max}`, 'LIMIT_EXCEEDED');
  return n;
}

/** Array query parameters: comma separated and/or repeated. */
export function queryList(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name);
  if (all.length === 0) return undefined;
  const values = all
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return values.length ? values : undefined;
}

export function queryEnumList(q: URLSearchParams, name: string, allowed: readonly string[]): string[] | undefined {
  const values = queryList(q, name);
  if (!values) return undefined;
  for (const v of values)
    if (!allowed.includes(v)) throw badRequest(`Invalid value of parameter ${name}: ${JSON.stringify(v)}; expected one of ${allowed.join(', ')}`);
  return [...new Set(values)];
}

export function pathId(v: string, field: string): number {
  if (!/^\d{1,18}$/.test(v)) throw badRequest(`Path parameter ${field} must be a positive integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < 1) throw badRequest(`Value of path parameter ${field} must be greater than or equal to 1`);
  return n;
}

// ---- opaque page tokens ----

export function encodeToken(key: unknown): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeToken<T>(token: string | null, check: (k: unknown) => k is T): T | undefined {
  if (token === null || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown };
    if (parsed && check(parsed.k)) return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw badRequest(`Invalid page_token: ${JSON.stringify(token.slice(0, 40))}`);
}

export function pageTokenParam(q: URLSearchParams): string | null {
  return q.get('page_token') ?? q.get('pageToken');
}
