/**
 * The tray icon: counts in the tooltip, Open / Sync now / Quit in the menu; closing the window hides
 * it to the tray unless the operator turned `closeToTray` off; launch at login follows the setting.
 */
import { app, Menu, nativeImage, Tray, type BrowserWindow } from 'electron';
import type { TrayCounts } from '../../alerts/engine.ts';
import type { Logger } from '../../log.ts';
import { trayMenuLabels, trayTitle, trayTooltip, type TrayLocale } from '../../alerts/tray-text.ts';
import { bringToFront } from './notifier.ts';

export type { TrayLocale } from '../../alerts/tray-text.ts';

export interface TrayOptions {
  /** Path of assets/icon.png as packaged. */
  iconPath: string;
  getWindow: () => BrowserWindow | null;
  /** Creates the window when Open is chosen after it was closed. */
  openWindow: () => BrowserWindow;
  onSyncNow: () => void;
  /** Quit chosen: the caller should mark quitting (see attachCloseToTray) and call app.quit(). */
  onQuit: () => void;
  locale?: () => TrayLocale;
  logger: Logger;
}

export interface AppTray {
  update(counts: TrayCounts): void;
  /** Rebuilds the menu and tooltip in the current locale. */
  refresh(): void;
  destroy(): void;
}

export function createTray(options: TrayOptions): AppTray {
  const locale = options.locale ?? (() => 'en' as const);
  let counts: TrayCounts = { awaitingCount: 0, urgentCount: 0, undeliveredCount: 0 };
  const image = nativeImage.createFromPath(options.iconPath).resize({ width: 16, height: 16 });
  if (image.isEmpty()) options.logger.warn('tray: icon could not be read', { iconPath: options.iconPath });
  const tray = new Tray(image);
  const open = (): void => bringToFront(options.getWindow() ?? options.openWindow());

  const refresh = (): void => {
    const labels = trayMenuLabels(locale());
    tray.setToolTip(trayTooltip(counts, locale()));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: labels.open, click: open },
        { label: labels.sync, click: () => options.onSyncNow() },
        { type: 'separator' },
        { label: labels.quit, click: () => options.onQuit() },
      ]),
    );
    // macOS shows a title next to the icon: the urgent count is what the operator must see.
    if (process.platform === 'darwin') tray.setTitle(trayTitle(counts));
  };
  tray.on('click', open);
  refresh();

  return {
    update(next) {
      counts = next;
      refresh();
    },
    refresh,
    destroy: () => tray.destroy(),
  };
}

/**
 * Closing the window hides it to the tray while `closeToTray()` is true and the app is not quitting.
 * Returns the detach function.
 */
export function attachCloseToTray(window: BrowserWindow, options: { closeToTray: () => boolean; isQuitting: () => boolean }): () => void {
  const onClose = (event: Electron.Event): void => {
    if (options.isQuitting() || !options.closeToTray()) return;
    event.preventDefault();
    window.hide();
  };
  window.on('close', onClose);
  return () => window.off('close', onClose);
}

/** Applies the `launchAtLogin` setting (macOS and Windows; ignored elsewhere by Electron). */
export function applyLaunchAtLogin(enabled: boolean, logger: Logger): void {
  try {
    app.setLoginItemSettings({ openAtLogin: enabled });
  } catch (error) {
    logger.warn('tray: launch at login could not be set', { error: error instanceof Error ? error : String(error) });
  }
}
