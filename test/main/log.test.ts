import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../main/log.ts';

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
