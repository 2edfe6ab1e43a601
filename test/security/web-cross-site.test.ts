// Web mode against a real browser: a page on another loopback origin that knows the right token still
// cannot open the bridge (Origin check), while our own page can; the token never reaches the logs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../main/services.ts';
import { startWebServer, type RunningWebServer } from '../../main/web/server.ts';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/chromium.ts';
import { liveServices } from '../helpers/services.ts';
import { memoryLogger } from '../helpers/logs.ts';

const found = findChromium();
const hasBrowser = 'path' in found;
const CHROMIUM = 'path' in found ? found.path : '';
const { logger, lines } = memoryLogger();
let services: Services;
let web: RunningWebServer;
let evil: Server;
let evilOrigin: string;
let browser: Browser;
let dir: string;

/** In the page: opens the socket and reports whether it opened, or how it failed. */
const TRY_SOCKET = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => {
      ws.close();
      resolve('open');
    };
    ws.onerror = () => resolve('error');
    ws.onclose = (e) => resolve(`closed ${e.code}`);
    setTimeout(() => resolve('timeout'), 5_000);
  });

beforeAll(async () => {
  if (!hasBrowser) return;
  dir = mkdtempSync(join(tmpdir(), 'rd-cross-site-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  ({ services } = await liveServices(logger));
  web = await startWebServer({ services, logger, rendererDir, port: 0 });
  evil = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>another site</title>'));
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  if (hasBrowser) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (evil ? evil.close(resolve) : resolve(undefined)));
  await web?.close();
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasBrowser)('path' in found ? `web mode in Chromium (${CHROMIUM})` : `web mode in Chromium — SKIPPED: ${found.problem}`, () => {
  it('a page on another loopback origin with the right token is refused', async () => {
    const page = await browser.newPage();
    await page.goto(`${evilOrigin}/`);
    const bridge = `ws://127.0.0.1:${web.port}/bridge?token=${web.token}`;
    expect(await page.evaluate(TRY_SOCKET, bridge)).not.toBe('open');
    expect(await page.evaluate(TRY_SOCKET, `ws://localhost:${web.port}/bridge?token=${web.token}`)).not.toBe('open');
    expect(lines.some((l) => l.includes('socket from a foreign origin refused') && l.includes(evilOrigin))).toBe(true);
    await page.close();
  });

  it('our own page with the right token opens it, with a wrong token it does not (the check can fail)', async () => {
    const page = await browser.newPage();
    await page.goto(`${web.origin}/`);
    expect(await page.evaluate(TRY_SOCKET, `ws://127.0.0.1:${web.port}/bridge?token=${web.token}`)).toBe('open');
    expect(await page.evaluate(TRY_SOCKET, `ws://127.0.0.1:${web.port}/bridge?token=${web.token.slice(0, -1)}x`)).not.toBe('open');
    await page.close();
  });

  it('the token never appears in the server log', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(web.token);
      expect(line).not.toContain(web.token.slice(0, 16));
    }
  });
});
