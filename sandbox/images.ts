// Buyer photos and catalogue pictures: JPEG (jpeg-js) and PNG (hand-written), deterministic by hash, cached lazily.
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { createRng, hashString } from './rng.ts';
import type { ImageSpec } from './types.ts';

export interface EncodedImage {
  data: Buffer;
  contentType: 'image/jpeg' | 'image/png';
}

const CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
const cache = new Map<string, EncodedImage>();
let cachedBytes = 0;

export function imageFor(spec: ImageSpec): EncodedImage {
  const key = `${spec.hash}:${spec.format}:${spec.width}x${spec.height}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const rgba = paint(spec.hash, spec.width, spec.height);
  const img: EncodedImage =
    spec.format === 'jpeg'
      ? { data: Buffer.from(jpeg.encode({ data: rgba, width: spec.width, height: spec.height }, 90).data), contentType: 'image/jpeg' }
      : { data: encodePng(rgba, spec.width, spec.height), contentType: 'image/png' };
  cache.set(key, img);
  cachedBytes += img.data.length;
  for (const [k, v] of cache) {
    if (cachedBytes <= CACHE_BUDGET_BYTES) break;
    cache.delete(k);
    cachedBytes -= v.data.length;
  }
  return img;
}

/** A product-photo-like picture: gradient backdrop, a "product" shape, label blocks, sensor noise. */
function paint(hash: string, w: number, h: number): Buffer {
  const rng = createRng(hashString(hash));
  const buf = Buffer.alloc(w * h * 4);
  const bg1 = [rng.int(150, 255), rng.int(150, 255), rng.int(150, 255)];
  const bg2 = [rng.int(40, 160), rng.int(40, 160), rng.int(40, 160)];
  const obj = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const cx = w * (0.35 + rng.next() * 0.3);
  const cy = h * (0.35 + rng.next() * 0.3);
  const rx = w * (0.15 + rng.next() * 0.15);
  const ry = h * (0.15 + rng.next() * 0.2);
  const roundShape = rng.chance(0.5);
  const blocks = Array.from({ length: rng.int(3, 7) }, (_, i) => ({
    x: Math.floor(w * 0.08),
    y: Math.floor(h * (0.06 + i * 0.045)),
    bw: Math.floor(w * (0.15 + rng.next() * 0.3)),
    bh: Math.max(2, Math.floor(h * 0.02)),
  }));
  let seed = hashString(hash) | 1;
  for (let y = 0; y < h; y++) {
    const t = y / h;
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const s = (x / w + t) / 2;
      let r = bg1[0]! * (1 - s) + bg2[0]! * s;
      let g = bg1[1]! * (1 - s) + bg2[1]! * s;
      let b = bg1[2]! * (1 - s) + bg2[2]! * s;
      const dx = (x - cx) / rx;
      const dy = (y - cy) / ry;
      const inside = roundShape ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
      if (inside) {
        const shade = 0.7 + 0.3 * (1 - (dx + dy + 2) / 4);
        r = obj[0]! * shade;
        g = obj[1]! * shade;
        b = obj[2]! * shade;
      }
      for (const bl of blocks) {
        if (x >= bl.x && x < bl.x + bl.bw && y >= bl.y && y < bl.y + bl.bh && ((x >> 3) & 3) !== 3) {
          r = g = b = 30;
        }
      }
      // xorshift noise: what makes a camera photo several megabytes
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const n = ((seed & 31) - 16) * 0.9;
      buf[i] = clamp(r + n);
      buf[i + 1] = clamp(g + n);
      buf[i + 2] = clamp(b + n);
      buf[i + 3] = 255;
    }
  }
  return buf;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** Minimal PNG: 8-bit RGB, filter type 0 on every row, one IDAT. */
export function encodePng(rgba: Buffer, w: number, h: number): Buffer {
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const o = y * (w * 3 + 1);
    rows[o] = 0;
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 4;
      const d = o + 1 + x * 3;
      rows[d] = rgba[s]!;
      rows[d + 1] = rgba[s + 1]!;
      rows[d + 2] = rgba[s + 2]!;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
