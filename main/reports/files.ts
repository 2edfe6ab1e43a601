// Where ReturnDesk writes files for the operator, and the platform hooks to choose a folder and open a file.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What the host offers: the desktop gives a native folder dialog and opens files; web and CLI do not. */
export interface FileDialogs {
  /** Shows the native folder picker; null when the operator cancels. */
  chooseFolder(defaultPath: string): Promise<string | null>;
  /** Opens a file with its default application; resolves to an error text, '' on success (shell.openPath). */
  openPath(path: string): Promise<string>;
}

export class FileTargetError extends Error {
  readonly bridgeCode = 'INVALID_ARGUMENTS' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FileTargetError';
  }
}

/**
 * The default folder (`<dataDir>/reports`), the folders the operator chose in the native dialog this
 * session, and the files written: the renderer can only name a folder it was given and open a file
 * ReturnDesk wrote, never an arbitrary path.
 */
export class FileTargets {
  readonly defaultFolder: string;
  readonly dialogs: FileDialogs | null;
  readonly #chosen = new Set<string>();
  readonly #written = new Set<string>();
  /** Files written as someone else sent them, which a spreadsheet may run formulas of: opened only when confirmed. */
  readonly #confirmFirst = new Set<string>();
  readonly #offer: ((path: string, mime: string) => string) | null;
  readonly #links = new Map<string, string>();

  /** `offer` makes a written file downloadable (the authenticated media route); without it, none is. */
  constructor(dataDir: string, dialogs: FileDialogs | null, offer: ((path: string, mime: string) => string) | null = null) {
    this.defaultFolder = join(dataDir, 'reports');
    this.dialogs = dialogs;
    this.#offer = offer;
  }

  /**
   * The download link of a file ReturnDesk wrote this session, for a browser that cannot open the
   * serving machine's folders; null for any other path, or where nothing can be offered.
   */
  downloadOf(path: string): string | null {
    const full = resolve(path);
    if (!this.#offer || !this.#written.has(full)) return null;
    let link = this.#links.get(full);
    if (!link) {
      link = this.#offer(full, mimeOf(full));
      this.#links.set(full, link);
    }
    return link;
  }

  async choose(): Promise<{ folder: string | null; native: boolean; defaultFolder: string }> {
    if (!this.dialogs) return { folder: null, native: false, defaultFolder: this.defaultFolder };
    const folder = await this.dialogs.chooseFolder(this.defaultFolder);
    if (folder) this.#chosen.add(resolve(folder));
    return { folder: folder ? resolve(folder) : null, native: true, defaultFolder: this.defaultFolder };
  }

  /** The folder to write into, created if needed; refuses a folder that did not come from the dialog. */
  async folder(requested: string | null | undefined): Promise<string> {
    if (requested && !this.#chosen.has(resolve(requested))) {
      throw new FileTargetError('folder: choose the folder in the dialog first (only folders chosen there, or the default, are written to)');
    }
    const folder = requested ? resolve(requested) : this.defaultFolder;
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return folder;
  }

  /** Remembers a file ReturnDesk wrote, so the operator may open it (after a confirmation, if asked). */
  written(path: string, options: { confirmBeforeOpening?: boolean } = {}): string {
    this.#written.add(resolve(path));
    if (options.confirmBeforeOpening) this.#confirmFirst.add(resolve(path));
    return path;
  }

  async open(path: string, confirmed = false): Promise<{ opened: boolean; path: string }> {
    const full = resolve(path);
    if (!this.#written.has(full)) throw new FileTargetError('path: only files ReturnDesk wrote in this session can be opened');
    if (this.#confirmFirst.has(full) && !confirmed) {
      throw Object.assign(new Error('This is the Market’s report as sent: a spreadsheet may run some of its cells as formulas. Confirm to open it anyway.'), {
        bridgeCode: 'CONFLICT' as const,
      });
    }
    if (!this.dialogs) return { opened: false, path: full };
    const problem = await this.dialogs.openPath(full);
    if (problem) throw Object.assign(new Error(`The file could not be opened: ${problem}`), { bridgeCode: 'UNAVAILABLE' as const });
    return { opened: true, path: full };
  }
}

/** The type a download is served with, from the file's extension. */
function mimeOf(path: string): string {
  if (/\.csv$/i.test(path)) return 'text/csv; charset=utf-8';
  if (/\.json$/i.test(path)) return 'application/json';
  if (/\.zip$/i.test(path)) return 'application/zip';
  if (/\.xlsx$/i.test(path)) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return 'application/octet-stream';
}
