/** Thumbnails through libvips (sharp): shrink-on-load decode, fit inside the long side, flatten over white, JPEG. */
import type { Sharp, SharpOptions } from 'sharp';

/** Long side of a thumbnail in pixels: sharp in a filmstrip on a 2× screen. */
export const THUMB_LONG_SIDE = 320;

/** Pictures above this many pixels are refused rather than decoded (a photo from a phone is about 12 MP). */
const MAX_INPUT_PIXELS = 100_000_000;

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
}

type SharpFactory = (input: Buffer, options?: SharpOptions) => Sharp;

let loading: Promise<SharpFactory> | null = null;

/** Loads sharp once; a failure names the library and what the platform said, for the operator's tile. */
export function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(
    (module) => (module as unknown as { default: SharpFactory }).default,
    (error: unknown) => {
      throw new Error(`the image library (sharp) could not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    },
  );
  return loading;
}

/** Makes the thumbnail of a checked JPEG or PNG (EXIF orientation applied, transparency over white). */
export async function makeThumbnail(bytes: Buffer, longSide = THUMB_LONG_SIDE): Promise<Thumbnail> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .autoOrient()
    .resize(longSide, longSide, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 82, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
