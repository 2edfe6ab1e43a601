/** Content-addressed files on disk (named by sha256 of their bytes) with an SQLite index and LRU eviction. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

export type MediaKind = 'photo' | 'thumb' | 'catalog' | 'pdf';
export const MEDIA_KINDS: readonly MediaKind[] = ['photo', 'thumb', 'catalog', 'pdf'];

export interface MediaFile {
  sha256: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  lastAccess: number;
}

export interface MediaRef {
  kind: 'photo' | 'catalog' | 'pdf';
  source: string;
  returnId: number | null;
  itemId: number | null;
  imageHash: string | null;
  sha256: string;
  thumbSha256: string | null;
  fetchedAt: number;
}

export interface MediaStoreOptions {
  db: DatabaseSync;
  /** `<dataDir>/cache`: photos go under photos/, documents under documents/. */
  cacheDir: string;
  /** Total bytes kept before the least recently used files go; 1 GB by default. */
  maxBytes?: number;
  now?: () => number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** True for a lowercase hex sha256 — the only names the media URLs accept. */
export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

type Row = Record<string, unknown>;

const toFile = (row: Row): MediaFile => ({
  sha256: String(row.sha256),
  mime: String(row.mime),
  size: Number(row.size),
  width: row.width === null ? null : Number(row.width),
  height: row.height === null ? null : Number(row.height),
  lastAccess: Number(row.last_access),
});

const toRef = (row: Row): MediaRef => ({
  kind: String(row.kind) as MediaRef['kind'],
  source: String(row.source),
  returnId: row.return_id === null ? null : Number(row.return_id),
  itemId: row.item_id === null ? null : Number(row.item_id),
  imageHash: row.image_hash === null ? null : String(row.image_hash),
  sha256: String(row.sha256),
  thumbSha256: row.thumb_sha256 === null ? null : String(row.thumb_sha256),
  fetchedAt: Number(row.fetched_at),
});

/** Files of the media cache and their index; one writer (main). */
export class MediaStore {
  readonly cacheDir: string;
  maxBytes: number;
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(options: MediaStoreOptions) {
    this.#db = options.db;
    this.cacheDir = options.cacheDir;
    this.maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
  }

  /** Where a file of this type lives: images under cache/photos, PDFs under cache/documents. */
  pathOf(sha256: string, mime: string): string {
    if (!isSha256(sha256)) throw new Error('sha256 must be 64 lowercase hex digits');
    const folder = mime === 'application/pdf' ? 'documents' : 'photos';
    return join(this.cacheDir, folder, sha256.slice(0, 2), sha256);
  }

  /** Writes bytes under their hash (atomically) and indexes them; returns the file's record. */
  put(bytes: Buffer, facts: { mime: string; width?: number | null; height?: number | null }): MediaFile {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256, facts.mime);
    const now = this.#now();
    if (!existsSync(path) || statSync(path).size !== bytes.length) {
      // Buyers' photos are personal data: owner-only, like the rest of the data folder.
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, bytes, { mode: 0o600 });
      renameSync(temp, path);
    }
    this.#db
      .prepare(
        `INSERT INTO media_files (sha256, mime, size, width, height, created_at, last_access) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET last_access = excluded.last_access`,
      )
      .run(sha256, facts.mime, bytes.length, facts.width ?? null, facts.height ?? null, now, now);
    this.evict(new Set([sha256]));
    return this.file(sha256)!;
  }

  /** The indexed file if its bytes are still on disk (a file removed by hand drops out of the index). */
  file(sha256: string): MediaFile | null {
    if (!isSha256(sha256)) return null;
    const row = this.#db.prepare('SELECT * FROM media_files WHERE sha256 = ?').get(sha256) as Row | undefined;
    if (!row) return null;
    const file = toFile(row);
    if (!existsSync(this.pathOf(sha256, file.mime))) {
      this.#forget([sha256]);
      return null;
    }
    return file;
  }

  /** Marks a file used now, for LRU. */
  touch(sha256: string): void {
    this.#db.prepare('UPDATE media_files SET last_access = ? WHERE sha256 = ?').run(this.#now(), sha256);
  }

  ref(kind: MediaRef['kind'], source: string): MediaRef | null {
    const row = this.#db.prepare('SELECT * FROM media_refs WHERE kind = ? AND source = ?').get(kind, source) as Row | undefined;
    return row ? toRef(row) : null;
  }

  refsOfReturn(returnId: number): MediaRef[] {
    return (this.#db.prepare('SELECT * FROM media_refs WHERE return_id = ?').all(returnId) as Row[]).map(toRef);
  }

  saveRef(ref: Omit<MediaRef, 'fetchedAt'>): void {
    this.#db
      .prepare(
        `INSERT INTO media_refs (kind, source, return_id, item_id, image_hash, sha256, thumb_sha256, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(kind, source) DO UPDATE SET sha256 = excluded.sha256, thumb_sha256 = excluded.thumb_sha256, fetched_at = excluded.fetched_at`,
      )
      .run(ref.kind, ref.source, ref.returnId, ref.itemId, ref.imageHash, ref.sha256, ref.thumbSha256, this.#now());
  }

  setThumb(kind: MediaRef['kind'], source: string, thumbSha256: string): void {
    this.#db.prepare('UPDATE media_refs SET thumb_sha256 = ? WHERE kind = ? AND source = ?').run(thumbSha256, kind, source);
  }

  /** Bytes held by the cache. */
  totalBytes(): number {
    return Number((this.#db.prepare('SELECT COALESCE(SUM(size), 0) AS n FROM media_files').get() as Row).n);
  }

  /** Deletes least recently used files until the cache fits its limit; `keep` is never deleted. */
  evict(keep: ReadonlySet<string> = new Set()): string[] {
    let total = this.totalBytes();
    if (total <= this.maxBytes) return [];
    const gone: string[] = [];
    const rows = this.#db.prepare('SELECT sha256, mime, size FROM media_files ORDER BY last_access, sha256').all() as Row[];
    for (const row of rows) {
      if (total <= this.maxBytes) break;
      const sha256 = String(row.sha256);
      if (keep.has(sha256)) continue;
      rmSync(this.pathOf(sha256, String(row.mime)), { force: true });
      total -= Number(row.size);
      gone.push(sha256);
    }
    this.#forget(gone);
    return gone;
  }

  #forget(shas: readonly string[]): void {
    for (const sha of shas) {
      this.#db.prepare('DELETE FROM media_files WHERE sha256 = ?').run(sha);
      this.#db.prepare('DELETE FROM media_refs WHERE sha256 = ?').run(sha);
      this.#db.prepare('UPDATE media_refs SET thumb_sha256 = NULL WHERE thumb_sha256 = ?').run(sha);
    }
  }
}
