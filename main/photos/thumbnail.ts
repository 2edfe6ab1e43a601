/** Thumbnails: decode once (jpeg-js / pngjs), box-downscale to the long side, encode as JPEG. */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Long side of a thumbnail in pixels: sharp in a filmstrip on a 2× screen. */
export const THUMB_LONG_SIDE = 320;

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
}

/** Decodes a JPEG or PNG into RGBA; refuses pictures above 100 MP or 1 GB of working memory. */
export function decodeRgba(bytes: Buffer, mime: string): { data: Uint8Array; width: number; height: number } {
  if (mime === 'image/png') {
    const png = PNG.sync.read(bytes);
    return { data: png.data, width: png.width, height: png.height };
  }
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 100, maxMemoryUsageInMB: 1024, tolerantDecoding: true });
  return { data: image.data, width: image.width, height: image.height };
}

/** Averages each box of source pixels into one target pixel (alpha composited over white). */
function downscale(src: Uint8Array, sw: number, sh: number, tw: number, th: number): Buffer {
  const out = Buffer.alloc(tw * th * 4);
  const sx = sw / tw;
  const sy = sh / th;
  for (let y = 0; y < th; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < tw; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      // Sample at most 4×4 points per box: a 12 MP picture stays fast, the result stays smooth.
      const stepY = Math.max(1, Math.floor((y1 - y0) / 4));
      const stepX = Math.max(1, Math.floor((x1 - x0) / 4));
      for (let yy = y0; yy < y1; yy += stepY) {
        for (let xx = x0; xx < x1; xx += stepX) {
          const i = (yy * sw + xx) * 4;
          const a = src[i + 3]! / 255;
          r += src[i]! * a + 255 * (1 - a);
          g += src[i + 1]! * a + 255 * (1 - a);
          b += src[i + 2]! * a + 255 * (1 - a);
          n++;
        }
      }
      const o = (y * tw + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Makes the thumbnail of a checked JPEG or PNG. */
export function makeThumbnail(bytes: Buffer, mime: string, longSide = THUMB_LONG_SIDE): Thumbnail {
  const image = decodeRgba(bytes, mime);
  const scale = Math.min(1, longSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const pixels = downscale(image.data, image.width, image.height, width, height);
  return { data: Buffer.from(jpeg.encode({ data: pixels, width, height }, 82).data), width, height };
}
