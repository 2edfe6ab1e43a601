// The native folder dialog and "open with the default application", behind core's FileDialogs.
import { dialog, shell, type BrowserWindow } from 'electron';
import type { FileDialogs } from '../../reports/files.ts';

export function electronDialogs(getWindow: () => BrowserWindow | null): FileDialogs {
  return {
    async chooseFolder(defaultPath) {
      const window = getWindow();
      const options: Electron.OpenDialogOptions = { defaultPath, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    openPath: (path) => shell.openPath(path),
  };
}
