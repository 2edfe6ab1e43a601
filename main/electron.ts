/**
 * Electron entry: the same services as web mode, carried to the renderer by the preload over IPC.
 * Bundled to out/main/index.js by `npm run build`.
 */
import { app, BrowserWindow, ipcMain, Notification, protocol, type IpcMainInvokeEvent } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { loadConfig } from './config.ts';
import type { Sender } from './ipc/router.ts';
import { consoleSink, createLogger, fileSink } from './log.ts';
import { createServices, type Services } from './services.ts';
import { createSettingsStore } from './settings/settings-store.ts';
import { electronStoreBackend } from './platform/electron/settings-backend.ts';
import { APP_ORIGIN, createSecureWindow, DESKTOP_CSP } from './platform/electron/window.ts';

const INVOKE = 'returndesk:invoke';
const EVENT = 'returndesk:event';
const outDir = join(import.meta.dirname, '..');
const rendererDir = join(outDir, 'renderer');
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (!process.env.RETURNDESK_DATA_DIR) process.env.RETURNDESK_DATA_DIR = app.getPath('userData');
  void start();
}

function senderOf(event: IpcMainInvokeEvent): Sender {
  const frame = event.senderFrame;
  let origin = 'unknown';
  try {
    // URL.origin is "null" for custom schemes in Node, so build it from protocol and host.
    const url = frame ? new URL(frame.url) : null;
    origin = url ? `${url.protocol}//${url.host}` : 'unknown';
  } catch {
    // An unparsable URL stays "unknown" and is refused by the router.
  }
  return { transport: 'ipc', id: `win-${event.sender.id}`, origin, mainFrame: frame !== null && frame === event.sender.mainFrame };
}

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'returndesk') return new Response('Not found', { status: 404 });
  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  const file = normalize(join(rendererDir, relative));
  if (!file.startsWith(rendererDir + sep)) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': DESKTOP_CSP } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ sinks: [consoleSink, fileSink(join(config.dataDir, 'logs', 'returndesk.log'))], secrets: () => [config.apiKey] });
  await app.whenReady();
  protocol.handle('app', serveRenderer);

  let services: Services;
  try {
    services = await createServices({
      config,
      logger,
      settings: createSettingsStore(electronStoreBackend(), logger),
      version: app.getVersion(),
      host: {
        capabilities: { nativeNotifications: Notification.isSupported(), tray: true, nativeDialogs: true },
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
      },
    });
  } catch (error) {
    logger.error('ReturnDesk could not start', { error: error instanceof Error ? error : String(error) });
    app.quit();
    return;
  }
  services.trustedOrigins.add(APP_ORIGIN);

  ipcMain.handle(INVOKE, (event, channel: unknown, args: unknown) => services.router.dispatch(channel, args, senderOf(event)));

  const openWindow = (): BrowserWindow => {
    const window = createSecureWindow({ preloadDir: join(outDir, 'preload') });
    const id = `win-${window.webContents.id}`;
    const unsubscribe = services.events.subscribe(id, (event, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT, event, payload);
    });
    window.on('closed', unsubscribe);
    void window.loadURL(`${APP_ORIGIN}/index.html`);
    return window;
  };

  let mainWindow = openWindow();
  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) mainWindow = openWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void services.close());
}
