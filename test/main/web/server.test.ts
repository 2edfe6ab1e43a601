import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebServer, type RunningWebServer } from '../../../main/web/server.ts';
import type { Services } from '../../../main/services.ts';
import { liveServices } from '../../helpers/services.ts';
import { memoryLogger } from '../../helpers/logs.ts';

let server: RunningWebServer;
let services: Services;
const { logger, lines } = memoryLogger();

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  ({ services } = await liveServices(logger));
  server = await startWebServer({ services, logger, rendererDir, port: 0 });
});
afterAll(async () => {
  await server.close();
  await services.close();
});

/** Opens a socket and resolves with how the handshake ended: 'open' or the HTTP status. */
function handshake(path: string, headers: Record<string, string>): Promise<{ outcome: 'open' | number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    ws.on('open', () => resolve({ outcome: 'open', ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ outcome: res.statusCode ?? 0, ws }));
    ws.on('error', () => undefined);
  });
}

function call(ws: WebSocket, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  });
}

function httpGet(path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web mode server', () => {
  it('prints a loopback URL carrying the token in the fragment only', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{20,}$`));
  });

  it('serves the renderer with a CSP starting from default-src none, and no file outside it', async () => {
    const page = await httpGet('/', `127.0.0.1:${server.port}`);
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(String(page.headers['content-security-policy'])).not.toMatch(/unsafe-(inline|eval)/);
    const traversal = await httpGet('/../../../../etc/passwd', `127.0.0.1:${server.port}`);
    expect(traversal.body).not.toContain('root:');
    const encoded = await httpGet('/%2e%2e/%2e%2e/etc/passwd', `127.0.0.1:${server.port}`);
    expect(encoded.body).not.toContain('root:');
  });

  it('refuses requests for a foreign Host (DNS rebinding)', async () => {
    expect((await httpGet('/', 'evil.example:80')).status).toBe(421);
  });

  it('accepts the right token and Origin, and carries calls and events', async () => {
    const { outcome, ws } = await handshake(`/bridge?token=${server.token}`, { Origin: server.origin });
    expect(outcome).toBe('open');
    const info = (await call(ws, { id: 1, channel: 'app.info' })) as { id: number; result: { ok: boolean; value: { transport: string } } };
    expect(info.id).toBe(1);
    expect(info.result).toMatchObject({ ok: true, value: { transport: 'websocket' } });
    const events: unknown[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'event') events.push(message);
    });
    await call(ws, { id: 2, channel: 'app.ping', args: { text: 'hi', count: 2 } });
    await call(ws, { id: 3, channel: 'app.ready' });
    await new Promise((r) => setTimeout(r, 350));
    expect(events).toEqual([
      { type: 'event', event: 'app.pong', payload: { seq: 1, text: 'hi' } },
      { type: 'event', event: 'app.pong', payload: { seq: 2, text: 'hi' } },
    ]);
    const bad = (await call(ws, { id: 4, channel: 'settings.set', args: { pollFastSeconds: 'often' } })) as { result: { error: { code: string } } };
    expect(bad.result.error.code).toBe('INVALID_ARGUMENTS');
    const garbage = (await call(ws, '{not json')) as { result: { error: { code: string } } };
    expect(garbage.result.error.code).toBe('TRANSPORT');
    ws.close();
  });

  it('refuses a wrong or missing token before any message is read', async () => {
    const before = lines.filter((l) => l.includes('wrong token refused')).length;
    expect((await handshake('/bridge?token=nope', { Origin: server.origin })).outcome).toBe(401);
    expect((await handshake('/bridge', { Origin: server.origin })).outcome).toBe(401);
    expect((await handshake(`/bridge?token=${server.token.slice(0, -1)}${server.token.endsWith('x') ? 'y' : 'x'}`, { Origin: server.origin })).outcome).toBe(
      401,
    );
    expect(lines.filter((l) => l.includes('wrong token refused')).length - before).toBe(3);
  });

  it('refuses a foreign or missing Origin even with the right token (cross-site WebSocket)', async () => {
    expect((await handshake(`/bridge?token=${server.token}`, { Origin: 'https://evil.example' })).outcome).toBe(403);
    expect((await handshake(`/bridge?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port + 1}` })).outcome).toBe(403);
    expect((await handshake(`/bridge?token=${server.token}`, {})).outcome).toBe(403);
  });

  it('tells web mode once when a browser opens the page (not for its assets), so a slow first load still gets its first page first', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-renderer-'));
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    let opened = 0;
    const third = await startWebServer({ services, logger, rendererDir, port: 0, onPageOpened: () => opened++ });
    try {
      expect((await fetch(`${third.origin}/assets/app.js`)).status).toBe(200);
      expect(opened).toBe(0);
      expect((await fetch(`${third.origin}/`)).status).toBe(200);
      expect(opened).toBe(1);
      await fetch(`${third.origin}/`);
      expect(opened).toBe(1);
    } finally {
      await third.close();
    }
  });

  it('tells web mode once, after the first inbox page is sent, so sync starts behind the first paint', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
    let firstPages = 0;
    const second = await startWebServer({ services, logger, rendererDir, port: 0, onFirstPage: () => firstPages++ });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${second.port}/bridge?token=${second.token}`, { headers: { Origin: second.origin } });
      await new Promise((resolve) => ws.once('open', resolve));
      await call(ws, { id: 1, channel: 'app.info' });
      await new Promise((r) => setImmediate(r));
      expect(firstPages).toBe(0);
      const page = (await call(ws, { id: 2, channel: 'returns.list', args: { filter: {}, offset: 0, limit: 50 } })) as { result: { ok: boolean } };
      expect(page.result.ok).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(firstPages).toBe(1);
      await call(ws, { id: 3, channel: 'returns.list', args: { filter: {}, offset: 50, limit: 50 } });
      await new Promise((r) => setImmediate(r));
      expect(firstPages).toBe(1);
      ws.close();
    } finally {
      await second.close();
    }
  });

  it('serves the page and accepts the socket while the services still start; what the page asks is answered once they exist', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
    let provide: (started: Services) => void = () => {};
    const starting = new Promise<Services>((resolve) => (provide = resolve));
    const early = await startWebServer({ services: starting, logger, rendererDir, port: 0 });
    try {
      expect((await fetch(`${early.origin}/`)).status).toBe(200);
      const ws = new WebSocket(`ws://127.0.0.1:${early.port}/bridge?token=${early.token}`, { headers: { Origin: early.origin } });
      await new Promise((resolve) => ws.once('open', resolve));
      let answered = false;
      const info = call(ws, { id: 1, channel: 'app.info' }).then((message) => {
        answered = true;
        return message;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered).toBe(false);
      provide(services);
      expect(await info).toMatchObject({ type: 'result', id: 1, result: { ok: true, value: { name: 'ReturnDesk' } } });
      ws.close();
    } finally {
      await early.close();
    }
  });

  it('answers the first inbox page ahead of the status and counts the page asked for with it; later calls in their order', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
    const paging = await startWebServer({ services, logger, rendererDir, port: 0, onFirstPage: () => undefined });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${paging.port}/bridge?token=${paging.token}`, { headers: { Origin: paging.origin } });
      await new Promise((resolve) => ws.once('open', resolve));
      const order: number[] = [];
      ws.on('message', (data) => order.push((JSON.parse(String(data)) as { id: number }).id));
      // As the renderer's first screen asks: the status and the counts before the first inbox page.
      ws.send(JSON.stringify({ id: 1, channel: 'status.get' }));
      ws.send(JSON.stringify({ id: 2, channel: 'returns.counts', args: { filter: {} } }));
      ws.send(JSON.stringify({ id: 3, channel: 'returns.list', args: { filter: {}, offset: 0, limit: 50 } }));
      await expect.poll(() => order.length, { timeout: 5_000 }).toBe(3);
      expect(order).toEqual([3, 1, 2]);
      // The first page is out: from now on, arrival order.
      ws.send(JSON.stringify({ id: 4, channel: 'status.get' }));
      ws.send(JSON.stringify({ id: 5, channel: 'returns.list', args: { filter: {}, offset: 50, limit: 50 } }));
      await expect.poll(() => order.length, { timeout: 5_000 }).toBe(5);
      expect(order.slice(3)).toEqual([4, 5]);
      ws.close();
    } finally {
      await paging.close();
    }
  });

  it('refuses to bind anywhere but loopback', async () => {
    await expect(startWebServer({ services, logger, rendererDir: '/nonexistent', host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('never logs the token', () => {
    expect(lines.join('\n')).not.toContain(server.token);
  });
  it('closes a socket that authenticates, never says ready and lets events pile up; a ready one goes on', async () => {
    const { outcome, ws } = await handshake(`/bridge?token=${server.token}`, { Origin: server.origin });
    expect(outcome).toBe('open');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const { ws: healthy } = await handshake(`/bridge?token=${server.token}`, { Origin: server.origin });
    const pongs: unknown[] = [];
    healthy.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; event?: string };
      if (message.event === 'app.pong') pongs.push(message);
    });
    expect(await call(healthy, { id: 1, channel: 'app.ready' })).toMatchObject({ result: { ok: true } });
    // Each ping queues up to 10 pongs for the socket that never sent app.ready.
    for (let id = 1; id <= 80; id++) ws.send(JSON.stringify({ id, channel: 'app.ping', args: { text: 'x'.repeat(200), count: 10 } }));
    await call(healthy, { id: 2, channel: 'app.ping', args: { text: 'still here', count: 1 } });
    expect(await closed).toBe(1008);
    await expect.poll(() => pongs.length, { timeout: 5_000 }).toBe(1);
    expect(lines.some((l) => l.includes('too many events waited'))).toBe(true);
    healthy.close();
  });
});
