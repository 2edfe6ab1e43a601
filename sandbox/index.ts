// Public entry: start a local Yandex Market Partner API sandbox on a loopback port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxContext } from './context.ts';
import { adminRoutes } from './routes/admin.ts';
import { chatRoutes } from './routes/chats.ts';
import { marketRoutes } from './routes/market.ts';
import { miscRoutes } from './routes/misc.ts';
import { returnRoutes } from './routes/returns.ts';
import { photoFaultRoutes } from './routes/photo-faults.ts';
import { createHandler } from './server.ts';
import { createRng } from './rng.ts';

export interface SandboxOptions {
  port?: number /* 0 = free port */;
  host?: string /* default 127.0.0.1 */;
  seed?: number /* default 42 */;
  apiKey?: string /* default: a generated demo key */;
  returns?: number /* default ~300 */;
  startTime?: Date;
  /** Start with the sandbox (Market) clock this far ahead of the machine's, negative for behind. */
  skewMs?: number;
  limitScale?: number /* multiply hourly budgets, e.g. 0.01 */;
  quiet?: boolean;
}

export interface RunningSandbox {
  url: string /* http://127.0.0.1:PORT, no trailing slash */;
  port: number;
  apiKey: string;
  otherApiKey: string /* key of a second seller, for 403 tests */;
  close(): Promise<void>;
}

function demoKey(seed: number, salt: number): string {
  const rng = createRng(seed * 7919 + salt);
  return `ACMA:${rng.hex(32)}:${rng.hex(8)}`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = options.seed ?? 42;
  const apiKey = options.apiKey ?? demoKey(seed, 1);
  let otherApiKey = demoKey(seed, 2);
  if (otherApiKey === apiKey) otherApiKey = demoKey(seed, 3);
  const ctx = new SandboxContext({
    seed,
    returns: options.returns ?? 300,
    startTime: options.startTime,
    skewMs: options.skewMs,
    apiKey,
    otherApiKey,
    limitScale: options.limitScale ?? 1,
  });
  const handler = createHandler(ctx, [...returnRoutes, ...marketRoutes, ...chatRoutes, ...miscRoutes], [...adminRoutes, ...photoFaultRoutes]);
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!options.quiet) console.error('[sandbox] unexpected error', e);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = url;
  if (!options.quiet) console.log(`[sandbox] Yandex Market sandbox on ${url} (${ctx.world.returns.size} returns, seed ${seed})`);
  return {
    url,
    port,
    apiKey,
    otherApiKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
