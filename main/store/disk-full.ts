// A write SQLite could not make for lack of space, told to the operator in words instead of as
// "disk I/O error": what happened, where, and that nothing saved before is lost.

// SQLITE_FULL, and the I/O errors a full disk, a quota or a file-size limit give (EFBIG/EDQUOT/ENOSPC
// on write, truncate or growing the WAL index): SQLITE_IOERR_WRITE, _TRUNCATE, _SHMSIZE.
const SQLITE_FULL = 13;
const FULL_IO_ERRORS = new Set([778, 1546, 4874]);

/** The disk (or the data folder's size limit) is full: nothing was written, nothing saved before is lost. */
export class DiskFullError extends Error {
  /** Answered to the renderer as "unavailable", with this message as is. */
  readonly bridgeCode = 'UNAVAILABLE' as const;
  readonly folder: string;
  /** SQLite's own words, for the log and diagnostics. */
  readonly detail: string;

  constructor(folder: string, detail: string) {
    super(
      `The disk is full: ReturnDesk could not save to ${folder} (SQLite: ${detail}). ` +
        'Free some space on that disk (or raise its size limit); saving resumes by itself, and nothing saved before is lost.',
    );
    this.name = 'DiskFull';
    this.folder = folder;
    this.detail = detail;
  }
}

/** The SQLite result code of `error` or of any error in its `cause` chain. */
function sqliteCode(error: unknown): { code: number; text: string } | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { errcode, errstr } = e as { errcode?: unknown; errstr?: unknown };
    if (typeof errcode === 'number') return { code: errcode, text: typeof errstr === 'string' ? errstr : String(errcode) };
  }
  return null;
}

/** `error` as a DiskFullError when SQLite failed for lack of space; otherwise null. */
export function diskFullOf(error: unknown, folder: string): DiskFullError | null {
  if (error instanceof DiskFullError) return error;
  const sqlite = sqliteCode(error);
  if (!sqlite || ((sqlite.code & 0xff) !== SQLITE_FULL && !FULL_IO_ERRORS.has(sqlite.code))) return null;
  return new DiskFullError(folder, sqlite.text);
}
