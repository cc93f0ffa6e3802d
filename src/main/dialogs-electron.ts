import { BrowserWindow, dialog } from 'electron';
import type { DialogProvider } from './app/context';

export const electronDialogs: DialogProvider = {
  async openFile({ title, filters }) {
    const parent = BrowserWindow.getFocusedWindow();
    const options = { title, filters, properties: ['openFile' as const] };
    const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  async saveFile({ title, defaultName, filters, message }) {
    const parent = BrowserWindow.getFocusedWindow();
    // `message` shows on macOS only; callers put what the user must know in the title too.
    const options = { title, defaultPath: defaultName, filters, ...(message ? { message } : {}) };
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return result.canceled ? null : (result.filePath ?? null);
  },
};
