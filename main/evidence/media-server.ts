/**
 * Serves `media/<kind>/<sha256>?k=<token>` from the cache, for the web server and the app://
 * protocol alike: only files already cached, only with this launch's token. Also
 * `media/download/<id>?k=<token>`: a file ReturnDesk itself wrote this launch (an export, an evidence
 * pack), offered to a browser that cannot open the serving machine's folders. The browser never names
 * a path: only an id main handed out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { isSha256, MEDIA_KINDS, type MediaKind, type MediaStore } from '../photos/media-store.ts';

export const MEDIA_PREFIX = '/media/';

/** A per-launch secret: media URLs from another launch (or guessed by another page) are refused. */
export function newMediaToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The relative URL the renderer puts in <img src> or a download link. */
export function mediaUrl(kind: MediaKind, sha256: string, token: string): string {
  return `media/${kind}/${sha256}?k=${encodeURIComponent(token)}`;
}

/** Files offered for download this launch, by unguessable id. */
export class Downloads {
  readonly #files = new Map<string, { path: string; name: string; mime: string }>();

  /** Offers a file main wrote; returns the relative URL (with the launch token) to fetch it as an attachment. */
  offer(path: string, mime: string, token: string, name = basename(path)): string {
    const id = randomBytes(16).toString('hex');
    this.#files.set(id, { path, name, mime });
    return `${MEDIA_PREFIX.slice(1)}download/${id}?k=${encodeURIComponent(token)}`;
  }

  get(id: string): { path: string; name: string; mime: string } | undefined {
    return this.#files.get(id);
  }
}

/** Content-Disposition for a file name in any script (RFC 6266: an ASCII fallback and the UTF-8 name). */
function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._() -]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export type MediaAnswer = { status: 200; path: string; headers: Record<string, string> } | { status: 400 | 403 | 404; headers: Record<string, string> };

const KIND_MIMES: Record<MediaKind, (mime: string) => boolean> = {
  photo: (m) => m === 'image/jpeg' || m === 'image/png',
  thumb: (m) => m === 'image/jpeg',
  screen: (m) => m === 'image/jpeg',
  catalog: (m) => m === 'image/jpeg' || m === 'image/png',
  pdf: (m) => m === 'application/pdf',
};

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Decides what a media request gets; the caller streams `path` with `headers`. */
export function answerMedia(media: MediaStore, token: string, pathname: string, searchParams: URLSearchParams, downloads?: Downloads): MediaAnswer {
  const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  const parts = pathname.slice(MEDIA_PREFIX.length).split('/');
  const [kind, sha256] = parts;
  if (kind === 'download') {
    if (parts.length !== 2 || !/^[0-9a-f]{32}$/.test(sha256 ?? '')) return { status: 400, headers: plain };
    if (!sameSecret(searchParams.get('k') ?? '', token)) return { status: 403, headers: plain };
    const file = downloads?.get(sha256!);
    let size: number;
    try {
      size = file ? statSync(file.path).size : -1;
    } catch {
      size = -1;
    }
    if (!file || size < 0) return { status: 404, headers: plain };
    return {
      status: 200,
      path: file.path,
      headers: {
        'Content-Type': file.mime,
        'Content-Length': String(size),
        'Content-Disposition': attachment(file.name),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cross-Origin-Resource-Policy': 'same-origin',
      },
    };
  }
  if (parts.length !== 2 || !kind || !sha256 || !(MEDIA_KINDS as readonly string[]).includes(kind) || !isSha256(sha256)) return { status: 400, headers: plain };
  if (!sameSecret(searchParams.get('k') ?? '', token)) return { status: 403, headers: plain };
  const file = media.file(sha256);
  if (!file || !KIND_MIMES[kind as MediaKind](file.mime)) return { status: 404, headers: plain };
  media.touch(sha256);
  const headers: Record<string, string> = {
    'Content-Type': file.mime,
    'Content-Length': String(file.size),
    'X-Content-Type-Options': 'nosniff',
    // Content-addressed: the bytes behind a URL never change.
    'Cache-Control': 'private, max-age=31536000, immutable',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (file.mime === 'application/pdf')
    headers['Content-Disposition'] = `attachment; filename="${searchParams.get('name')?.replace(/[^A-Za-z0-9._-]/g, '_') || `${sha256.slice(0, 12)}.pdf`}"`;
  return { status: 200, path: media.pathOf(sha256, file.mime), headers };
}
