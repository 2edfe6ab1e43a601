import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../main/log.ts';

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
    const logger = createLogger({ level: 'warn', sinks: [() => { throw new Error('disk full'); }, (l) => lines.push(l)] });
    logger.info('dropped');
    logger.error('kept', { error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', message: 'kept', fields: { error: { name: 'Error', message: 'boom' } } });
  });

  it('ignores secrets too short to redact safely', () => {
    expect(redact('a b c', ['', undefined, 'b'])).toBe('a b c');
  });
});
