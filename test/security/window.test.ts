// The one window factory, with Electron replaced by a recorder: every window isolated and sandboxed,
// navigation, new windows and permissions denied by default, external links only on the allow-list.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const recorded = vi.hoisted(() => ({
  windows: [] as Array<{
    options: { webPreferences: Record<string, unknown> };
    handlers: Map<string, (...args: unknown[]) => void>;
    openHandler?: (d: { url: string }) => { action: string };
  }>,
  permissionRequest: undefined as undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheck: undefined as undefined | ((...args: unknown[]) => boolean),
  opened: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: unknown;
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const entry: (typeof recorded.windows)[number] = { options, handlers: new Map() };
      recorded.windows.push(entry);
      this.webContents = {
        on: (name: string, fn: (...args: unknown[]) => void) => entry.handlers.set(name, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (entry.openHandler = fn),
      };
    }
    once(): void {}
  }
  return {
    BrowserWindow,
    shell: { openExternal: async (url: string) => void recorded.opened.push(url) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof recorded.permissionRequest) => (recorded.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof recorded.permissionCheck) => (recorded.permissionCheck = fn),
      },
    },
  };
});

const { APP_ORIGIN, DESKTOP_CSP, createSecureWindow, openExternalSafely } = await import('../../main/platform/electron/window.ts');
const { webCsp } = await import('../../main/web/server.ts');

describe('the window factory', () => {
  beforeEach(() => {
    recorded.windows.length = 0;
    recorded.opened.length = 0;
  });

  it('makes every window isolated, sandboxed, without Node, webviews or auxclick', () => {
    createSecureWindow({ preloadDir: '/x' });
    createSecureWindow({ preloadDir: '/x', width: 800 });
    expect(recorded.windows).toHaveLength(2);
    for (const w of recorded.windows) {
      expect(w.options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        disableBlinkFeatures: 'Auxclick',
      });
    }
  });

  it('denies navigation away, redirects, webviews and new windows; opens only https/mailto links outside', () => {
    createSecureWindow({ preloadDir: '/x' });
    const w = recorded.windows[0]!;
    const attempt = (event: string, url?: string): boolean => {
      const prevent = vi.fn();
      w.handlers.get(event)!({ preventDefault: prevent }, url);
      return prevent.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-navigate', 'app://returndesk.evil/')).toBe(true);
    expect(attempt('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(attempt('will-redirect', `${APP_ORIGIN}/x`)).toBe(true);
    expect(attempt('will-attach-webview')).toBe(true);
    for (const url of [
      'https://market.yandex.ru/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://host/share',
      'mailto:support@example.com',
      'not a url',
    ]) {
      expect(w.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(recorded.opened).toEqual(['https://market.yandex.ru/', 'mailto:support@example.com']);
  });

  it('refuses every permission request and check', () => {
    createSecureWindow({ preloadDir: '/x' });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      recorded.permissionRequest!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(recorded.permissionCheck!({}, permission)).toBe(false);
    }
  });

  it('allow-lists external schemes', () => {
    expect(openExternalSafely('http://plain.example/')).toBe(false);
    expect(openExternalSafely('ftp://x/')).toBe(false);
    expect(openExternalSafely('https://ok.example/')).toBe(true);
  });

  it('serves production CSPs without unsafe-inline, unsafe-eval or wildcards, from default-src none', () => {
    for (const csp of [DESKTOP_CSP, webCsp('http://127.0.0.1:4000')]) {
      expect(csp).toMatch(/^default-src 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src|default-src 'none'/);
    }
    expect(DESKTOP_CSP).toContain("connect-src 'none'");
  });
});
