/** Content-addressed files on disk (named by sha256 of their bytes) with an SQLite index and LRU eviction. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaFile, MediaIndexRepository, MediaRef } from '../store/repositories.ts';

export type MediaKind = 'photo' | 'thumb' | 'screen' | 'catalog' | 'pdf';
export const MEDIA_KINDS: readonly MediaKind[] = ['photo', 'thumb', 'screen', 'catalog', 'pdf'];

export type { MediaFile, MediaRef };

export interface MediaStoreOptions {
  /** The store's index of the cached files. */
  index: MediaIndexRepository<'sync'>;
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

/** Files of the media cache and their index; one writer (main). */
export class MediaStore {
  readonly cacheDir: string;
  maxBytes: number;
  readonly #index: MediaIndexRepository<'sync'>;
  readonly #now: () => number;

  constructor(options: MediaStoreOptions) {
    this.#index = options.index;
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
    this.#index.putFile({ sha256, mime: facts.mime, size: bytes.length, width: facts.width ?? null, height: facts.height ?? null }, now);
    this.evict(new Set([sha256]));
    return this.file(sha256)!;
  }

  /** The indexed file if its bytes are still on disk (a file removed by hand drops out of the index). */
  file(sha256: string): MediaFile | null {
    if (!isSha256(sha256)) return null;
    const file = this.#index.file(sha256);
    if (!file) return null;
    if (!existsSync(this.pathOf(sha256, file.mime))) {
      this.#forget([sha256]);
      return null;
    }
    return file;
  }

  /** Marks a file used now, for LRU. */
  touch(sha256: string): void {
    this.#index.touch(sha256, this.#now());
  }

  ref(kind: MediaRef['kind'], source: string): MediaRef | null {
    return this.#index.ref(kind, source);
  }

  refsOfReturn(returnId: number): MediaRef[] {
    return this.#index.refsOfReturn(returnId);
  }

  saveRef(ref: Omit<MediaRef, 'fetchedAt'>): void {
    this.#index.saveRef({ ...ref, fetchedAt: this.#now() });
  }

  setThumb(kind: MediaRef['kind'], source: string, thumbSha256: string): void {
    this.#index.setThumb(kind, source, thumbSha256);
  }

  /** Bytes held by the cache. */
  totalBytes(): number {
    return this.#index.totalBytes();
  }

  /** Deletes least recently used files until the cache fits its limit; `keep` is never deleted. */
  evict(keep: ReadonlySet<string> = new Set()): string[] {
    let total = this.totalBytes();
    if (total <= this.maxBytes) return [];
    const gone: string[] = [];
    const rows = this.#index.filesByAge();
    for (const row of rows) {
      if (total <= this.maxBytes) break;
      const { sha256 } = row;
      if (keep.has(sha256)) continue;
      rmSync(this.pathOf(sha256, row.mime), { force: true });
      total -= row.size;
      gone.push(sha256);
    }
    this.#forget(gone);
    return gone;
  }

  #forget(shas: readonly string[]): void {
    this.#index.forget(shas);
  }
}
