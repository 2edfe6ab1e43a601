import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, fileSink, redact } from '../../main/log.ts';

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

describe('logger', () => {
  it('redacts the current secret by value anywhere in the line, and secret-named fields', () => {
    const lines: string[] = [];
    let key = 'AQAAAAB-first-key';
    const logger = createLogger({ sinks: [(l) => lines.push(l)], secrets: () => [key] });
    logger.info(`calling with ${key}`, { url: `https://x/?k=${key}`, apiKey: 'something-else', nested: { deep: key } });
    key = 'second-key-9999';
    logger.warn('after rotation', { header: 'Api-Key: second-key-9999' });
    const all = lines.join('\n');
    expect(all).not.toContain('AQAAAAB-first-key');
    expect(all).not.toContain('second-key-9999');
    expect(all).not.toContain('something-else');
    expect(all.match(/\[redacted\]/g)?.length).toBe(5);
  });

  it('keeps a failing sink from breaking the caller and honours the level', () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      sinks: [
        () => {
          throw new Error('disk full');
        },
        (l) => lines.push(l),
      ],
    });
    logger.info('dropped');
    logger.error('kept', { error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', message: 'kept', fields: { error: { name: 'Error', message: 'boom' } } });
  });

  it('ignores secrets too short to redact safely', () => {
    expect(redact('a b c', ['', undefined, 'b'])).toBe('a b c');
  });

  it('redacts the common encodings of a secret, also inside a longer encoded text at any offset', () => {
    const key = 'ACMA:5f3c1e0d9b8a7766:0a1b2c3d"\\q';
    const echoes = [
      b64(key),
      Buffer.from(key).toString('base64url'),
      Buffer.from(key).toString('hex'),
      Buffer.from(key).toString('hex').toUpperCase(),
      encodeURIComponent(key),
      encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      JSON.stringify(key).slice(1, -1),
      // The key inside an encoded header, at each of the three byte offsets of base64.
      b64(`Api-Key: ${key}`),
      b64(`Key=${key}; x`),
      b64(`K=${key}`),
      Buffer.from(`Authorization: ${key}`).toString('base64url'),
    ];
    for (const echo of echoes) {
      const out = redact(`the server said: ${echo}.`, [key]);
      expect(out, echo).toContain('[redacted]');
      // What is left of the encoded text cannot give the key back: at most a character or two at each edge.
      expect(out.replace('the server said: ', '').replace('[redacted]', '').length, `${echo} → ${out}`).toBeLessThanOrEqual(24);
    }
    // The logger applies it to every line.
    const lines: string[] = [];
    createLogger({ sinks: [(l) => lines.push(l)], secrets: () => [key] }).warn('echo', { body: echoes.join(' ') });
    for (const echo of echoes) expect(lines[0]).not.toContain(echo.slice(4, -4));
  });
});

describe('log file', () => {
  const KEY = 'ACMA:log-file-key-7f3e2d1c';

  it('never receives the API key, whatever field carries it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-logfile-'));
    const file = join(dir, 'logs', 'returndesk.log');
    const sink = fileSink(file);
    const logger = createLogger({ sinks: [sink], secrets: () => [KEY], level: 'debug' });
    const child = logger.child({ module: 'market', apiKey: KEY, request: `Api-Key: ${KEY}` });
    child.debug(`GET /campaigns with ${KEY}`, {
      url: `https://api.example/?key=${encodeURIComponent(KEY)}`,
      token: 'not-the-key-but-a-token',
      headers: { 'Api-Key': KEY, authorization: `Bearer ${KEY}` },
      list: [KEY, { deep: { deeper: KEY } }],
      error: new Error(`refused ${KEY}`),
      body: Buffer.from(`{"key":"${KEY}"}`).toString('base64'),
      hex: Buffer.from(KEY).toString('hex'),
    });
    logger.error(KEY);
    await sink.close();
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('log-file-key');
    expect(text).not.toContain(Buffer.from(KEY).toString('hex'));
    expect(text).not.toContain('not-the-key-but-a-token');
    // The lines keep the shape diagnostics and the terminal read: time, level, message, fields.
    const first = JSON.parse(lines[0]!) as { time: string; level: string; message: string; fields: Record<string, unknown> };
    expect(first).toMatchObject({ level: 'debug', message: 'GET /campaigns with [redacted]', fields: { module: 'market', apiKey: '[redacted]' } });
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'error', message: '[redacted]' });
  });

  it('rotates past its size into three generations, the oldest dropped, and continues the current one after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-logroll-'));
    const file = join(dir, 'logs', 'returndesk-cli.log');
    const first = fileSink(file, 300, 3);
    const logger = createLogger({ sinks: [first] });
    for (let i = 0; i < 30; i++) logger.warn(`line ${i}`, { pad: 'y'.repeat(80) });
    await first.close();
    expect([file, `${file}.1`, `${file}.2`, `${file}.3`, `${file}.4`].map((f) => existsSync(f))).toEqual([true, true, true, true, false]);
    const all = [file, `${file}.1`, `${file}.2`, `${file}.3`].map((f) => readFileSync(f, 'utf8')).join('');
    expect(all).toContain('"line 29"');
    expect(all).not.toContain('"line 0"');
    // Generation 1 is newer than generation 3.
    const newest = (f: string): number => Math.max(...[...readFileSync(f, 'utf8').matchAll(/line (\d+)/g)].map((m) => Number(m[1])));
    expect(newest(`${file}.1`)).toBeGreaterThan(newest(`${file}.3`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A new process appends to the current generation and rotates it when it is full, without a stat per line.
    const before = readFileSync(file, 'utf8');
    const second = fileSink(file, 300, 3);
    createLogger({ sinks: [second] }).warn('after restart');
    await second.close();
    const after = readFileSync(file, 'utf8');
    expect(after === `${before}${after.slice(before.length)}` || readFileSync(`${file}.1`, 'utf8') === before).toBe(true);
    expect([file, `${file}.1`].map((f) => readFileSync(f, 'utf8')).join('')).toContain('after restart');
  });
});
