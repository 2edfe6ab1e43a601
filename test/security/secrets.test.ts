// Secret hygiene: with a known fake key, run sync, decisions through the outbox, photos, alerts,
// diagnostics, web mode and the CLI; record every bridge payload and event; then search every payload,
// every output and every file under the data folders (SQLite and WAL, settings, logs, caches) for the
// key, raw and encoded. The logger runs WITHOUT its redaction safety net: the code itself must not leak.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AvailableDecisions, InboxRow, ItemPhotos } from '../../preload/contract.ts';
import { createLogger, fileSink } from '../../main/log.ts';
import type { Sender } from '../../main/ipc/router.ts';
import { createServices, type Services } from '../../main/services.ts';
import { createSettingsStore, jsonFileBackend } from '../../main/settings/settings-store.ts';
import { startWebServer, type RunningWebServer } from '../../main/web/server.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';

const root = join(import.meta.dirname, '..', '..');
const KEY = `RD-SECRET-${randomBytes(12).toString('hex')}`;
const NEEDLES: Array<[string, Buffer]> = [
  ['raw', Buffer.from(KEY)],
  ['base64', Buffer.from(Buffer.from(KEY).toString('base64').slice(0, -4))],
  ['base64url', Buffer.from(Buffer.from(KEY).toString('base64url').slice(0, -4))],
  ['hex', Buffer.from(Buffer.from(KEY).toString('hex'))],
  ['utf16le', Buffer.from(KEY, 'utf16le')],
  ['secret part', Buffer.from(KEY.slice('RD-SECRET-'.length))],
];

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** Where the key (in any of its encodings) occurs: `what (encoding)` per hit. */
function hitsIn(what: string, content: Buffer | string): string[] {
  const buffer = typeof content === 'string' ? Buffer.from(content) : content;
  return NEEDLES.filter(([, needle]) => buffer.includes(needle)).map(([encoding]) => `${what} (${encoding})`);
}

let sandbox: RunningSandbox;
let services: Services;
let web: RunningWebServer;
let dataDir: string;
let cliDir: string;
const payloads: string[] = [];
const outputs: Array<[string, string]> = [];
const scanned = { files: 0, bytes: 0, payloads: 0, channels: new Set<string>(), events: new Set<string>(), cli: 0 };
const sender: Sender = { transport: 'ipc', id: 'win-secrets', origin: 'http://secrets.test', mainFrame: true };

async function call<T>(channel: string, args?: unknown): Promise<T> {
  const result = await services.router.dispatch(channel, args, sender);
  payloads.push(JSON.stringify(result));
  scanned.channels.add(channel);
  if (!result.ok) return undefined as T;
  return result.value as T;
}

function cli(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'main', 'cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, RETURNDESK_DATA_DIR: cliDir, RETURNDESK_API_KEY: KEY, RETURNDESK_BASE_URL: sandbox.url },
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += String(chunk)));
    child.stderr.on('data', (chunk) => (text += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', () => {
      clearTimeout(timer);
      outputs.push([`cli ${args.join(' ')}`, text]);
      scanned.cli++;
      resolve();
    });
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, apiKey: KEY, returns: 40, seed: 5 });
  dataDir = mkdtempSync(join(tmpdir(), 'rd-secrets-'));
  cliDir = mkdtempSync(join(tmpdir(), 'rd-secrets-cli-'));
  // No `secrets` for redaction: a leak must show up in the file, not be papered over.
  const logger = createLogger({ sinks: [fileSink(join(dataDir, 'logs', 'returndesk.log'))], level: 'debug' });
  services = await createServices({
    config: { dataDir, apiKey: KEY, baseUrl: sandbox.url },
    logger,
    settings: createSettingsStore(jsonFileBackend(join(dataDir, 'settings.json'), logger), logger),
    version: '0.0.0-secrets',
    background: false,
    host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
  });
  services.trustedOrigins.add(sender.origin);
  services.events.subscribe('secrets-spy', (event, payload) => {
    scanned.events.add(event);
    payloads.push(JSON.stringify([event, payload]));
  });
  services.events.ready('secrets-spy');
  const rendererDir = join(dataDir, 'renderer-under-test');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  web = await startWebServer({ services, logger, rendererDir, port: 0 });
}, 60_000);

afterAll(async () => {
  await web?.close();
  await services?.close().catch(() => undefined);
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(cliDir, { recursive: true, force: true });
});

describe('the API key never leaves main', () => {
  it('runs every path that touches the key, then finds it nowhere', async () => {
    // Sync and the bridge.
    await call('app.info');
    await call('apiKey.status');
    await call('settings.set', { operatorName: 'Ирина' });
    const summary = await services.session().sync.syncNow();
    expect(summary.error).toBeUndefined();
    await call('sync.now');
    await call('stores.list');
    await call('status.get');
    await call('apiKey.set', { key: 'another-key-123456' }); // refused in env mode, with a message
    await call('returns.get', { returnId: 999_999_999 }); // an error path
    const page = await call<{ rows: InboxRow[] }>('returns.list', { filter: { awaitingDecision: true }, offset: 0, limit: 50 });
    expect(page.rows.length).toBeGreaterThan(1);

    // Decisions through the outbox, delivered.
    let submitted = 0;
    for (const row of page.rows.slice(0, 3)) {
      await call('returns.get', { returnId: row.returnId });
      const available = await call<AvailableDecisions>('decisions.available', { returnId: row.returnId });
      if (!available?.decisions.some((d) => d.decisionType === 'REFUND_MONEY')) continue;
      const draft = { returnId: row.returnId, items: available.items.map((i) => ({ returnItemId: i.returnItemId, decisionType: 'REFUND_MONEY' })) };
      if (await call('decisions.submit', { draft })) submitted++;
    }
    expect(submitted).toBeGreaterThan(0);
    services.session().outbox.start();
    expect(await services.session().outbox.whenIdle(15_000)).toBe(true);
    await call('outbox.list');
    await call('audit.list', {});

    // Photos (main/photos): list, fetch into the cache.
    let photosFetched = 0;
    for (const row of page.rows.filter((r) => r.photoCount > 0).slice(0, 2)) {
      const photos = await call<{ items: ItemPhotos[] }>('photos.list', { returnId: row.returnId });
      const first = photos?.items.flatMap((i) => i.photos.map((p) => ({ itemId: i.returnItemId, imageHash: p.imageHash }))).find((p) => p.itemId);
      if (first && (await call('photos.fetch', { returnId: row.returnId, itemId: first.itemId, imageHash: first.imageHash, kind: 'thumb' }))) photosFetched++;
    }
    expect(photosFetched).toBeGreaterThan(0);

    // Alerts and diagnostics.
    await services.alerts.tick();
    await call('diagnostics.get', { logLines: 500 });

    // Web mode: the same calls over the socket, every frame recorded.
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/bridge?token=${web.token}`, { headers: { origin: web.origin } });
    ws.on('message', (data) => payloads.push(String(data)));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let id = 1;
    for (const channel of ['app.info', 'apiKey.status', 'status.get', 'diagnostics.get', 'settings.get']) ws.send(JSON.stringify({ id: id++, channel }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    ws.close();
    outputs.push(['web index', await (await fetch(`${web.origin}/`)).text()]);

    // The CLI, in its own data folder.
    await cli(['info', '--json']);
    await cli(['sync', '--once']);
    await cli(['list', '--awaiting']);
    await cli(['outbox', 'list']);
    expect(outputs.find(([what]) => what === 'cli sync --once')?.[1]).toMatch(/\d/);

    // Search: payloads and outputs, then every file (before close: the WAL still holds pages).
    const hits: string[] = [];
    for (const p of payloads) hits.push(...hitsIn('bridge payload', p));
    for (const [what, text] of outputs) hits.push(...hitsIn(what, text));
    const scanFiles = (): void => {
      for (const dir of [dataDir, cliDir]) {
        for (const file of filesUnder(dir)) {
          let content: Buffer;
          try {
            content = readFileSync(file);
          } catch (error) {
            // Removed between the listing and the read (SQLite drops -shm as its last connection closes): nothing to hold a key.
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
            throw error;
          }
          scanned.files++;
          scanned.bytes += content.length;
          hits.push(...hitsIn(relative(dir, file), content));
        }
      }
    };
    scanFiles();
    const names = filesUnder(dataDir).map((f) => relative(dataDir, f));
    expect(names).toEqual(expect.arrayContaining(['returndesk.sqlite', 'settings.json', join('logs', 'returndesk.log')]));
    expect(names.some((n) => n.endsWith('-wal'))).toBe(true);
    await services.close();
    scanFiles();
    scanned.payloads = payloads.length;
    process.stdout.write(
      `secret hygiene: ${scanned.payloads} payloads (${scanned.channels.size} channels, events ${[...scanned.events].join(', ')}), ${scanned.cli} CLI runs, ${scanned.files} file reads (${(scanned.bytes / 1e6).toFixed(1)} MB): ${hits.length} hits\n`,
    );
    expect(hits).toEqual([]);
    expect(scanned.events).toContain('outbox.changed');
  }, 120_000);

  it('the search itself finds a planted key in every encoding (the test can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-planted-'));
    try {
      writeFileSync(join(dir, 'a.log'), `{"header":"Api-Key: ${KEY}"}`);
      writeFileSync(join(dir, 'b.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(Buffer.from(`x${KEY}`).toString('base64')), Buffer.from([3])]));
      writeFileSync(join(dir, 'c.db'), Buffer.from(KEY, 'utf16le'));
      const hits = filesUnder(dir).flatMap((f) => hitsIn(relative(dir, f), readFileSync(f)));
      expect(hits.some((h) => h.startsWith('a.log'))).toBe(true);
      expect(hits.some((h) => h.startsWith('c.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
