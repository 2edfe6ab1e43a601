// Files the operator sees appear whole or not at all: written to a hidden temporary name beside the
// target (same folder, so the rename is atomic), flushed to disk, then renamed.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

/** The hidden temporary name used while `target` is being written. */
export function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.part`);
}

/**
 * Writes `data` (or the chunks `write` produces) to `target` atomically. On any failure, the
 * temporary file is removed and `target` is untouched; the error is rethrown.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | ((write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>),
): Promise<number> {
  const temp = tempNameFor(target);
  let bytes = 0;
  const handle = await open(temp, 'wx', 0o600);
  try {
    const write = async (chunk: string | Uint8Array): Promise<void> => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      await handle.write(buffer);
      bytes += buffer.length;
    };
    if (typeof data === 'function') await data(write);
    else await write(data);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
    return bytes;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** `folder/name`, or `folder/name (2).ext`… when that name is taken: an export never overwrites a file. */
export async function freeName(folder: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const candidate = join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
  return join(folder, `${stem} ${randomBytes(3).toString('hex')}${ext}`);
}

/** A file name safe on Windows, macOS and Linux. */
export function safeFileName(name: string): string {
  return name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').slice(0, 180);
}
