import type { DatabaseSync } from 'node:sqlite';

/**
 * Media cache index: files named by the sha256 of their bytes (photos, thumbnails, catalogue
 * pictures, application PDFs), and which Market object each came from.
 */
export const MEDIA_CACHE_MIGRATION = {
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
};
