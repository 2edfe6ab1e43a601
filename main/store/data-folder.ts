// The data folder holds the seller's returns, buyers' photos and logs: readable by its owner only.
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The data folder cannot be used: its message is the whole story for the operator (no stack, no errno alone). */
export class DataFolderError extends Error {
  override name = 'DataFolderError';
}

/** Why a file-system call on `path` failed, in the operator's words. */
function reasonFor(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return `permission to write in ${path} is refused`;
  if (code === 'ENOTDIR') return `${path} is inside a file, not a folder`;
  if (code === 'EROFS') return `${path} is on a read-only disk`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `the disk holding ${path} is full`;
  if (code === 'ENOENT') return `a folder cannot be created at ${path}`;
  return `${path}: ${code ?? (error as Error).message}`;
}

/**
 * Makes sure `dir` is a folder ReturnDesk can write to, creating what is missing of it (0700), before the log
 * or the database open there; throws a DataFolderError that says what is wrong and what to do otherwise.
 * Each missing folder is made on its own: Node's recursive mkdir never returns under /proc.
 */
export function prepareDataFolder(dir: string): void {
  const folder = resolve(dir);
  const fail = (reason: string): DataFolderError =>
    new DataFolderError(
      `the data folder ${folder} cannot be used: ${reason}. Point RETURNDESK_DATA_DIR at a folder you can write to, or fix this one; nothing was changed.`,
    );
  const missing: string[] = [];
  for (let path = folder; ;) {
    try {
      if (!statSync(path).isDirectory()) throw fail(`${path} is a file, not a folder`);
      break;
    } catch (error) {
      if (error instanceof DataFolderError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file somewhere above; walking up finds it and says which.
      if (code === 'EACCES') throw fail(`permission to reach ${path} is refused`);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(path) === path) throw fail(reasonFor(path, error));
      missing.unshift(path);
      path = dirname(path);
    }
  }
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: PRIVATE_DIR_MODE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(reasonFor(path, error));
    }
  }
  // Permission bits do not tell everything (read-only mounts, ACLs, root): write a file and take it away.
  const probe = join(folder, `.returndesk-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '', { mode: PRIVATE_FILE_MODE });
  } catch (error) {
    throw fail(reasonFor(folder, error));
  }
  try {
    unlinkSync(probe);
  } catch {
    // Written but not removable is still a usable folder; the next start overwrites the same name.
  }
}

/** What ReturnDesk keeps in its data folder; nothing else in the folder is touched. */
const OWN_ENTRY = /^(returndesk\.sqlite(-wal|-shm|-journal)?|logs|cache|reports|settings\.json)$/;

/**
 * Creates `dir` (0700) if needed and takes group and other access away from it and from what ReturnDesk
 * keeps in it (folders 0700, files 0600): a folder an older version left open is closed at start. A
 * shared folder (sticky, like /tmp, or another user's) is left as it is, and only ReturnDesk's own
 * entries are walked, so a data folder pointed at a home or a temp folder never changes anyone else's
 * files. Returns what could not be tightened and why; does nothing where the OS has no permission bits (Windows).
 */
export function securePrivateFolder(dir: string, platform: NodeJS.Platform = process.platform): string[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return [];
  const problems: string[] = [];
  const tighten = (path: string, mode: number): void => {
    try {
      chmodSync(path, mode);
    } catch (error) {
      problems.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  // `keep` picks which entries of this folder are walked: ReturnDesk's own at the top, everything below them.
  const walk = (path: string, keep: (name: string) => boolean = () => true): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return; // removed meanwhile (a log rotated, a cache file evicted)
    }
    // Symbolic links are not followed: chmod would change whatever they point at.
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) tighten(path, PRIVATE_DIR_MODE);
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch (error) {
        problems.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      for (const name of names) if (keep(name)) walk(join(path, name));
    } else if ((stat.mode & 0o077) !== 0) tighten(path, PRIVATE_FILE_MODE);
  };
  const top = lstatSync(dir);
  const uid = process.getuid?.();
  if ((top.mode & 0o1000) !== 0 || (uid !== undefined && top.uid !== uid))
    return [`${dir}: a folder shared with other users (sticky, or another owner's): left as it is; keep ReturnDesk's data in a folder of its own`];
  walk(dir, (name) => OWN_ENTRY.test(name));
  return problems;
}
