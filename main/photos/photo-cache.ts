/**
 * Buyer photos, catalogue pictures and application PDFs, fetched through the key's scheduler
 * ('interactive' for what the operator opened, 'background' for prefetch), checked, and kept on
 * disk by content hash. What is cached is served offline; nothing here ever holds a URL with the key.
 */
import { readFileSync } from 'node:fs';
import { isMarketError } from '../market/errors.ts';
import type { Priority } from '../market/scheduler.ts';
import type { Logger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import type { Store } from '../store/store.ts';
import { checkImage, checkPdf, MediaError, type MediaProblem } from './image-check.ts';
import type { MediaFile, MediaRef, MediaStore } from './media-store.ts';
import { JOB_PRIORITY, type ThumbnailMaker } from './thumb-maker.ts';
import { needsScreenCopy, SCREEN_BOX } from './thumbnail.ts';

export interface PhotoState {
  itemId: number | null;
  imageHash: string;
  state: 'cached' | 'missing' | 'failed';
  file: MediaFile | null;
  thumb: MediaFile | null;
  /** What the viewer shows at screen size: the screen-sized copy, or the original when it is no larger; null until made. */
  screen: MediaFile | null;
  problem: MediaProblem | null;
  reason: string | null;
}

/** A catalogue picture as the viewer gets it: the file, its screen-sized copy when made, or why there is none. */
export interface CatalogPicture {
  file: MediaFile | null;
  screen: MediaFile | null;
  problem: MediaProblem | null;
  reason: string | null;
}

export interface ItemPhotoStates {
  idx: number;
  shopSku: string;
  name: string | null;
  returnItemId: number | null;
  photos: PhotoState[];
}

/** What photos need of the current key: the client's downloads. */
export interface PhotoMarket {
  client: Pick<MarketClient, 'getReturnPhoto' | 'getOfferMappings' | 'downloadReport' | 'getReturnApplication'>;
}

export interface PhotoCacheOptions {
  store: Store;
  media: MediaStore;
  session: () => PhotoMarket;
  thumbs: ThumbnailMaker;
  logger: Logger;
  now?: () => number;
}

interface Failure {
  problem: MediaProblem;
  reason: string;
  at: number;
}

/** A network failure is retried on the next request; a refused file is not refetched for an hour. */
const FAILURE_TTL_MS = 3_600_000;
/** Downloads prefetch keeps in the scheduler's queue at once: the queue stays short, interactive work jumps it anyway. */
const PREFETCH_PARALLEL = 2;

const photoSource = (returnId: number, itemId: number, imageHash: string): string => `${returnId}/${itemId}/${imageHash}`;
/** The screen-sized copy is named by the original's bytes and the box it fits: any picture with those bytes shares it. */
const screenSource = (sha256: string): string => `${sha256}@${SCREEN_BOX.width}x${SCREEN_BOX.height}`;

/**
 * When a picture's screen-sized copy is wanted: for the viewer (first in the worker's queue, awaited),
 * behind the thumbnails and awaited ('await') or not ('later'), or not at all.
 */
export type ScreenWanted = 'viewer' | 'await' | 'later' | 'none';

/** Turns a failed download or check into the reason the operator sees. */
export function toMediaError(error: unknown): MediaError {
  if (error instanceof MediaError) return error;
  if (isMarketError(error)) {
    if (error.kind === 'not-found') return new MediaError('not-found', 'The Market no longer has this file (404).');
    if (error.kind === 'malformed' && /larger than allowed/i.test(error.serverMessage ?? ''))
      return new MediaError('too-large', 'The file is larger than 50 MB.');
    if (error.kind === 'malformed' && /^empty file$/.test(error.serverMessage ?? ''))
      return new MediaError('not-an-image', 'The Market sent an empty file (0 bytes) instead of the photo.');
    if (error.kind === 'malformed') return new MediaError('not-an-image', `The Market sent something else: ${error.serverMessage ?? error.message}`);
    return new MediaError('unavailable', `${error.message} It will be fetched when the Market can be reached.`);
  }
  return new MediaError('unavailable', error instanceof Error ? error.message : String(error));
}

export class PhotoCache {
  readonly media: MediaStore;
  readonly #store: Store;
  readonly #session: () => PhotoMarket;
  readonly #thumbs: ThumbnailMaker;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #failures = new Map<string, Failure>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #prefetchQueue: Array<() => Promise<unknown>> = [];
  #prefetchRunning = 0;
  #offlineUntil = 0;
  #closed = false;
  /**
   * Why a cached picture may not show right, by its sha256: the decoder's complaint (damaged data) or
   * refusal. Found again whenever its screen-sized copy is asked for (a damaged picture gets none).
   */
  readonly #pictureNotes = new Map<string, string>();

  constructor(options: PhotoCacheOptions) {
    this.#store = options.store;
    this.media = options.media;
    this.#session = options.session;
    this.#thumbs = options.thumbs;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** Where a return's files come from: its campaign, order and business. */
  returnRef(returnId: number): { campaignId: number; orderId: number; businessId: number | null; placementType: string | null; returnType: string } {
    const row = this.#store.getReturn(returnId);
    if (!row) throw new MediaError('not-found', `Return ${returnId} is not in the local store.`);
    const campaign = this.#store.getCampaign(row.campaignId);
    return {
      campaignId: row.campaignId,
      orderId: row.orderId,
      businessId: campaign?.businessId ?? null,
      placementType: row.placementType,
      returnType: row.returnType,
    };
  }

  #failure(key: string): Failure | null {
    const failure = this.#failures.get(key);
    if (!failure) return null;
    // Network failures are shown until the next attempt (30 s); refused files are not refetched for an hour.
    if (this.#now() - failure.at > (failure.problem === 'unavailable' ? 30_000 : FAILURE_TTL_MS)) {
      this.#failures.delete(key);
      return null;
    }
    return failure;
  }

  /** Per item, the return's photos and their cache state; reads only the local store and disk. */
  list(returnId: number): ItemPhotoStates[] {
    const detail = this.#store.returnDetail(returnId);
    if (!detail) throw new MediaError('not-found', `Return ${returnId} is not in the local store.`);
    return detail.items.map((item) => ({
      idx: item.idx,
      shopSku: item.shopSku,
      name: item.name,
      returnItemId: item.returnItemId,
      photos: item.photos.map((p) => this.state(returnId, p.returnItemId ?? item.returnItemId, p.imageHash)),
    }));
  }

  /** Cache state of one photo without any network. */
  state(returnId: number, itemId: number | null, imageHash: string): PhotoState {
    const base = { itemId, imageHash, file: null, thumb: null, screen: null, problem: null, reason: null };
    if (itemId === null) return { ...base, state: 'failed', problem: 'not-found', reason: 'The Market gave this photo no item id.' };
    const source = photoSource(returnId, itemId, imageHash);
    const ref = this.media.ref('photo', source);
    const file = ref ? this.media.file(ref.sha256) : null;
    if (file) {
      const thumb = ref?.thumbSha256 ? this.media.file(ref.thumbSha256) : null;
      const screen = this.screenOf(file);
      return { ...base, state: 'cached', file, thumb, screen, reason: this.#pictureNotes.get(file.sha256) ?? (thumb && screen ? null : this.#thumbs.problem) };
    }
    const failure = this.#failure(`photo:${source}`);
    if (failure) return { ...base, state: 'failed', problem: failure.problem, reason: failure.reason };
    return { ...base, state: 'missing' };
  }

  /** The picture the viewer shows at screen size: the original when it fits the screen box, else its copy once made. */
  screenOf(file: MediaFile): MediaFile | null {
    if (!needsScreenCopy(file.width, file.height)) return file;
    const ref = this.media.ref('screen', screenSource(file.sha256));
    return ref ? this.media.file(ref.sha256) : null;
  }

  /**
   * Makes the screen-sized copy of a cached picture if it needs one and has none: for the viewer at
   * the front of the worker's queue, else behind the thumbnails ('later': the open return's after
   * its thumbnails, prefetch's last). Resolves with the copy, or null when it cannot be made.
   */
  async ensureScreen(file: MediaFile, wanted: Exclude<ScreenWanted, 'none'>, priority: Priority): Promise<MediaFile | null> {
    const have = this.screenOf(file);
    if (have) return have;
    const rank = wanted === 'viewer' ? JOB_PRIORITY.viewer : priority === 'background' ? JOB_PRIORITY.background : JOB_PRIORITY.screen;
    try {
      const copy = await this.#thumbs.picture(this.media.pathOf(file.sha256, file.mime), 'screen', rank, `screen:${file.sha256}`);
      if (this.#closed) return null;
      // A damaged picture is shown as the Market sent it, with the decoder's words, never as a smoothed copy.
      if (copy.damaged) {
        this.#noteDamage(file.sha256, copy.damaged);
        return null;
      }
      const stored = this.media.put(copy.data, { mime: 'image/jpeg', width: copy.width, height: copy.height });
      this.media.saveRef({
        kind: 'screen',
        source: screenSource(file.sha256),
        returnId: null,
        itemId: null,
        imageHash: null,
        sha256: stored.sha256,
        thumbSha256: null,
      });
      return stored;
    } catch (error) {
      if (this.#closed) return null;
      const message = (error as Error).message;
      this.#logger.warn('screen-sized copy failed', { sha256: file.sha256.slice(0, 12), error: message });
      // Without the image library every photo is shown as it came, and the tiles say why; a photo it refuses is told apart.
      if (!this.#thumbs.problem)
        this.#note(
          file.sha256,
          `The image library cannot decode this photo (${message.split('\n')[0]}): it may not show. The original can still be downloaded.`,
        );
      return null;
    }
  }

  #noteDamage(sha256: string, complaint: string): void {
    this.#note(sha256, `The photo's data is damaged (${complaint}): parts of it may show wrong. It is shown as the Market sent it.`);
  }

  /** Keeps why a picture may not show right, for as long as this app runs (bounded: the oldest notes go). */
  #note(sha256: string, text: string): void {
    this.#pictureNotes.delete(sha256);
    this.#pictureNotes.set(sha256, text);
    if (this.#pictureNotes.size > 1000) this.#pictureNotes.delete(this.#pictureNotes.keys().next().value!);
  }

  /**
   * Ensures the photo is cached, and its thumbnail: awaited ('await'), made after the answer
   * ('later'), or not at all ('none'); and its screen-sized copy (ScreenWanted, 'viewer' awaited).
   * Refusals come back as state "failed" with the reason.
   */
  async ensurePhoto(
    returnId: number,
    itemId: number,
    imageHash: string,
    priority: Priority,
    thumb: 'await' | 'later' | 'none' = 'await',
    screen: ScreenWanted = 'none',
  ): Promise<PhotoState> {
    const source = photoSource(returnId, itemId, imageHash);
    const key = `photo:${source}`;
    try {
      let ref = this.media.ref('photo', source);
      let file = ref ? this.media.file(ref.sha256) : null;
      if (!file) {
        const failure = this.#failure(key);
        if (failure && failure.problem !== 'unavailable') return this.state(returnId, itemId, imageHash);
        file = await this.#once(key, () => this.#downloadPhoto(returnId, itemId, imageHash, priority));
        ref = this.media.ref('photo', source);
      }
      this.media.touch(file.sha256);
      if (thumb !== 'none' && !(ref?.thumbSha256 && this.media.file(ref.thumbSha256))) {
        const cached = file;
        // A thumbnail that cannot be made leaves the photo cached: the tile shows it scaled, with the reason.
        const making = this.#once(`thumb:${cached.sha256}`, () => this.#makeThumb(source, cached, priority !== 'background')).catch((error: unknown) =>
          this.#logger.warn('thumbnail failed', { returnId, itemId, error: (error as Error).message }),
        );
        if (thumb === 'await') await making;
      }
      if (screen !== 'none') {
        const copying = this.ensureScreen(file, screen, priority);
        if (screen !== 'later') await copying;
      }
      return this.state(returnId, itemId, imageHash);
    } catch (error) {
      const problem = toMediaError(error);
      if (problem.problem === 'unavailable') this.#offlineUntil = this.#now() + 30_000;
      this.#failures.set(key, { problem: problem.problem, reason: problem.message, at: this.#now() });
      this.#logger.info('photo not cached', { returnId, itemId, problem: problem.problem });
      return this.state(returnId, itemId, imageHash);
    }
  }

  async #once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = run().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #downloadPhoto(returnId: number, itemId: number, imageHash: string, priority: Priority): Promise<MediaFile> {
    const ref = this.returnRef(returnId);
    const { data, contentType } = await this.#session().client.getReturnPhoto(ref.campaignId, ref.orderId, returnId, itemId, imageHash, { priority });
    const facts = checkImage(data, contentType);
    const file = this.media.put(data, facts);
    this.media.saveRef({
      kind: 'photo',
      source: photoSource(returnId, itemId, imageHash),
      returnId,
      itemId,
      imageHash,
      sha256: file.sha256,
      thumbSha256: null,
    });
    this.#failures.delete(`photo:${photoSource(returnId, itemId, imageHash)}`);
    return file;
  }

  async #makeThumb(source: string, file: MediaFile, urgent: boolean, kind: MediaRef['kind'] = 'photo'): Promise<void> {
    const thumb = await this.#thumbs.make(this.media.pathOf(file.sha256, file.mime), urgent);
    if (this.#closed) return;
    // Not kept: the tile shows the damaged photo itself, and the damage is found again next time.
    if (thumb.damaged) return this.#noteDamage(file.sha256, thumb.damaged);
    const stored = this.media.put(thumb.data, { mime: 'image/jpeg', width: thumb.width, height: thumb.height });
    this.media.setThumb(kind, source, stored.sha256);
  }

  /** Queues the photos of these returns at background priority; returns how many downloads were queued. */
  prefetch(returnIds: readonly number[]): number {
    if (this.#now() < this.#offlineUntil) return 0;
    let queued = 0;
    for (const returnId of returnIds) {
      let items: ItemPhotoStates[];
      try {
        items = this.list(returnId);
      } catch {
        continue;
      }
      for (const item of items) {
        for (const photo of item.photos) {
          if (photo.itemId === null) continue;
          if (photo.state === 'failed' && photo.problem !== 'unavailable') continue;
          if (photo.state === 'cached' && photo.thumb && photo.screen) continue;
          const itemId = photo.itemId;
          this.#prefetchQueue.push(() => this.ensurePhoto(returnId, itemId, photo.imageHash, 'background', 'await', 'later'));
          queued++;
        }
      }
    }
    this.#pumpPrefetch();
    return queued;
  }

  #pumpPrefetch(): void {
    while (this.#prefetchRunning < PREFETCH_PARALLEL && this.#prefetchQueue.length > 0) {
      if (this.#now() < this.#offlineUntil) {
        this.#prefetchQueue.length = 0;
        return;
      }
      const job = this.#prefetchQueue.shift()!;
      this.#prefetchRunning++;
      void job()
        .catch(() => undefined)
        .finally(() => {
          this.#prefetchRunning--;
          this.#pumpPrefetch();
        });
    }
  }

  /** Resolves when prefetch has nothing queued or running (tests and benchmarks). */
  async prefetchIdle(): Promise<void> {
    while (this.#prefetchRunning > 0 || this.#prefetchQueue.length > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /** The products' catalogue pictures (first three per offer), cached like photos. */
  async catalog(returnId: number, priority: Priority): Promise<Array<{ shopSku: string; pictures: CatalogPicture[] }>> {
    const detail = this.#store.returnDetail(returnId);
    if (!detail) throw new MediaError('not-found', `Return ${returnId} is not in the local store.`);
    const skus = [...new Set(detail.items.map((i) => i.shopSku))];
    const cached = new Map<string, MediaRef[]>();
    for (const ref of this.media.refsOfReturn(returnId)) {
      if (ref.kind !== 'catalog' || !ref.imageHash) continue;
      cached.set(ref.imageHash, [...(cached.get(ref.imageHash) ?? []), ref]);
    }
    const missing = skus.filter((sku) => !(cached.get(sku) ?? []).some((r) => this.media.file(r.sha256)));
    let pictures = new Map<string, string[]>();
    let mappingError: MediaError | null = null;
    const { businessId } = this.returnRef(returnId);
    if (missing.length > 0 && businessId) {
      try {
        const result = await this.#session().client.getOfferMappings(businessId, missing, undefined, { priority });
        pictures = new Map(result.offerMappings.filter((m) => m.offer).map((m) => [m.offer!.offerId, (m.offer!.pictures ?? []).slice(0, 3)]));
      } catch (error) {
        mappingError = toMediaError(error);
      }
    }
    const out = [];
    for (const sku of skus) {
      const have = (cached.get(sku) ?? []).map((r) => this.media.file(r.sha256)).filter((f): f is MediaFile => f !== null);
      if (have.length > 0) {
        out.push({ shopSku: sku, pictures: have.map((file) => this.#catalogPicture(file, priority)) });
        continue;
      }
      if (mappingError) {
        out.push({ shopSku: sku, pictures: [{ file: null, screen: null, problem: mappingError.problem, reason: mappingError.message }] });
        continue;
      }
      const urls = pictures.get(sku) ?? [];
      const got: CatalogPicture[] = [];
      for (const [index, url] of urls.entries()) {
        try {
          const { data, contentType } = await this.#session().client.downloadReport(url, { priority });
          const facts = checkImage(data, contentType);
          const file = this.media.put(data, facts);
          this.media.saveRef({
            kind: 'catalog',
            source: `${returnId}|${sku}|${index}`,
            returnId,
            itemId: null,
            imageHash: sku,
            sha256: file.sha256,
            thumbSha256: null,
          });
          got.push(this.#catalogPicture(file, priority));
        } catch (error) {
          const problem = toMediaError(error);
          got.push({ file: null, screen: null, problem: problem.problem, reason: problem.message });
        }
      }
      out.push({ shopSku: sku, pictures: got });
    }
    return out;
  }

  /** A cached catalogue picture with its screen-sized copy; a large one without a copy gets it made for the next look. */
  #catalogPicture(file: MediaFile, priority: Priority): CatalogPicture {
    const screen = this.screenOf(file);
    if (!screen) void this.ensureScreen(file, 'later', priority);
    return { file, screen, problem: null, reason: null };
  }

  /** Ensures the return application (PDF) is cached; non-purchases have none. */
  async application(
    returnId: number,
    priority: Priority,
  ): Promise<{ state: 'cached' | 'failed' | 'none'; file: MediaFile | null; problem: MediaProblem | null; reason: string | null }> {
    const ref = this.returnRef(returnId);
    if (ref.returnType === 'UNREDEEMED') return { state: 'none', file: null, problem: null, reason: 'Non-purchases have no return application.' };
    const source = String(returnId);
    const existing = this.media.ref('pdf', source);
    const cached = existing ? this.media.file(existing.sha256) : null;
    if (cached) {
      this.media.touch(cached.sha256);
      return { state: 'cached', file: cached, problem: null, reason: null };
    }
    try {
      const file = await this.#once(`pdf:${source}`, async () => {
        const { data, contentType } = await this.#session().client.getReturnApplication(ref.campaignId, ref.orderId, returnId, { priority });
        checkPdf(data, contentType);
        const stored = this.media.put(data, { mime: 'application/pdf' });
        this.media.saveRef({ kind: 'pdf', source, returnId, itemId: null, imageHash: null, sha256: stored.sha256, thumbSha256: null });
        return stored;
      });
      return { state: 'cached', file, problem: null, reason: null };
    } catch (error) {
      const problem = toMediaError(error);
      return { state: 'failed', file: null, problem: problem.problem === 'not-an-image' ? 'not-a-pdf' : problem.problem, reason: problem.message };
    }
  }

  /** Bytes of a cached file. */
  read(file: MediaFile): Buffer {
    this.media.touch(file.sha256);
    return readFileSync(this.media.pathOf(file.sha256, file.mime));
  }

  /** Starts the thumbnail worker ahead of the first photo. */
  warm(): void {
    this.#thumbs.warm();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#prefetchQueue.length = 0;
    await this.#thumbs.close();
  }
}
