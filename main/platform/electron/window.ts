import { BrowserWindow, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';

/** The only origin our windows load; everything else is refused. */
export const APP_ORIGIN = 'app://returndesk';

/** Content Security Policy of the desktop renderer: no network at all, nothing inline. */
export const DESKTOP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const EXTERNAL_SCHEMES = new Set(['https:', 'mailto:']);

/** Opens a link in the OS browser only when its scheme is on the allow-list. */
export function openExternalSafely(url: string): boolean {
  try {
    if (!EXTERNAL_SCHEMES.has(new URL(url).protocol)) return false;
  } catch {
    return false;
  }
  void shell.openExternal(url);
  return true;
}

/** Locks any web contents to the app: no navigation away, no redirects, no webviews, no new windows. */
export function lockDown(contents: WebContents): void {
  // Navigation away from the app is never allowed; new windows are denied (links go to the OS browser).
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

let sessionLocked = false;

/** Denies every permission request (camera, geolocation, notifications from the page, …). */
function lockDownSession(): void {
  if (sessionLocked) return;
  sessionLocked = true;
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export interface WindowOptions {
  preloadDir: string;
  width?: number;
  height?: number;
}

/** Creates every ReturnDesk window: isolated, sandboxed, no Node, locked to app://returndesk. */
export function createSecureWindow(options: WindowOptions): BrowserWindow {
  lockDownSession();
  const window = new BrowserWindow({
    width: options.width ?? 1280,
    height: options.height ?? 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'ReturnDesk',
    webPreferences: {
      preload: join(options.preloadDir, 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      webviewTag: false,
      // Middle-click would open links in new windows; the open handler denies them, this stops them earlier.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  lockDown(window.webContents);
  window.once('ready-to-show', () => window.show());
  return window;
}
