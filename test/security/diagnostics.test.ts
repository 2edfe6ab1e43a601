// "Copy diagnostics" (diagnostics.get) and the rotating log: versions, settings, status and recent
// problems as text, nothing secret in it, and a few log generations kept.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../preload/contract.ts';
import { createLogger, fileSink } from '../../main/log.ts';
import { liveServices } from '../helpers/services.ts';
import { memoryLogger } from '../helpers/logs.ts';

describe('log rotation', () => {
  it('keeps three generations and drops the oldest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-rotate-'));
    const file = join(dir, 'logs', 'returndesk.log');
    const sink = fileSink(file, 200, 3);
    const logger = createLogger({ sinks: [sink] });
    for (let i = 0; i < 40; i++) logger.info(`line ${i}`, { pad: 'x'.repeat(60) });
    // The worker thread writes the file: wait until it has written everything.
    await sink.close();
    expect([file, `${file}.1`, `${file}.2`, `${file}.3`].map(existsSync)).toEqual([true, true, true, true]);
    expect(existsSync(`${file}.4`)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('line 39');
    expect(readFileSync(`${file}.3`, 'utf8')).not.toContain('line 0"'); // the oldest lines were dropped
  });
});

describe('diagnostics.get', () => {
  it('answers text with versions, settings, status and the last warnings, without secrets', async () => {
    const key = 'diag-key-SECRET-0000';
    const { logger } = memoryLogger();
    const { services, dataDir } = await liveServices(logger, key);
    try {
      services.trustedOrigins.add('http://diag.test');
      const logs = join(dataDir, 'logs');
      mkdirSync(logs, { recursive: true });
      const line = (level: string, message: string, fields: object = {}): string => JSON.stringify({ time: new Date().toISOString(), level, message, fields });
      writeFileSync(join(logs, 'returndesk.log.1'), `${line('error', 'older failure')}\n`);
      writeFileSync(
        join(logs, 'returndesk.log'),
        [
          line('info', 'just info'),
          line('warn', 'sync failed', { url: 'http://x/?token=abcdef123456' }),
          line('error', `leaked apiKey=${key} in an old line`),
          'torn {',
          '',
        ].join('\n'),
      );
      const sender = { transport: 'websocket' as const, id: 'diag', origin: 'http://diag.test', mainFrame: true };
      const answer = await services.router.dispatch('diagnostics.get', undefined, sender);
      expect(answer.ok).toBe(true);
      const value = Diagnostics.parse((answer as { value: unknown }).value);
      expect(value.text).toContain('ReturnDesk 0.0.0-test');
      expect(value.text).toContain(`Node ${process.versions.node}`);
      expect(value.text).toMatch(/outbox: queued 0/);
      expect(value.text).toContain('"pollFastSeconds"');
      expect(value.text).toContain('older failure');
      expect(value.text).toContain('sync failed');
      expect(value.text).not.toContain('just info');
      expect(value.recentErrors).toBe(3);
      expect(value.text).not.toContain(key);
      expect(value.text).not.toContain('abcdef123456');
      expect(value.text.indexOf('older failure')).toBeLessThan(value.text.indexOf('sync failed'));
      const few = await services.router.dispatch('diagnostics.get', { logLines: 1 }, sender);
      expect((few as { value: { recentErrors: number } }).value.recentErrors).toBe(1);
      expect(await services.router.dispatch('diagnostics.get', { logLines: 10_000 }, sender)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENTS' },
      });
    } finally {
      await services.close();
    }
  });
});
