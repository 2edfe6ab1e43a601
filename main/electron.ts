/**
 * Electron entry: the same services as web mode, carried to the renderer by the preload over IPC.
 * Bundled to out/main/index.js by `npm run build`.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, type IpcMainInvokeEvent } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { loadConfig, type RuntimeConfig } from './config.ts';
import type { Sender } from './ipc/router.ts';
import type { Logger } from './log.ts';
import { hostLogger } from './composition.ts';
import { capYoungGeneration, slowOldGenerationGrowth } from './heap.ts';
import { createServices, type Services } from './services.ts';
import { createSettingsStore } from './settings/settings-store.ts';
import { createElectronNotifier } from './platform/electron/notifier.ts';
import { electronSecretStore } from './platform/electron/secret-store.ts';
import { electronDialogs } from './platform/electron/report-dialogs.ts';
import { electronStoreBackend } from './platform/electron/settings-backend.ts';
import { applyLaunchAtLogin, attachCloseToTray, createTray } from './platform/electron/tray.ts';
import { answerMedia, MEDIA_PREFIX } from './evidence/media-server.ts';
import { electronEvidenceDialogs } from './platform/electron/evidence-dialogs.ts';
import { APP_ORIGIN, createSecureWindow, DESKTOP_CSP, lockDown } from './platform/electron/window.ts';

const INVOKE = 'returndesk:invoke';
const EVENT = 'returndesk:event';
const outDir = join(import.meta.dirname, '..');
const rendererDir = join(outDir, 'renderer');
const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Before anything else runs: the main process's V8 took no --js-flags from us (see main/heap.ts).
capYoungGeneration();
slowOldGenerationGrowth();

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

/** Set once services exist: app://returndesk/media/… is answered from its cache. */
let mediaSource: Services['evidence'] | null = null;

async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'returndesk') return new Response('Not found', { status: 404 });
  if (url.pathname.startsWith(MEDIA_PREFIX)) {
    if (!mediaSource) return new Response('Not ready', { status: 503 });
    const answer = answerMedia(mediaSource.media, mediaSource.token, url.pathname, url.searchParams, mediaSource.downloads);
    if (answer.status !== 200) return new Response(null, { status: answer.status, headers: answer.headers });
    return new Response(await readFile(answer.path), { status: 200, headers: answer.headers });
  }
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
  let config: RuntimeConfig;
  let logger: Logger;
  try {
    config = loadConfig();
    logger = hostLogger(config, { file: 'returndesk.log' });
  } catch (error) {
    // No log to write to (an unusable data folder, a wrong RETURNDESK_* value): the operator is told in a dialog.
    await app.whenReady();
    dialog.showErrorBox('ReturnDesk could not start', error instanceof Error ? error.message : String(error));
    app.quit();
    return;
  }
  // Any web contents not made by our window factory (devtools, a future webview) is locked down too.
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  await app.whenReady();
  protocol.handle('app', serveRenderer);

  // Packaged: assets/ ships as an extra resource; in development it sits in the project folder.
  const iconPath = app.isPackaged ? join(process.resourcesPath, 'assets', 'icon.png') : join(outDir, '..', 'assets', 'icon.png');
  let mainWindow: BrowserWindow | null = null;
  let quitting = false;
  let services: Services;
  const settings = createSettingsStore(electronStoreBackend(), logger);
  // Every alert is kept and shown in the window by the services; where the OS refuses, that is all the operator gets.
  const inAppAlert = (n: { kind: string }, reason: 'unsupported' | 'failed'): void => logger.info('alerts: shown in the window only', { kind: n.kind, reason });

  const openWindow = (): BrowserWindow => {
    const window = createSecureWindow({ preloadDir: join(outDir, 'preload') });
    const id = `win-${window.webContents.id}`;
    const subscribe = (): (() => void) =>
      services.events.subscribe(
        id,
        (event, payload) => {
          if (!window.isDestroyed()) window.webContents.send(EVENT, event, payload);
        },
        () => {
          // The page never got ready while events piled up: start it afresh, it loads everything anew.
          logger.warn('window: too many events waited for the page to get ready; reloading it', { id });
          unsubscribe = subscribe();
          if (!window.isDestroyed()) window.webContents.reload();
        },
      );
    let unsubscribe = subscribe();
    window.on('closed', () => {
      unsubscribe();
      if (mainWindow === window) mainWindow = null;
    });
    attachCloseToTray(window, { closeToTray: () => settings.get().closeToTray, isQuitting: () => quitting });
    void window.loadURL(`${APP_ORIGIN}/index.html`);
    mainWindow = window;
    return window;
  };

  try {
    services = await createServices({
      config,
      logger,
      settings,
      version: app.getVersion(),
      secretStore: electronSecretStore(),
      dialogs: electronDialogs(() => mainWindow),
      evidenceDialogs: electronEvidenceDialogs(() => mainWindow),
      notifier: createElectronNotifier({ getWindow: () => mainWindow, openWindow, onInAppAlert: inAppAlert, logger, iconPath }),
      host: {
        capabilities: { nativeNotifications: Notification.isSupported(), tray: true, nativeDialogs: true },
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        systemLanguages: app.getPreferredSystemLanguages(),
      },
    });
  } catch (error) {
    logger.error('ReturnDesk could not start', { error: error instanceof Error ? error : String(error) });
    dialog.showErrorBox('ReturnDesk could not start', error instanceof Error ? error.message : String(error));
    app.quit();
    return;
  }
  services.trustedOrigins.add(APP_ORIGIN);
  mediaSource = services.evidence;
  ipcMain.handle(INVOKE, (event, channel: unknown, args: unknown) => services.router.dispatch(channel, args, senderOf(event)));

  const tray = createTray({
    iconPath,
    getWindow: () => mainWindow,
    openWindow,
    onSyncNow: () =>
      void services
        .session()
        .sync.syncNow({ priority: 'interactive' })
        .catch(() => undefined),
    onQuit: () => {
      quitting = true;
      app.quit();
    },
    locale: services.locale,
    logger,
  });
  services.alerts.onCounts((counts) => tray.update(counts));
  applyLaunchAtLogin(settings.get().launchAtLogin, logger);
  const hub = services.events;
  hub.subscribe('desktop-shell', (event, payload) => {
    if (event !== 'settings.changed') return;
    const next = payload as { launchAtLogin: boolean };
    applyLaunchAtLogin(next.launchAtLogin, logger);
    tray.refresh();
  });
  hub.ready('desktop-shell');

  openWindow();
  app.on('second-instance', () => {
    const window = mainWindow ?? openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  // With close-to-tray the window hides instead of closing; when it does close, keep polling in the tray.
  app.on('window-all-closed', () => {
    if (!settings.get().closeToTray && process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    quitting = true;
    tray.destroy();
    void services.close();
  });
}
