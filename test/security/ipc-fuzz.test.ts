// Property-based fuzzing of every channel of the contract, through the real router and through the
// WebSocket transport: malformed, oversized, missing, extra and type-confused arguments, foreign
// senders and unknown channels. Channels come from `channels`, so a new channel is fuzzed at once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { BridgeError, channels, type ChannelName } from '../../preload/contract.ts';
import type { Sender } from '../../main/ipc/router.ts';
import { createServices, type Services } from '../../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../../main/settings/settings-store.ts';
import { startWebServer, type RunningWebServer } from '../../main/web/server.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { memoryLogger } from '../helpers/logs.ts';

const NAMES = Object.keys(channels) as ChannelName[];
const TRUSTED = 'http://trusted.test';
const sender: Sender = { transport: 'ipc', id: 'win-fuzz', origin: TRUSTED, mainFrame: true };
/** Codes that mean a handler broke (an exception or a value outside the contract), never acceptable. */
const BROKEN = new Set(['HANDLER_FAILED', 'INVALID_RESULT']);
const RUNS_DIRECT = Number(process.env.RETURNDESK_FUZZ_RUNS ?? 150);
const RUNS_WS = Math.max(20, Math.round(RUNS_DIRECT / 4));

const Outcome = z.union([z.object({ ok: z.literal(true), value: z.unknown() }).strict(), z.object({ ok: z.literal(false), error: BridgeError }).strict()]);

/** The top-level keys a channel's arguments declare (through optional/default wrappers), for shaped fuzz. */
function keysOf(schema: z.ZodType): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 4; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s.def.innerType;
    else break;
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

const leaf = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
    maxDepth: 3,
  }),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    -1,
    0,
    1e308,
    2 ** 31,
    '',
    ' ',
    '\u0000',
    '__proto__',
    'constructor',
    [],
    {},
    null,
    undefined,
  ),
  fc.string({ minLength: 5_000, maxLength: 20_000 }), // oversized text
  fc.array(fc.integer(), { minLength: 1_000, maxLength: 3_000 }), // oversized lists
);

/** Arguments for one channel: random values, objects with the declared keys confused, extras, nothing. */
function argsFor(name: ChannelName): fc.Arbitrary<unknown> {
  const keys = keysOf(channels[name].args);
  const shaped = keys.length ? fc.dictionary(fc.constantFrom(...keys), leaf, { maxKeys: keys.length }) : fc.constant({});
  const withExtra = fc
    .tuple(shaped, fc.dictionary(fc.string({ maxLength: 12 }), leaf, { minKeys: 1, maxKeys: 3 }))
    .map(([a, b]) => ({ ...b, ...(a as object) }));
  const prototypeTricks = fc.constantFrom(JSON.parse('{"__proto__":{"ok":true}}') as unknown, Object.create(null) as unknown, { toString: 1, valueOf: 'x' });
  return fc.oneof(leaf, shaped, withExtra, prototypeTricks, fc.constant(undefined));
}

function checkOutcome(name: string, args: unknown, outcome: unknown): void {
  const parsed = Outcome.safeParse(outcome);
  if (!parsed.success) throw new Error(`${name}: answer outside { ok, value } | { ok: false, error: { code } }: ${JSON.stringify(outcome)?.slice(0, 300)}`);
  const result = parsed.data;
  const spec = channels[name as ChannelName];
  const valid = spec ? spec.args.safeParse(args).success : false;
  if (!result.ok && BROKEN.has(result.error.code))
    throw new Error(`${name}: a handler broke on ${String(JSON.stringify(args)).slice(0, 200)}: ${result.error.message}`);
  if (!valid && (result.ok || result.error.code !== 'INVALID_ARGUMENTS'))
    throw new Error(`${name}: invalid arguments were not refused as INVALID_ARGUMENTS: ${JSON.stringify(result).slice(0, 200)}`);
  if (result.ok && spec) spec.result.parse(result.value);
}

let sandbox: RunningSandbox;
let services: Services;
let web: RunningWebServer;
let dataDir: string;
const log = memoryLogger();
const crashes: unknown[] = [];
const onCrash = (error: unknown): void => void crashes.push(error);
const calls = { direct: 0, ws: 0, wsRaw: 0, foreign: 0, unknown: 0 };

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  sandbox = await startSandbox({ port: 0, quiet: true, returns: 30, seed: 11 });
  dataDir = mkdtempSync(join(tmpdir(), 'rd-fuzz-'));
  services = await createServices({
    config: { dataDir, apiKey: sandbox.apiKey, baseUrl: sandbox.url },
    logger: log.logger,
    settings: createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), log.logger), log.logger),
    version: '0.0.0-fuzz',
    background: false,
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  services.trustedOrigins.add(TRUSTED);
  await services.session().sync.syncNow(); // real returns in the store, so valid ids reach real handlers
  const rendererDir = join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  web = await startWebServer({ services, logger: log.logger, rendererDir, port: 0 });
});

afterAll(async () => {
  await web?.close();
  await services?.close();
  await sandbox?.close();
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(
    `ipc fuzz: ${calls.direct} router calls, ${calls.ws} WebSocket calls, ${calls.wsRaw} raw frames, ${calls.foreign} foreign senders, ${calls.unknown} unknown channels over ${NAMES.length} channels\n`,
  );
});

describe('IPC fuzzing through the real router', () => {
  it.each(NAMES)('%s: every argument gets a typed answer, invalid ones INVALID_ARGUMENTS', async (name) => {
    await fc.assert(
      fc.asyncProperty(argsFor(name), async (args) => {
        calls.direct++;
        const outcome = await services.router.dispatch(name, args, sender);
        checkOutcome(name, args, outcome);
      }),
      { numRuns: RUNS_DIRECT },
    );
  });

  it('refuses foreign senders on every channel before reading the arguments', async () => {
    const foreign = fc.oneof(
      fc.record({
        transport: fc.constantFrom('ipc' as const, 'websocket' as const),
        id: fc.string(),
        origin: fc.oneof(
          fc.webUrl(),
          fc.constantFrom('null', 'unknown', 'file://', 'app://returndesk.evil', `${TRUSTED}.evil`, `${TRUSTED}/`, 'HTTP://TRUSTED.TEST'),
        ),
        mainFrame: fc.boolean(),
      }),
      fc.constant({ ...sender, mainFrame: false }), // our origin, but a sub-frame
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NAMES), foreign, argsFor('app.info'), async (name, who, args) => {
        calls.foreign++;
        const outcome = await services.router.dispatch(name, args, who);
        expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unknown channels, prototype names and non-string channel names', async () => {
    const unknown = fc.oneof(
      fc.string({ maxLength: 200 }).filter((s) => !(s in channels)),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', 'app', 'app.', '.info', 'app.info\u0000'),
      fc.anything().filter((v) => typeof v !== 'string'),
    );
    await fc.assert(
      fc.asyncProperty(unknown, leaf, async (channel, args) => {
        calls.unknown++;
        const outcome = await services.router.dispatch(channel, args, sender);
        expect(outcome).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      }),
      { numRuns: 300 },
    );
  });

  it('main is still alive afterwards: no crash, and a valid call answers', async () => {
    expect(crashes).toEqual([]);
    const status = await services.router.dispatch('status.get', undefined, sender);
    expect(status.ok).toBe(true);
    const list = await services.router.dispatch('returns.list', { filter: {}, offset: 0, limit: 5 }, sender);
    expect(list).toMatchObject({ ok: true, value: { total: expect.any(Number) } });
    expect((list as { value: { total: number } }).value.total).toBeGreaterThan(0);
  });
});

describe('IPC fuzzing through the WebSocket transport', () => {
  function connect(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/bridge?token=${web.token}`, { headers: { origin: web.origin } });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  /** Sends one frame and waits for the next result (events are skipped), or for the socket to close. */
  function exchange(ws: WebSocket, frame: string | Buffer): Promise<{ id: number; result: unknown } | { closed: number }> {
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const message = JSON.parse(String(data)) as { type: string; id: number; result: unknown };
        if (message.type !== 'result') return;
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve({ id: message.id, result: message.result });
      };
      const onClose = (code: number): void => {
        ws.off('message', onMessage);
        resolve({ closed: code });
      };
      ws.on('message', onMessage);
      ws.once('close', onClose);
      ws.send(frame);
    });
  }

  it('every channel with JSON-borne junk gets a typed answer with its id', async () => {
    const ws = await connect();
    let id = 1;
    try {
      for (const name of NAMES) {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.jsonValue({ maxDepth: 3 }),
              argsFor(name).filter((v) => {
                try {
                  return JSON.stringify(v) !== undefined || v === undefined;
                } catch {
                  return false;
                }
              }),
            ),
            async (args) => {
              calls.ws++;
              const sent = id++;
              const answer = await exchange(ws, JSON.stringify({ id: sent, channel: name, args }));
              expect(answer).toMatchObject({ id: sent });
              // What the socket carried is what JSON kept of the arguments.
              checkOutcome(name, args === undefined ? undefined : JSON.parse(JSON.stringify(args)), (answer as { result: unknown }).result);
            },
          ),
          { numRuns: RUNS_WS },
        );
      }
    } finally {
      ws.close();
    }
  });

  it('unreadable frames get TRANSPORT, an oversized frame closes only that socket', async () => {
    const ws = await connect();
    const frames = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.jsonValue().map((v) => JSON.stringify(v)), // JSON that is not a request
      fc
        .record({ id: fc.oneof(fc.double(), fc.string(), fc.constant(-5)), channel: fc.oneof(fc.string({ minLength: 101, maxLength: 300 }), fc.integer()) })
        .map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(frames, async (frame) => {
        calls.wsRaw++;
        const answer = await exchange(ws, frame);
        expect(answer).toMatchObject({ id: -1, result: { ok: false, error: { code: 'TRANSPORT' } } });
      }),
      { numRuns: 200 },
    );
    const big = await exchange(ws, JSON.stringify({ id: 1, channel: 'app.ping', args: { text: 'x'.repeat(1_100_000) } }));
    expect(big).toEqual({ closed: 1009 }); // message too big: the server drops this socket
    const again = await connect();
    const ok = await exchange(again, JSON.stringify({ id: 7, channel: 'app.info' }));
    expect(ok).toMatchObject({ id: 7, result: { ok: true } });
    again.close();
    expect(crashes).toEqual([]);
  });
});
