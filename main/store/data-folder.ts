// The data folder holds the seller's returns, buyers' photos and logs: readable by its owner only.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

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
