/**
 * Pictures made from a checked photo through libvips (sharp): the thumbnail (shrink-on-load decode,
 * fit inside the long side) and the screen-sized copy the viewer shows; both EXIF-oriented,
 * flattened over white, JPEG.
 */
import type { Sharp, SharpOptions } from 'sharp';

/** Long side of a thumbnail in pixels: sharp in a filmstrip on a 2× screen. */
export const THUMB_LONG_SIDE = 320;

/**
 * The screen-sized copy fits inside 2560×1600: a full-window pane on a 2560×1600 screen (a QHD monitor,
 * a 13–14" laptop at 2×) shows it at "fit" one picture pixel per screen pixel, so what the operator
 * judges at first sight is as sharp as the original would be; past that (zoom, 1:1, a 4K screen) the
 * viewer loads the original. A 12 MP 4:3 photo becomes 2133×1600 (3.4 MP): a third of the pixels to decode.
 */
export const SCREEN_BOX = { width: 2560, height: 1600 } as const;

/** True when a picture of this size is larger than the screen-sized copy would be (else the original is shown). */
export function needsScreenCopy(width: number | null, height: number | null): boolean {
  return (width ?? 0) > SCREEN_BOX.width || (height ?? 0) > SCREEN_BOX.height;
}

/** Decoder warnings many cameras' files raise with every pixel intact: not called damage. */
const HARMLESS_WARNINGS = /extraneous bytes before marker|Invalid SOS parameters|unknown JFIF revision|unsupported EXIF/i;

/** Pictures above this many pixels are refused rather than decoded (a photo from a phone is about 12 MP). */
const MAX_INPUT_PIXELS = 100_000_000;

export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
  /** The decoder's complaint about a picture it could still decode (damaged data): what shows may be wrong. */
  damaged?: string;
}

export type PictureKind = 'thumb' | 'screen';

type SharpFactory = (input: Buffer | string, options?: SharpOptions) => Sharp;

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
export async function makeThumbnail(input: Buffer | string, longSide = THUMB_LONG_SIDE): Promise<Thumbnail> {
  return makePicture(input, 'thumb', longSide);
}

/**
 * Makes the thumbnail or the screen-sized copy of a checked JPEG or PNG, from its bytes or its cached
 * file. A picture the decoder complains about (damaged data) is made anyway, with the complaint.
 */
export async function makePicture(input: Buffer | string, kind: PictureKind, longSide = THUMB_LONG_SIDE): Promise<Thumbnail> {
  const sharp = await loadSharp();
  const [width, height] = kind === 'thumb' ? [longSide, longSide] : [SCREEN_BOX.width, SCREEN_BOX.height];
  const make = (failOn: 'warning' | 'error') =>
    sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn })
      .autoOrient()
      .resize(width, height, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: kind === 'thumb' ? 82 : 85, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
  try {
    const { data, info } = await make('warning');
    return { data, width: info.width, height: info.height };
  } catch (warning) {
    // Only a picture that decodes with its damage tolerated is made; anything worse fails with the decoder's reason.
    const { data, info } = await make('error');
    const complaint = warning instanceof Error ? warning.message.split('\n')[0]! : String(warning);
    return { data, width: info.width, height: info.height, ...(HARMLESS_WARNINGS.test(complaint) ? {} : { damaged: complaint }) };
  }
}
