/** Checks downloaded files before they enter the cache: declared type, magic bytes, completeness, size. */

/** Photos are at most 50 MB (the Market's own limit). */
export const MAX_PHOTO_BYTES = 50 * 1024 * 1024;
/** Application PDFs and chat files: the same ceiling. */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export type MediaProblem = 'not-an-image' | 'truncated' | 'too-large' | 'not-a-pdf' | 'unavailable' | 'not-found';

/** A file that cannot be shown, with the reason the operator sees. */
export class MediaError extends Error {
  readonly problem: MediaProblem;
  constructor(problem: MediaProblem, message: string) {
    super(message);
    this.name = 'MediaError';
    this.problem = problem;
  }

  /** How the IPC router answers when this error reaches it. */
  get bridgeCode(): 'NOT_FOUND' | 'UNAVAILABLE' | 'CONFLICT' {
    return this.problem === 'not-found' ? 'NOT_FOUND' : this.problem === 'unavailable' ? 'UNAVAILABLE' : 'CONFLICT';
  }
}

export interface ImageFacts {
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** The EXIF orientation (1–8) in an APP1 segment's data, or 1 when it has none or cannot be read. */
function exifOrientation(segment: Buffer): number {
  if (segment.length < 14 || segment.toString('latin1', 0, 6) !== 'Exif\0\0') return 1;
  const tiff = segment.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return 1;
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const ifd = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  if (ifd + 2 > tiff.length) return 1;
  const entries = u16(ifd);
  for (let n = 0; n < entries; n++) {
    const entry = ifd + 2 + n * 12;
    if (entry + 12 > tiff.length) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/**
 * Reads a JPEG's size as it is shown — from its first SOF marker, width and height swapped when the EXIF
 * orientation turns it a quarter (5–8), as browsers and the thumbnails do — walking segments; null if the
 * stream ends first.
 */
function jpegSize(bytes: Buffer): { width: number; height: number } | null {
  let orientation = 1;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = bytes.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > bytes.length) return null;
      const height = bytes.readUInt16BE(i + 5);
      const width = bytes.readUInt16BE(i + 7);
      return orientation >= 5 ? { width: height, height: width } : { width, height };
    }
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(bytes.subarray(i + 4, Math.min(bytes.length, i + 2 + length)));
    i += 2 + length;
  }
  return null;
}

/** True when the JPEG ends with its EOI marker (trailing padding allowed). */
function jpegComplete(bytes: Buffer): boolean {
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0x00) end--;
  return end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/** True when the PNG's last chunk is IEND. */
function pngComplete(bytes: Buffer): boolean {
  return bytes.length >= 20 && bytes.subarray(bytes.length - 12, bytes.length - 4).toString('latin1') === '\0\0\0\0IEND';
}

/**
 * Decides whether downloaded bytes are a whole JPEG or PNG: the Content-Type must say an image
 * and the magic bytes must agree, the file must end where its format ends, and stay within 50 MB.
 */
export function checkImage(bytes: Buffer, contentType: string, maxBytes = MAX_PHOTO_BYTES): ImageFacts {
  if (bytes.length > maxBytes)
    throw new MediaError('too-large', `The file is ${(bytes.length / 1048576).toFixed(1)} MB; photos are limited to ${Math.round(maxBytes / 1048576)} MB.`);
  if (bytes.length === 0) throw new MediaError('not-an-image', 'The Market sent an empty file (0 bytes) instead of the photo.');
  const declared = contentType.split(';')[0]!.trim().toLowerCase();
  const isJpeg = startsWith(bytes, JPEG_MAGIC);
  const isPng = startsWith(bytes, PNG_MAGIC);
  if (!isJpeg && !isPng)
    throw new MediaError(
      'not-an-image',
      `The file is not a JPEG or PNG picture (Content-Type "${declared || 'none'}", it starts with ${bytes.subarray(0, 4).toString('hex') || 'nothing'}).`,
    );
  if (declared && !declared.startsWith('image/') && declared !== 'application/octet-stream') {
    throw new MediaError('not-an-image', `The server called the file "${declared}", not an image.`);
  }
  if (isJpeg) {
    const size = jpegSize(bytes);
    if (!size || !jpegComplete(bytes)) throw new MediaError('truncated', `The JPEG is cut short after ${bytes.length} bytes.`);
    if (size.width === 0 || size.height === 0) throw new MediaError('not-an-image', 'The JPEG declares a zero size.');
    return { mime: 'image/jpeg', ...size };
  }
  if (bytes.length < 24 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR')
    throw new MediaError('truncated', `The PNG is cut short after ${bytes.length} bytes.`);
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (!pngComplete(bytes)) throw new MediaError('truncated', `The PNG is cut short after ${bytes.length} bytes.`);
  if (width === 0 || height === 0) throw new MediaError('not-an-image', 'The PNG declares a zero size.');
  return { mime: 'image/png', width, height };
}

/** Checks an application file: a whole PDF within the size limit. */
export function checkPdf(bytes: Buffer, contentType: string): void {
  if (bytes.length > MAX_DOCUMENT_BYTES)
    throw new MediaError('too-large', `The document is ${(bytes.length / 1048576).toFixed(1)} MB, over the ${MAX_DOCUMENT_BYTES / 1048576} MB limit.`);
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new MediaError('not-a-pdf', `The application is not a PDF (Content-Type "${contentType || 'none'}").`);
  }
  if (
    !bytes
      .subarray(Math.max(0, bytes.length - 1024))
      .toString('latin1')
      .includes('%%EOF')
  ) {
    throw new MediaError('truncated', `The PDF is cut short after ${bytes.length} bytes.`);
  }
}
