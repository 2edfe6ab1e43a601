/** Handlers of the evidence channels: photos, catalogue pictures, application, chats, disputes. */
import type { Evidence } from '../evidence/evidence.ts';
import type { Handlers } from './router.ts';

type EvidenceChannel =
  | 'media.token'
  | 'photos.list'
  | 'photos.fetch'
  | 'photos.prefetch'
  | 'photos.catalog'
  | 'application.get'
  | 'application.data'
  | 'application.saveAs'
  | 'chats.forReturn'
  | 'chats.open'
  | 'chats.history'
  | 'chats.send'
  | 'chats.sendPhoto'
  | 'disputes.list'
  | 'evidence.savePack';

/** The evidence channels over the Evidence service (created once in services.ts). */
export function createEvidenceHandlers(evidence: () => Evidence): Pick<Handlers, EvidenceChannel> {
  return {
    'media.token': () => ({ token: evidence().token }),
    'photos.list': ({ returnId }) => {
      const e = evidence();
      return {
        returnId,
        items: e.photos.list(returnId).map((item) => ({ ...item, photos: item.photos.map((p) => e.photoView(p)) })),
      };
    },
    'photos.fetch': async ({ returnId, itemId, imageHash, kind }) => {
      const e = evidence();
      // The filmstrip waits for the thumbnail (the screen-sized copy is queued behind it), the gallery then for
      // the copy; the viewer for the copy it shows, made ahead of everything else; 'photo' only for the download.
      const screen = kind === 'thumb' || kind === 'photo' ? 'later' : kind === 'view' ? 'viewer' : 'await';
      const state = await e.photos.ensurePhoto(returnId, itemId, imageHash, 'interactive', kind === 'thumb' ? 'await' : 'later', screen);
      return e.photoView(state);
    },
    'photos.prefetch': ({ returnIds }) => ({ queued: evidence().photos.prefetch(returnIds) }),
    'photos.catalog': async ({ returnId }) => {
      const e = evidence();
      const items = await e.photos.catalog(returnId, 'interactive');
      return items.map((item) => ({
        shopSku: item.shopSku,
        pictures: item.pictures.map((p) => ({
          file: e.fileView('catalog', p.file),
          screen: e.screenView(p.file, p.screen, 'catalog'),
          problem: p.problem,
          reason: p.reason,
        })),
      }));
    },
    'application.get': ({ returnId }) => evidence().application(returnId),
    'application.data': async ({ returnId }) => ({ base64: (await evidence().applicationBytes(returnId)).toString('base64') }),
    'application.saveAs': ({ returnId }) => evidence().saveApplicationAs(returnId),
    'chats.forReturn': ({ returnId }) => evidence().chats.forReturn(returnId),
    'chats.open': ({ returnId }) => evidence().chats.open(returnId),
    'chats.history': ({ returnId, chatId }) => evidence().chats.history(returnId, chatId),
    'chats.send': ({ returnId, chatId, text }) => evidence().chats.send(returnId, chatId, text),
    'chats.sendPhoto': async ({ returnId, chatId, itemId, imageHash }) => {
      const e = evidence();
      const state = await e.photos.ensurePhoto(returnId, itemId, imageHash, 'interactive', 'none');
      if (!state.file) throw Object.assign(new Error(state.reason ?? 'The photo is not available.'), { bridgeCode: 'UNAVAILABLE' as const });
      const ext = state.file.mime === 'image/png' ? 'png' : 'jpg';
      return e.chats.sendFile(returnId, chatId, { name: `return-${returnId}-photo.${ext}`, mime: state.file.mime, data: e.photos.read(state.file) });
    },
    'disputes.list': () => evidence().disputes(),
    'evidence.savePack': ({ returnId, destination }) => evidence().savePack(returnId, destination),
  };
}
