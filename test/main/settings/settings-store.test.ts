import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../preload/contract.ts';
import { createSettingsStore, jsonFileBackend } from '../../../main/settings/settings-store.ts';
import { memoryLogger } from '../../helpers/logs.ts';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'returndesk-settings-')), 'settings.json');

describe('settings store', () => {
  it('starts from defaults and persists a patch atomically with owner-only permissions', () => {
    const file = tempFile();
    const { logger } = memoryLogger();
    const store = createSettingsStore(jsonFileBackend(file, logger), logger);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    store.set({ theme: 'dark', quietHours: { enabled: true, start: '23:00', end: '07:30' } });
    const reopened = createSettingsStore(jsonFileBackend(file, logger), logger);
    expect(reopened.get().theme).toBe('dark');
    expect(reopened.get().quietHours.start).toBe('23:00');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a bad patch naming the field, and keeps what was stored', () => {
    const file = tempFile();
    const { logger } = memoryLogger();
    const store = createSettingsStore(jsonFileBackend(file, logger), logger);
    store.set({ operatorName: 'Анна' });
    expect(() => store.set({ quietHours: { enabled: true, start: '25:00', end: '07:00' } })).toThrow(/HH:MM/);
    expect(() => store.set({ pollFastSeconds: 5 })).toThrow(/pollFastSeconds|>=15|too small/i);
    expect(createSettingsStore(jsonFileBackend(file, logger), logger).get().operatorName).toBe('Анна');
  });

  it('treats a field given as undefined as not given (found by IPC fuzzing)', () => {
    const { logger } = memoryLogger();
    const store = createSettingsStore(jsonFileBackend(tempFile(), logger), logger);
    store.set({ operatorName: 'Анна' });
    expect(store.set({ operatorName: undefined, theme: 'dark' })).toMatchObject({ operatorName: 'Анна', theme: 'dark' });
  });

  it('keeps every good field of a partly bad file and ignores unknown ones', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ theme: 'light', pollFastSeconds: -3, fromTheFuture: true }));
    const { logger, lines } = memoryLogger();
    const settings = createSettingsStore(jsonFileBackend(file, logger), logger).get();
    expect(settings.theme).toBe('light');
    expect(settings.pollFastSeconds).toBe(DEFAULT_SETTINGS.pollFastSeconds);
    expect(lines.some((l) => l.includes('stored value ignored') && l.includes('pollFastSeconds'))).toBe(true);
  });

  it('sets an unreadable file aside instead of overwriting it', () => {
    const file = tempFile();
    writeFileSync(file, '{ this is not json');
    const { logger } = memoryLogger();
    const store = createSettingsStore(jsonFileBackend(file, logger), logger);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const aside = readdirSync(join(file, '..')).find((f) => f.includes('.corrupt-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(file, '..', aside!), 'utf8')).toBe('{ this is not json');
    expect(existsSync(file)).toBe(false);
  });
});
