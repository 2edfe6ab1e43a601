// The HTTP pipeline: admin → drop → auth → parallel limit → latency → 5xx → budget → route → drift/malformed/reset.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { applyDrift, echoedKeyMessage } from './faults.ts';
import { ApiError, errorBody, MAX_BODY_BYTES, readBody, type ApiResult } from './http.ts';

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  apiKey: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Route {
  method: string;
  pattern: RegExp;
  operationId: string;
  bodyLimit?: number;
  handler: (ctx: SandboxContext, req: Req) => ApiResult | Promise<ApiResult>;
}

export interface AdminRoute {
  method: string;
  pattern: RegExp;
  handler: (ctx: SandboxContext, req: Req) => ApiResult | Promise<ApiResult>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, result: ApiResult, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extraHeaders, ...(result.headers ?? {}) };
  let payload: Buffer;
  if (Buffer.isBuffer(result.body)) {
    payload = result.body;
    headers['Content-Type'] = result.contentType ?? 'application/octet-stream';
  } else {
    payload = Buffer.from(JSON.stringify(result.body));
    headers['Content-Type'] = result.contentType ?? 'application/json;charset=utf-8';
  }
  headers['Content-Length'] = String(payload.length);
  res.writeHead(result.status, headers);
  res.end(payload);
}

function sendError(res: ServerResponse, e: ApiError, extra: Record<string, string> = {}): void {
  send(res, { status: e.status, body: errorBody(e.code, e.message), headers: e.headers }, extra);
}

export function createHandler(ctx: SandboxContext, routes: Route[], admin: AdminRoute[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const base: Omit<Req, 'params' | 'body'> = { method, path, query: url.searchParams, apiKey: '', headers: req.headers };
    // Like the Market, every answer carries a Date header, in the Market's (the sandbox clock's) time.
    res.setHeader('Date', new Date(ctx.now()).toUTCString());

    if (path.startsWith('/_sandbox/') || path === '/_sandbox' || path.startsWith('/_files/')) {
      try {
        const match = matchRoute(admin, method, path);
        if (!match) throw new ApiError(404, 'NOT_FOUND', `No sandbox endpoint ${method} ${path}`);
        const body = await readBody(req, 50 * 1024 * 1024);
        ctx.tick();
        send(res, await match.route.handler(ctx, { ...base, params: match.params, body }));
      } catch (e) {
        if (e instanceof ApiError) sendError(res, e);
        else sendError(res, new ApiError(500, 'INTERNAL_ERROR', (e as Error).message));
      }
      return;
    }

    ctx.stats.total++;
    const count = (status: number): void => {
      ctx.stats.byStatus[status] = (ctx.stats.byStatus[status] ?? 0) + 1;
    };

    // A scripted fault window opens and closes on the clock, not at the next request that gets past it (a drop
    // or 401 window refuses every request before the script would otherwise be played).
    ctx.soak?.playFaultWindows?.();
    if (ctx.faults.take('drop', path)) {
      // Offline: the connection dies before any answer.
      req.socket.destroy();
      return;
    }

    const match = matchRoute(routes, method, path);
    const apiKeyHeader = req.headers['api-key'];
    const apiKey = typeof apiKeyHeader === 'string' ? apiKeyHeader.trim() : '';
    if (!match) {
      const anyMethod = routes.some((r) => r.pattern.test(path));
      const e = anyMethod
        ? new ApiError(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed for ${path}`)
        : new ApiError(404, 'NOT_FOUND', `Resource ${path} not found`);
      count(e.status);
      req.resume();
      sendError(res, e);
      return;
    }
    const op = match.route.operationId;
    ctx.stats.byOperation[op] = (ctx.stats.byOperation[op] ?? 0) + 1;
    // Every request as it reaches the Market, faults or not: a scripted week counts the client's polls.
    ctx.soak?.requested?.(op, path, url.searchParams, ctx.now());

    if (ctx.faults.take('unauthorized', path) || apiKey === '' || !ctx.isKnownKey(apiKey)) {
      count(401);
      req.resume();
      const message = apiKey === '' ? 'Credentials are not specified' : 'Api-Key token is invalid';
      sendError(res, new ApiError(401, 'UNAUTHORIZED', message));
      return;
    }

    try {
      ctx.limiter.enter(apiKey);
    } catch (e) {
      count(420);
      req.resume();
      sendError(res, e as ApiError);
      return;
    }
    let rateHeaders: Record<string, string> = {};
    try {
      const latency = ctx.faults.take('latency', path);
      if (latency?.latencyMs) await sleep(latency.latencyMs);
      const body = await readBody(req, match.route.bodyLimit ?? MAX_BODY_BYTES);
      const echo = ctx.faults.take('echo-key', path);
      if (echo) throw new ApiError(echo.status ?? 500, 'INTERNAL_ERROR', echoedKeyMessage(apiKey));
      const fault5xx = ctx.faults.take('error5xx', path);
      if (fault5xx) {
        const status = fault5xx.status ?? 500;
        throw new ApiError(
          status,
          status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR',
          status === 503 ? 'Service temporarily unavailable' : 'Internal server error',
        );
      }
      ctx.tick();
      rateHeaders = ctx.limiter.consume(apiKey, op, ctx.now());
      let result = await match.route.handler(ctx, { ...base, apiKey, params: match.params, body });
      if (!Buffer.isBuffer(result.body) && ctx.faults.take('drift', path)) result = { ...result, body: applyDrift(result.body) };
      count(result.status);
      if (!Buffer.isBuffer(result.body) && ctx.faults.take('malformed', path)) {
        const text = JSON.stringify(result.body);
        const broken = Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '{"status":');
        res.writeHead(200, { ...rateHeaders, 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': String(broken.length) });
        res.end(broken);
        return;
      }
      if (ctx.faults.take('reset', path)) {
        const payload = Buffer.isBuffer(result.body) ? result.body : Buffer.from(JSON.stringify(result.body));
        res.writeHead(result.status, {
          ...rateHeaders,
          'Content-Type': result.contentType ?? 'application/json;charset=utf-8',
          'Content-Length': String(payload.length),
        });
        res.write(payload.subarray(0, Math.max(1, Math.floor(payload.length / 3))));
        // Give the partial body a moment to reach the wire, then cut the connection mid-body.
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      send(res, result, rateHeaders);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'INTERNAL_ERROR', (e as Error).message);
      // A client that hung up mid-request ("aborted") is not a sandbox fault: nothing to report or answer.
      if (res.socket?.destroyed || (e as { code?: string }).code === 'ECONNRESET' || (e as Error).message === 'aborted') return;
      if (!(e instanceof ApiError)) console.error('[sandbox] handler crashed:', e);
      count(err.status);
      if (!res.headersSent) sendError(res, err, err.status === 420 ? {} : rateHeaders);
      else res.socket?.destroy();
    } finally {
      ctx.limiter.leave(apiKey);
    }
  };
}

function matchRoute<T extends { method: string; pattern: RegExp }>(routes: T[], method: string, path: string): { route: T; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
