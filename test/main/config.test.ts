import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadConfig } from '../../main/config.ts';

describe('runtime configuration', () => {
  it('reads the three RETURNDESK_* variables and trims the base URL', () => {
    expect(loadConfig({ RETURNDESK_DATA_DIR: '/d', RETURNDESK_API_KEY: ' k-123 ', RETURNDESK_BASE_URL: 'http://127.0.0.1:4010/' })).toEqual({
      dataDir: '/d',
      apiKey: 'k-123',
      baseUrl: 'http://127.0.0.1:4010',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ RETURNDESK_BASE_URL: 'ftp://x' })).toThrow(/^RETURNDESK_BASE_URL is invalid/);
  });

  it('defaults the data folder to where Electron keeps userData', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/home/a/.config' })).toBe('/home/a/.config/ReturnDesk');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' })).toMatch(/ReturnDesk$/);
    expect(loadConfig({}).apiKey).toBeUndefined();
  });
});
