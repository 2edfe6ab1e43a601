// HTTP fuzz of web mode, as a hostile local page or process would try it: malformed paths, raw request
// lines, upgrade requests with bad URLs, and a foreign page in Chromium loading a hostile URL. Web mode
// runs as its own process (as `npm run web` does): after every request it must still be alive and
// answer the next one, and every malformed request must get a 4xx.
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../scripts/chromium.ts';
import { startWebProcess, type WebProcess } from '../helpers/web-process.ts';

const found = findChromium();
const CHROMIUM = 'path' in found ? found.path : '';
let web: WebProcess;
let host: string;
let port: number;

/** Sends `head` as raw bytes and resolves with the status code of the answer (0: closed without one). */
function raw(head: string | Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (): void => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(5_000, done);
    socket.write(head);
  });
}

const upgrade = (target: string): string =>
  `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const plain = (target: string, method = 'GET'): string => `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

async function expectAlive(after: string): Promise<void> {
  expect(web.ended(), `web mode ended after ${after}:\n${web.output().slice(-2000)}`).toBeNull();
  const page = await fetch(`http://${host}/`);
  expect(page.status, `GET / after ${after}`).toBe(200);
}

beforeAll(async () => {
  web = await startWebProcess({ RETURNDESK_API_KEY: 'fuzz-key-0000', RETURNDESK_BASE_URL: 'http://127.0.0.1:9' }, undefined, { standInRenderer: true });
  const url = new URL(web.url);
  host = url.host;
  port = Number(url.port);
}, 90_000);

afterAll(async () => {
  await web?.stop();
});

/** Request targets that are not well-formed origin-form targets: each must get a 4xx. */
const MALFORMED = [
  '/%E0%A4%A',
  '/%',
  '/%%',
  '/%zz',
  '/%C0%AF',
  '/%00',
  '/a%00b.js',
  '//[',
  '/[',
  '/]',
  '/\\..\\..\\etc\\passwd',
  '/media/%',
  '/media/photo/%E0%A4%A?k=%',
  '/?%',
  '/#%',
  '/bridge?token=%',
  '/a b',
  'http://[::1',
  'http://evil.example/',
  '*',
  'evil',
  '[',
];
/** Odd but well-formed targets: never a server error, never a file outside the renderer. */
const ODD = [
  '//',
  '//evil.example/',
  '///etc/passwd',
  '/media/../../etc/passwd',
  '/assets/%2e%2e/%2e%2e/etc/passwd',
  `/${'a'.repeat(8_000)}`,
  '/?a=1&a=2',
  '/bridge',
  // Downloads are only ids main handed out, with the launch token: never a path the browser names.
  '/media/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd?k=x',
  '/media/download/..%2F..%2Fetc%2Fpasswd',
  `/media/download/${'0'.repeat(32)}?k=guess`,
  '/media/download/',
];

/** GET over a raw socket: the status and the body. */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.write(plain(target));
  });
}

describe('web mode under malformed requests', () => {
  it.each(MALFORMED)('GET %j gets a 4xx and the process lives on', async (target) => {
    const status = await raw(plain(target));
    expect(status, `GET ${target}`).toBeGreaterThanOrEqual(400);
    expect(status, `GET ${target}`).toBeLessThan(500);
    await expectAlive(`GET ${target}`);
  });

  it.each(ODD)('GET %j is no server error and serves nothing outside the renderer', async (target) => {
    const { status, body } = await rawGet(target);
    expect(status, `GET ${target}`).toBeGreaterThanOrEqual(200);
    expect(status, `GET ${target}`).toBeLessThan(500);
    expect(body).not.toContain('root:');
    await expectAlive(`GET ${target}`);
  });

  it.each([...MALFORMED, ...ODD])('an upgrade to %j without a token gets a 4xx and the process lives on', async (target) => {
    const status = await raw(upgrade(target));
    expect(status, `upgrade ${target}`).toBeGreaterThanOrEqual(400);
    expect(status, `upgrade ${target}`).toBeLessThan(500);
    await expectAlive(`upgrade ${target}`);
  });

  it('garbled request lines and headers get a 4xx or a closed socket, never a dead process', async () => {
    const lines = [
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      '\x00\x01\x02\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nHost: evil\r\n\r\n`,
      'GET / HTTP/1.1\r\n\r\n',
      `GET /%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n\r\n`,
      `POST /%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\n\r\nabc`,
      `HEAD /% HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
    ];
    for (const line of lines) {
      const status = await raw(line);
      if (status !== 0) expect(status, JSON.stringify(line)).toBeGreaterThanOrEqual(400);
      await expectAlive(JSON.stringify(line));
    }
  });

  it('random request targets (property-based: the seed is printed on failure)', async () => {
    const seed = randomInt(2 ** 31);
    const alphabet = '/%[]@:?#&=.\\~\u00e0\u0000aZ09';
    let state = seed;
    const next = (n: number): number => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % n;
    };
    for (let i = 0; i < 150; i++) {
      const length = 1 + next(24);
      let target = '/';
      for (let c = 0; c < length; c++)
        target +=
          next(4) === 0
            ? `%${next(256)
                .toString(16)
                .padStart(next(3) === 0 ? 1 : 2, '0')}`
            : alphabet[next(alphabet.length)];
      const bytes = Buffer.from(i % 2 ? upgrade(target) : plain(target), 'latin1');
      const status = await raw(bytes);
      expect(status, `seed ${seed}, target ${JSON.stringify(target)}`).toBeLessThan(500);
      expect(web.ended(), `seed ${seed}, target ${JSON.stringify(target)}:\n${web.output().slice(-2000)}`).toBeNull();
    }
    await expectAlive(`150 random targets (seed ${seed})`);
  });

  it.skipIf(!CHROMIUM)(
    `a foreign page loading hostile URLs of the loopback port does not end it${CHROMIUM ? '' : ` — SKIPPED: ${'problem' in found ? found.problem : ''}`}`,
    async () => {
      const urls = [`http://${host}/%E0%A4%A`, `http://${host}/%`, `http://${host}//[`];
      const hostile =
        `<!doctype html><title>another site</title>${urls.map((u) => `<img src="${u}">`).join('')}` +
        `<script>for (const u of ${JSON.stringify(['/%E0%A4%A', '/%', '//['].map((p) => `ws://${host}${p}`))}) { try { new WebSocket(u); } catch {} }</script>`;
      const evil: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(hostile));
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
      try {
        const page = await browser.newPage();
        const answered: number[] = [];
        page.on('response', (response) => {
          if (response.url().startsWith(`http://${host}`)) answered.push(response.status());
        });
        await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
        await expect.poll(() => answered.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(urls.length);
        expect(
          answered.every((status) => status >= 400 && status < 500),
          `answers: ${answered.join(', ')}`,
        ).toBe(true);
        await page.waitForTimeout(500); // the sockets' handshakes reach the server after the images
        await expectAlive('the foreign page');
      } finally {
        await browser.close();
        await new Promise((resolve) => evil.close(resolve));
      }
    },
    60_000,
  );
});
