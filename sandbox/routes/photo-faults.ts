// Admin hook for broken buyer photos: the fault modes cannot make a photo that is not an image,
// a JPEG cut short inside a complete HTTP answer, a photo over 50 MB, a whole JPEG with damaged
// data inside, an empty answer, or a PNG the server calls a JPEG.
import type { SandboxContext } from '../context.ts';
import { asObject, badRequest, enumValue, parseJsonBody, type ApiResult } from '../http.ts';
import { imageFor, type EncodedImage } from '../images.ts';
import type { AdminRoute, Req } from '../server.ts';

const KINDS = ['not-an-image', 'truncated', 'oversize', 'corrupt', 'empty', 'png-as-jpeg', 'clear'] as const;
type PhotoFault = Exclude<(typeof KINDS)[number], 'clear'>;

const faults = new WeakMap<SandboxContext, Map<string, PhotoFault>>();

/** The photo as the fault says to serve it, or the photo itself. */
export function applyPhotoFault(ctx: SandboxContext, hash: string, img: EncodedImage): { body: Buffer; contentType: string } {
  const fault = faults.get(ctx)?.get(hash);
  if (fault === 'not-an-image') return { body: Buffer.from('<html><body>Access denied</body></html>'), contentType: 'text/html' };
  if (fault === 'truncated') return { body: img.data.subarray(0, Math.floor(img.data.length / 2)), contentType: img.contentType };
  if (fault === 'oversize') {
    // 51 MB: a JPEG start followed by padding — over the Market's 50 MB limit for photos.
    const big = Buffer.alloc(51 * 1024 * 1024);
    img.data.copy(big, 0, 0, Math.min(img.data.length, big.length));
    return { body: big, contentType: 'image/jpeg' };
  }
  if (fault === 'corrupt') {
    // Start, frame header and end marker intact; 4 KB of the scan data in the middle overwritten.
    const body = Buffer.from(img.data);
    const at = Math.floor(body.length / 2);
    for (let i = 0; i < 4096 && at + i < body.length - 2; i++) body[at + i] = (i * 7919) & 0xff;
    return { body, contentType: 'image/jpeg' };
  }
  if (fault === 'empty') return { body: Buffer.alloc(0), contentType: 'image/jpeg' };
  if (fault === 'png-as-jpeg') return { body: imageFor({ hash, format: 'png', width: 640, height: 480 }).data, contentType: 'image/jpeg' };
  return { body: img.data, contentType: img.contentType };
}

function setPhotoFault(ctx: SandboxContext, req: Req): ApiResult {
  const hash = req.params[0] as string;
  if (!ctx.world.images.has(hash)) throw badRequest(`Unknown image ${hash}`);
  const body = asObject(parseJsonBody(req.body, true), 'body');
  const kind = enumValue(body.kind, 'kind', KINDS, true) as (typeof KINDS)[number];
  let map = faults.get(ctx);
  if (!map) faults.set(ctx, (map = new Map()));
  if (kind === 'clear') map.delete(hash);
  else map.set(hash, kind);
  return { status: 200, body: { hash, fault: kind === 'clear' ? null : kind } };
}

export const photoFaultRoutes: AdminRoute[] = [{ method: 'POST', pattern: /^\/_sandbox\/photos\/([^/]+)\/fault$/, handler: setPhotoFault }];
