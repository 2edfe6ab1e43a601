/**
 * Evidence for returns and disputes: the photo cache, catalogue pictures, the application PDF,
 * chats, and the evidence pack (one folder per return) — composed once per app over the session.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ApplicationView, AuditEntry, ChatView, DisputeView, EvidencePack, MediaFileView, PhotoView } from '../../preload/contract.ts';
import { ChatService, returnChatsSupported, type ChatMarket } from '../chats/chat-service.ts';
import type { Logger } from '../log.ts';
import { MediaError } from '../photos/image-check.ts';
import { MediaStore, type MediaFile, type MediaKind } from '../photos/media-store.ts';
import { PhotoCache, type PhotoMarket, type PhotoState } from '../photos/photo-cache.ts';
import { ThumbnailMaker } from '../photos/thumb-maker.ts';
import type { Store } from '../store/store.ts';
import type { EvidenceDialogs } from './dialogs.ts';
import { Downloads, mediaUrl, newMediaToken } from './media-server.ts';
import { chatTranscript, decisionHistory, missingPart, packReadme, type PackLocale } from './pack-texts.ts';
import { zipArchive, type ZipEntry } from './zip.ts';

export interface EvidenceOptions {
  store: Store;
  /** The current key's Market, as photos and chats need it. */
  session: () => PhotoMarket & ChatMarket;
  dataDir: string;
  logger: Logger;
  /** Desktop only: native save and folder dialogs. */
  dialogs?: EvidenceDialogs;
  /** Cache size limit in bytes (1 GB by default). */
  cacheMaxBytes?: number;
  /** The decision history of a return (the outbox's audit). */
  audit: (returnId: number) => AuditEntry[];
  /** Inbox rows of the returns in dispute. */
  disputes: () => DisputeView['row'][];
  /** The operator's language, for the texts of the evidence pack. */
  locale?: () => PackLocale;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/** Thrown where the renderer asked for something impossible; the router answers with the code. */
export class EvidenceError extends Error {
  readonly bridgeCode: 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE';
  constructor(code: EvidenceError['bridgeCode'], message: string) {
    super(message);
    this.name = 'EvidenceError';
    this.bridgeCode = code;
  }
}

export class Evidence {
  readonly token = newMediaToken();
  /** Files main wrote this launch that the page may download (exports, evidence packs). */
  readonly downloads = new Downloads();
  readonly media: MediaStore;
  readonly photos: PhotoCache;
  readonly chats: ChatService;
  readonly dialogs: EvidenceDialogs | null;
  readonly #options: EvidenceOptions;

  constructor(options: EvidenceOptions) {
    this.#options = options;
    this.dialogs = options.dialogs ?? null;
    this.media = new MediaStore({ index: options.store.media, cacheDir: join(options.dataDir, 'cache'), maxBytes: options.cacheMaxBytes });
    this.photos = new PhotoCache({
      store: options.store,
      media: this.media,
      session: options.session,
      thumbs: new ThumbnailMaker(options.logger),
      logger: options.logger.child({ module: 'photos' }),
    });
    this.chats = new ChatService({ store: options.store, session: options.session });
  }

  /** The download link of a file main wrote (relative, with this launch's token). */
  offerDownload(path: string, mime: string): string {
    return this.downloads.offer(path, mime, this.token);
  }

  fileView(kind: MediaKind, file: MediaFile | null): MediaFileView | null {
    if (!file) return null;
    return { sha256: file.sha256, mime: file.mime, size: file.size, width: file.width, height: file.height, url: mediaUrl(kind, file.sha256, this.token) };
  }

  photoView(state: PhotoState): PhotoView {
    return {
      ...state,
      file: this.fileView('photo', state.file),
      thumb: this.fileView('thumb', state.thumb),
      screen: this.screenView(state.file, state.screen),
    };
  }

  /** The picture shown at screen size: the original's own URL when it is the original (one download, one decode). */
  screenView(file: MediaFile | null, screen: MediaFile | null, originalKind: MediaKind = 'photo'): MediaFileView | null {
    return this.fileView(screen && file && screen.sha256 === file.sha256 ? originalKind : 'screen', screen);
  }

  async application(returnId: number): Promise<ApplicationView> {
    const result = await this.photos.application(returnId, 'interactive');
    return {
      returnId,
      state: result.state,
      file: this.fileView('pdf', result.file),
      fileName: `return-application-${returnId}.pdf`,
      problem: result.problem,
      reason: result.reason,
    };
  }

  async applicationBytes(returnId: number): Promise<Buffer> {
    const result = await this.photos.application(returnId, 'interactive');
    if (!result.file) throw new EvidenceError(result.problem === 'unavailable' ? 'UNAVAILABLE' : 'NOT_FOUND', result.reason ?? 'No application.');
    return this.photos.read(result.file);
  }

  /** Desktop: a native "save as" for the application PDF. */
  async saveApplicationAs(returnId: number): Promise<{ saved: boolean; path: string | null }> {
    if (!this.dialogs) throw new EvidenceError('CONFLICT', 'There are no native dialogs in web mode: download the file from its link instead.');
    const bytes = await this.applicationBytes(returnId);
    const path = await this.dialogs.saveFile({ defaultPath: `return-application-${returnId}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    if (!path) return { saved: false, path: null };
    await writeFile(path, bytes);
    return { saved: true, path };
  }

  /** Returns in dispute, each with its arbitrage chat when the Market can be asked. */
  async disputes(): Promise<DisputeView[]> {
    const rows = this.#options.disputes();
    const out: DisputeView[] = [];
    for (const row of rows) {
      let arbitrageChat: ChatView | null = null;
      if (returnChatsSupported(row.placementType)) {
        try {
          arbitrageChat = (await this.chats.forReturn(row.returnId)).chats.find((c) => c.type === 'ARBITRAGE') ?? null;
        } catch {
          arbitrageChat = null;
        }
      }
      out.push({ row, arbitrageChat });
    }
    return out;
  }

  /**
   * Writes the evidence of one return as a folder: application, buyer photos, chat transcripts,
   * decision history and a manifest with each file's sha256, the texts in the operator's language.
   * Parts that cannot be had are listed. Without native dialogs (web mode) the folder is also packed
   * as one ZIP beside it and offered for download: the browser cannot open the serving machine's folder.
   */
  async savePack(returnId: number, destination: 'choose' | 'dataDir'): Promise<EvidencePack> {
    const locale = this.#options.locale?.() ?? 'en';
    const detail = this.#options.store.returnDetail(returnId);
    if (!detail) throw new EvidenceError('NOT_FOUND', `Return ${returnId} is not in the local store.`);
    const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
    const name = `${returnId}-${stamp}`;
    let parent = join(this.#options.dataDir, 'evidence');
    if (destination === 'choose') {
      if (!this.dialogs) throw new EvidenceError('CONFLICT', 'There are no native dialogs in web mode: the pack goes to the data folder.');
      const chosen = await this.dialogs.chooseFolder({ defaultPath: parent, title: `Evidence for return ${returnId}` });
      if (!chosen) return { saved: false, folder: null, files: [], missing: [], downloadUrl: null };
      parent = chosen;
    }
    const folder = join(parent, name);
    await mkdir(join(folder, 'photos'), { recursive: true });
    const files: Array<{ name: string; size: number; sha256?: string }> = [];
    const missing: string[] = [];
    const entries: ZipEntry[] = [];
    const put = async (relative: string, data: Buffer | string, sha256?: string): Promise<void> => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await writeFile(join(folder, relative), bytes);
      files.push({ name: relative, size: bytes.length, sha256 });
      entries.push({ name: `${name}/${relative}`, data: bytes });
    };
    const savedAt = Date.now();
    await put(locale === 'ru' ? 'ПРОЧТИТЕ.txt' : 'README.txt', packReadme(returnId, detail.return.orderId, savedAt, locale));

    const application = await this.photos.application(returnId, 'interactive');
    if (application.file) await put('application.pdf', this.photos.read(application.file), application.file.sha256);
    else if (application.state !== 'none') missing.push(missingPart('application', application.reason ?? 'unavailable', locale));

    const items = this.photos.list(returnId);
    for (const item of items) {
      for (const [index, photo] of item.photos.entries()) {
        const label = `item${item.idx + 1}-${item.shopSku}-${index + 1}`.replace(/[^A-Za-z0-9._-]/g, '_');
        const state = photo.itemId !== null ? await this.photos.ensurePhoto(returnId, photo.itemId, photo.imageHash, 'interactive', 'none') : photo;
        if (state.file) await put(`photos/${label}.${EXT[state.file.mime] ?? 'bin'}`, this.photos.read(state.file), state.file.sha256);
        else missing.push(missingPart('photo', `${label}: ${state.reason ?? 'unavailable'}`, locale));
      }
    }

    if (returnChatsSupported(detail.return.placementType)) {
      try {
        const { chats } = await this.chats.forReturn(returnId);
        for (const chat of chats) {
          const messages = await this.chats.history(returnId, chat.chatId);
          await put(`chat-${chat.chatId}-${chat.type.toLowerCase()}.txt`, chatTranscript(chat, messages, returnId, detail.return.orderId, locale));
        }
        if (chats.length === 0) missing.push(missingPart('noChat', '', locale));
      } catch (error) {
        missing.push(missingPart('chats', error instanceof Error ? error.message : String(error), locale));
      }
    }

    const audit = this.#options.audit(returnId);
    await put('decision-history.json', `${JSON.stringify(audit, null, 2)}\n`);
    await put('decision-history.txt', decisionHistory(returnId, audit, locale));
    const summary = {
      returnId,
      orderId: detail.return.orderId,
      campaignId: detail.return.campaignId,
      campaignName: detail.return.campaignName,
      returnType: detail.return.returnType,
      refundStatus: detail.return.refundStatus,
      createdAt: detail.return.createdAt,
      items: detail.items.map((i) => ({ shopSku: i.shopSku, name: i.name, count: i.count, decisions: i.decisions })),
      savedAt: new Date(savedAt).toISOString(),
    };
    await put('return.json', `${JSON.stringify(summary, null, 2)}\n`);
    await put('manifest.json', `${JSON.stringify({ folder: basename(folder), files, missing }, null, 2)}\n`);
    let downloadUrl: string | null = null;
    if (destination === 'dataDir') {
      const zipPath = `${folder}.zip`;
      await writeFile(zipPath, zipArchive(entries), { mode: 0o600 });
      downloadUrl = this.offerDownload(zipPath, 'application/zip');
    }
    return { saved: true, folder, files: files.map((f) => ({ name: f.name, size: f.size })), missing, downloadUrl };
  }

  async close(): Promise<void> {
    await this.photos.close();
  }
}

export { MediaError };
