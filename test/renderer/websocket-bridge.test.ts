// The renderer's WebSocket bridge against a real WebSocket server on a free port: a frame that is not
// JSON is dropped without breaking the connection, and a call main never answers ends with an error
// that names its channel instead of waiting for ever.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { ReturnDeskApi } from '../../preload/contract.ts';
import { callTimeoutFor, createWebSocketBridge, type ConnectionState } from '../../renderer/bridge/websocket.ts';

interface Call {
  id: number;
  channel: string;
}

/** A server whose answer to each channel the test decides. */
async function startServer(answer: (call: Call, socket: ServerSocket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.on('message', (data) => answer(JSON.parse(String(data)) as Call, socket)));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/bridge`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const result = (id: number, value: unknown) => JSON.stringify({ type: 'result', id, result: { ok: true, value } });

describe('the WebSocket bridge', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('drops a frame that is not JSON, keeps the connection, and answers the next call', async () => {
    const server = await startServer((call, socket) => {
      if (call.channel === 'status.get') {
        socket.send('{not json');
        socket.send(result(call.id, { answered: 'after garbage' }));
      }
    });
    close = server.close;
    const states: ConnectionState[] = [];
    const api = createWebSocketBridge(server.url, (s) => states.push(s), { callTimeoutMs: 5_000 });
    const answer = await api.status.get();
    expect(answer).toEqual({ ok: true, value: { answered: 'after garbage' } });
    expect(states).toEqual(['connecting', 'open']);
  });

  it('answers a call main never answers with an error naming the channel, and ignores the late answer', async () => {
    const late: Array<() => void> = [];
    const server = await startServer((call, socket) => {
      if (call.channel === 'returns.list') late.push(() => socket.send(result(call.id, { rows: [], total: 0 })));
      else socket.send(result(call.id, { answered: call.channel }));
    });
    close = server.close;
    const api = createWebSocketBridge(server.url, () => undefined, { callTimeoutMs: 300 });
    const silent = await api.returns.list({ filter: {}, offset: 0, limit: 10 });
    expect(silent.ok).toBe(false);
    if (!silent.ok) {
      expect(silent.error.code).toBe('TRANSPORT');
      expect(silent.error.message).toContain('returns.list');
    }
    // The answer that comes after the timeout reaches nobody; later calls still get their own answers.
    for (const send of late) send();
    expect(await api.status.get()).toEqual({ ok: true, value: { answered: 'status.get' } });
  });

  it('tells the caller which call was not sent when the server cannot be reached', async () => {
    const server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    const states: ConnectionState[] = [];
    const api = createWebSocketBridge(url, (s) => states.push(s), { callTimeoutMs: 300, connectWaitMs: 300 });
    const answer = await api.settings.get();
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toContain('settings.get');
    expect(states).toContain('refused');
  });

  it('sends the calls made while connecting, in their order, before what is asked when the connection opens', async () => {
    const order: string[] = [];
    const server = await startServer((call, socket) => {
      order.push(call.channel);
      socket.send(result(call.id, null));
    });
    close = server.close;
    let api: ReturnDeskApi | null = null;
    const opened: Array<Promise<unknown>> = [];
    // As the renderer starts: the first inbox page asked before the socket opens; who-we-are asked when it opens.
    api = createWebSocketBridge(server.url, (state) => {
      if (state === 'open') opened.push(api!.app.info());
    });
    const page = api.returns.list({ filter: {}, offset: 0, limit: 200 });
    await page;
    await Promise.all(opened);
    expect(order).toEqual(['returns.list', 'app.info']);
  });

  it('gives calls that wait on the Market longer than reads main answers from its store', () => {
    expect(callTimeoutFor('photos.fetch')).toBeGreaterThan(callTimeoutFor('returns.list'));
    expect(callTimeoutFor('sync.now')).toBeGreaterThan(callTimeoutFor('settings.get'));
    expect(callTimeoutFor('returns.list')).toBeGreaterThanOrEqual(60_000);
  });
});
