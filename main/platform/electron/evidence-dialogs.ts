// Native "save as" and folder dialogs for the application PDF and evidence packs, behind core's EvidenceDialogs.
import { dialog, type BrowserWindow } from 'electron';
import type { EvidenceDialogs } from '../../evidence/dialogs.ts';

export function electronEvidenceDialogs(getWindow: () => BrowserWindow | null): EvidenceDialogs {
  return {
    async saveFile({ defaultPath, filters }) {
      const window = getWindow();
      const options: Electron.SaveDialogOptions = { defaultPath, filters };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
    async chooseFolder({ defaultPath, title }) {
      const window = getWindow();
      const options: Electron.OpenDialogOptions = { defaultPath, title, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
