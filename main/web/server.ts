import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { z } from 'zod';
import type { WireRequest } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import type { Services } from '../services.ts';
import { answerMedia, MEDIA_PREFIX } from '../evidence/media-server.ts';
import { startupMark } from '../startup-trace.ts';

export interface WebServerOptions {
  /**
   * The services behind the socket, or their start-up: the page and the socket are served at once, and what
   * the page asks waits for the services (the first inbox page ahead of what was asked with it).
   */
  services: Services | Promise<Services>;
  logger: Logger;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  port?: number;
  host?: string;
  /** Per-launch secret; generated when omitted. */
  token?: string;
  /** Called once, after the first inbox page has been sent to a page (web mode starts sync then). */
  onFirstPage?: () => void;
  /** Called once, when a browser first asks for the page: its first inbox page is on its way. */
  onPageOpened?: () => void;
}

export interface RunningWebServer {
  /** The address to open, with the token in the fragment (never sent to the server in requests). */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A frame that is not JSON text (binary, or broken). */
const UNREADABLE = Symbol('unreadable');
/** Longest wait, before the first inbox page is sent, for it to arrive and go ahead of what came with it. */
const FIRST_PAGE_WAIT_MS = 50;

function isInboxPage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'returns.list';
}

/** One call from the page, as the contract's wire schema reads it. */
type Request = z.infer<typeof WireRequest>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_MESSAGE_BYTES = 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  // pdf.js's worker is bundled as .mjs; module workers need a JavaScript type (nosniff).
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Content Security Policy of the web-mode page: nothing but our own files and our own socket. */
export function webCsp(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** RFC 3986 origin-form: "/" then path and query characters, every "%" starting a two-digit hex escape. */
const ORIGIN_FORM = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;

/**
 * The decoded path and the query of a request target; null for anything that is not a well-formed
 * origin-form target (absolute or authority form, "*", "[", a broken escape, invalid UTF-8, a NUL):
 * those get a 400, never an exception.
 */
export function parseTarget(target: string | undefined, origin: string): { path: string; query: URLSearchParams } | null {
  if (!target || !ORIGIN_FORM.test(target)) return null;
  try {
    // Appended to our origin, "//host/x" stays a path instead of naming another host.
    const url = new URL(`${origin}${target}`);
    const path = decodeURIComponent(url.pathname);
    return url.origin === origin && !path.includes('\0') ? { path, query: url.searchParams } : null;
  } catch {
    return null;
  }
}

/** Our Host, said once: a second Host header (RFC 9112 wants a 400) could smuggle a foreign one past the check. */
function hostOf(request: IncomingMessage): string | null {
  const hosts = request.rawHeaders.filter((_, i) => i % 2 === 0 && request.rawHeaders[i]!.toLowerCase() === 'host');
  return hosts.length === 1 ? (request.headers.host ?? null) : null;
}

function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Serves the built renderer on loopback and carries the contract over a WebSocket. A socket is
 * accepted only with the launch token and our own Origin, before any message is read.
 */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const { logger } = options;
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new Error(`Web mode binds to loopback only; refusing host "${host}". Use 127.0.0.1.`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = normalize(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${join(rendererDir, 'index.html')} is missing). Run "npm run build".`);
  }

  let origins = new Set<string>();
  let origin = '';
  let nextConnection = 1;
  let firstPage = options.onFirstPage;
  let pageOpened = options.onPageOpened;
  let listening: () => void = () => {};
  const listened = new Promise<void>((resolve) => (listening = resolve));
  /** The services once they exist (and trust our origins), with the contract's request schema. */
  let services: Services | null = null;
  const ready = listened
    .then(() => Promise.all([options.services, import('../../preload/contract.ts')]))
    .then(([started, contract]) => {
      for (const o of origins) started.trustedOrigins.add(o);
      services = started;
      return { services: started, WireRequest: contract.WireRequest };
    });
  // A start-up that fails is its host's to report (web mode exits); requests waiting for it just end.
  ready.catch(() => undefined);

  const server: Server = createServer((request, response) => {
    try {
      serve(request, response);
    } catch (error) {
      // A request must never end web mode: whatever slipped through is this request's problem only.
      logger.error('web: request failed', { error: error instanceof Error ? error : String(error) });
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end();
    }
  });

  function serve(request: IncomingMessage, response: ServerResponse): void {
    const host = hostOf(request);
    if (host === null) {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request');
      return;
    }
    if (!origins.has(`http://${host}`)) {
      // A foreign Host header means DNS rebinding or a proxy: not ours to serve.
      response.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const target = parseTarget(request.url, origin);
    if (!target) {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request');
      return;
    }
    if (target.path.startsWith(MEDIA_PREFIX)) {
      // Cached photos and documents, only with this launch's media token (which exists once the services do).
      const media = (started: Services): void => {
        const answer = answerMedia(started.evidence.media, started.evidence.token, target.path, target.query, started.evidence.downloads);
        response.writeHead(answer.status, answer.headers);
        if (answer.status !== 200 || request.method === 'HEAD') response.end();
        else
          createReadStream(answer.path)
            .on('error', () => response.destroy())
            .pipe(response);
      };
      if (services) media(services);
      else ready.then((r) => media(r.services)).catch(() => response.destroy());
      return;
    }
    const relative = target.path === '/' ? 'index.html' : target.path.slice(1);
    const file = normalize(join(rendererDir, relative));
    const inside = file.startsWith(rendererDir + sep);
    const served = inside && existsSync(file) && statSync(file).isFile() ? file : join(rendererDir, 'index.html');
    if (pageOpened && served.endsWith('index.html')) {
      startupMark('page requested');
      pageOpened();
      pageOpened = undefined;
    }
    response.writeHead(200, {
      'Content-Type': TYPES[extname(served)] ?? 'application/octet-stream',
      'Content-Security-Policy': webCsp(origin),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': served.endsWith('index.html') ? 'no-store' : 'max-age=3600',
    });
    if (request.method === 'HEAD') response.end();
    // A file removed between the check and the read ends this response, not the process.
    else
      createReadStream(served)
        .on('error', () => response.destroy())
        .pipe(response);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    // A socket error after the refusal (the peer hung up) must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const target = parseTarget(request.url, origin);
    if (!target) return refuseUpgrade(socket, 400, 'Bad Request');
    const given = target.query.get('token') ?? '';
    const requestOrigin = request.headers.origin ?? '';
    if (target.path !== '/bridge') return refuseUpgrade(socket, 404, 'Not Found');
    const host = hostOf(request);
    if (host === null) return refuseUpgrade(socket, 400, 'Bad Request');
    if (!origins.has(`http://${host}`)) return refuseUpgrade(socket, 421, 'Misdirected Request');
    if (!origins.has(requestOrigin)) {
      logger.warn('web: socket from a foreign origin refused', { origin: requestOrigin.slice(0, 200) });
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!given || !sameSecret(given, token)) {
      logger.warn('web: socket with a missing or wrong token refused');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    startupMark('socket accepted');
    sockets.handleUpgrade(request, socket, head, (ws) => accept(ws, requestOrigin));
  });

  function accept(ws: WebSocket, socketOrigin: string): void {
    const sender = { transport: 'websocket' as const, id: `ws-${nextConnection++}`, origin: socketOrigin, mainFrame: true };
    let closed = false;
    let unsubscribe = (): void => {};
    ws.on('close', () => {
      closed = true;
      unsubscribe();
    });
    ready
      .then(({ services }) => {
        if (closed) return;
        unsubscribe = services.events.subscribe(
          sender.id,
          (event, payload) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', event, payload }));
          },
          () => {
            // Authenticated but never ready while events piled up: closed; our page reconnects and loads afresh.
            logger.warn('web: socket closed: too many events waited for it to get ready', { sender: sender.id });
            ws.close(1008, 'event queue overflow');
            setTimeout(() => ws.terminate(), 1_000).unref();
          },
        );
      })
      .catch(() => ws.terminate());
    // An oversized or broken frame closes this socket; without a listener the error would crash main.
    ws.on('error', (error) => logger.warn('web: socket closed on a protocol error', { sender: sender.id, error }));
    // Messages are answered in arrival order, except that the first inbox page goes ahead of whatever arrived with
    // it (the status, the counts): its rows paint first.
    const waiting: unknown[] = [];
    let draining = false;
    let arrived: (() => void) | null = null;
    ws.on('message', (data, isBinary) => {
      let message: unknown = UNREADABLE;
      try {
        if (!isBinary) message = JSON.parse(String(data));
      } catch {
        // Answered as unreadable in its turn.
      }
      waiting.push(message);
      arrived?.();
      if (!draining) void drain().catch((error: unknown) => logger.error('web: a request failed outside the router', { sender: sender.id, error }));
    });
    const drain = async (): Promise<void> => {
      draining = true;
      try {
        const { WireRequest } = await ready;
        while (waiting.length > 0) {
          // Before the first inbox page, what the page asks with it (sent in the same moment) waits for it a little.
          const until = Date.now() + FIRST_PAGE_WAIT_MS;
          while (firstPage && !waiting.some(isInboxPage) && Date.now() < until) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, until - Date.now());
              arrived = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            arrived = null;
          }
          const batch = waiting.splice(0).flatMap((message) => {
            const request = read(WireRequest, message);
            return request ? [request] : [];
          });
          const page = firstPage ? batch.findIndex((request) => request.channel === 'returns.list') : -1;
          if (page >= 0) await run(batch.splice(page, 1)[0]!);
          for (const request of batch) void run(request);
        }
      } finally {
        draining = false;
      }
    };
    const read = (schema: typeof WireRequest, message: unknown): Request | null => {
      try {
        return schema.parse(message);
      } catch {
        logger.warn('web: unreadable message ignored', { sender: sender.id });
        ws.send(JSON.stringify({ type: 'result', id: -1, result: { ok: false, error: { code: 'TRANSPORT', message: 'Unreadable message.' } } }));
        return null;
      }
    };
    // A request that throws past the router is logged; it must never become an unhandled rejection that ends web mode.
    const run = (request: Request): Promise<void> =>
      answer(request).catch((error: unknown) => logger.error('web: a request failed outside the router', { sender: sender.id, error }));
    const answer = async (request: Request): Promise<void> => {
      const firstInboxPage = request.channel === 'returns.list' && firstPage;
      if (firstInboxPage) startupMark('first inbox page asked');
      const result = await services!.router.dispatch(request.channel, request.args, sender);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id: request.id, result }));
      if (firstInboxPage && firstPage) {
        startupMark('first inbox page answered');
        const first = firstPage;
        firstPage = undefined;
        // After the frame is written: the page paints while whatever the callback starts begins.
        setImmediate(first);
      }
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host === '::1' ? '[::1]' : host;
  origin = `http://${hostPart}:${port}`;
  origins = new Set([origin, `http://localhost:${port}`]);
  listening();

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
