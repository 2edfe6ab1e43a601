/** The media cache's index (media_files, media_refs): SQLite's MediaIndexRepository and its schema step. */
import type { DatabaseSync } from 'node:sqlite';
import type { Migration } from './migrations.ts';
import type { MediaFile, MediaIndexRepository, MediaRef } from './repositories.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

/**
 * Media cache index: files named by the sha256 of their bytes (photos, thumbnails, catalogue
 * pictures, application PDFs), and which Market object each came from.
 */
export const MEDIA_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    name: 'media cache: content-addressed files and their sources (photos, thumbnails, catalogue pictures, applications)',
    up(db: DatabaseSync): void {
      db.exec(`
      CREATE TABLE media_files (
        sha256 TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        created_at INTEGER NOT NULL,
        last_access INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX media_files_access ON media_files(last_access);
      CREATE TABLE media_refs (
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        return_id INTEGER,
        item_id INTEGER,
        image_hash TEXT,
        sha256 TEXT NOT NULL,
        thumb_sha256 TEXT,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (kind, source)
      ) WITHOUT ROWID;
      CREATE INDEX media_refs_return ON media_refs(return_id);
      CREATE INDEX media_refs_sha ON media_refs(sha256);
    `);
    },
  },
];

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

export function sqliteMediaIndex(sql: SqliteConnection): MediaIndexRepository<'sync'> {
  return {
    putFile(file, at) {
      sql.transaction(() =>
        sql
          .stmt(
            `INSERT INTO media_files (sha256, mime, size, width, height, created_at, last_access) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET last_access = excluded.last_access`,
          )
          .run(file.sha256, file.mime, file.size, file.width, file.height, at, at),
      );
    },
    file(sha256) {
      const row = sql.stmt('SELECT * FROM media_files WHERE sha256 = ?').get(sha256) as Row | undefined;
      return row ? toFile(row) : null;
    },
    touch(sha256, at) {
      sql.transaction(() => sql.stmt('UPDATE media_files SET last_access = ? WHERE sha256 = ?').run(at, sha256));
    },
    ref(kind, source) {
      const row = sql.stmt('SELECT * FROM media_refs WHERE kind = ? AND source = ?').get(kind, source) as Row | undefined;
      return row ? toRef(row) : null;
    },
    refsOfReturn: (returnId) => (sql.stmt('SELECT * FROM media_refs WHERE return_id = ?').all(returnId) as Row[]).map(toRef),
    saveRef(ref) {
      sql.transaction(() =>
        sql
          .stmt(
            `INSERT INTO media_refs (kind, source, return_id, item_id, image_hash, sha256, thumb_sha256, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(kind, source) DO UPDATE SET sha256 = excluded.sha256, thumb_sha256 = excluded.thumb_sha256, fetched_at = excluded.fetched_at`,
          )
          .run(ref.kind, ref.source, ref.returnId, ref.itemId, ref.imageHash, ref.sha256, ref.thumbSha256, ref.fetchedAt),
      );
    },
    setThumb(kind, source, thumbSha256) {
      sql.transaction(() => sql.stmt('UPDATE media_refs SET thumb_sha256 = ? WHERE kind = ? AND source = ?').run(thumbSha256, kind, source));
    },
    totalBytes: () => Number((sql.stmt('SELECT COALESCE(SUM(size), 0) AS n FROM media_files').get() as Row).n),
    filesByAge: () =>
      (sql.stmt('SELECT sha256, mime, size FROM media_files ORDER BY last_access, sha256').all() as Row[]).map((r) => ({
        sha256: String(r.sha256),
        mime: String(r.mime),
        size: Number(r.size),
      })),
    forget(shas) {
      if (shas.length === 0) return;
      sql.transaction(() => {
        for (const sha of shas) {
          sql.stmt('DELETE FROM media_files WHERE sha256 = ?').run(sha);
          sql.stmt('DELETE FROM media_refs WHERE sha256 = ?').run(sha);
          sql.stmt('UPDATE media_refs SET thumb_sha256 = NULL WHERE thumb_sha256 = ?').run(sha);
        }
      });
    },
  };
}
