// The open return's buyer photos: listed once, thumbnails fetched, the next returns prefetched, the viewer opened on them.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ItemPhotos, PhotoView } from '../../preload/contract.ts';
import { loadedInboxRows } from '../state/queries.ts';
import { screenOf, useBridge, useEvidenceStore, type ViewerSource } from './state.ts';
import { useI18n } from '../i18n/index.ts';

/** How many of the next inbox rows get their photos fetched in the background. */
const PREFETCH_AHEAD = 5;

/** Viewer sources from the gallery's photos, in item order. */
export function photoSources(returnId: number, items: ItemPhotos[], label: (n: number) => string): ViewerSource[] {
  let n = 0;
  return items.flatMap((item) =>
    item.photos.map((p) => {
      n++;
      return {
        key: `photo:${item.idx}:${p.imageHash}`,
        label: `${label(n)} · ${item.name ?? item.shopSku}`,
        shopSku: item.shopSku,
        url: p.file?.url ?? null,
        thumbUrl: p.thumb?.url ?? null,
        thumbWidth: p.thumb?.width ?? null,
        thumbHeight: p.thumb?.height ?? null,
        ...screenOf(p),
        mime: p.file?.mime ?? null,
        width: p.file?.width ?? null,
        height: p.file?.height ?? null,
        size: p.file?.size ?? null,
        kind: 'photo' as const,
        ref: p.itemId !== null ? { returnId, itemId: p.itemId, imageHash: p.imageHash } : undefined,
        problem: p.problem,
        reason: p.reason,
      };
    }),
  );
}

export interface ReturnPhotos {
  /** Per item, in item order; null while listing. */
  items: ItemPhotos[] | null;
  /** Opens the viewer on a photo of an item; `compare` puts the item's catalogue picture beside it. */
  open(itemIdx: number, photoIndex: number, options?: { compare?: boolean }): void;
}

/** The photos of one return for the gallery and the viewer (read once per opened return). */
export function useReturnPhotos(returnId: number): ReturnPhotos {
  const { t } = useI18n();
  const bridge = useBridge();
  const [items, setItems] = useState<ItemPhotos[] | null>(null);
  const openViewer = useEvidenceStore((s) => s.openViewer);
  const alive = useRef(returnId);
  /**
   * The open return's screen-sized copies, loaded (not decoded) as soon as they are made: a click then
   * only decodes. Held while the return is open so the browser keeps them; about 0.5 MB each.
   */
  const loaded = useRef(new Map<string, HTMLImageElement>());
  useEffect(() => {
    const held = loaded.current;
    for (const photo of items?.flatMap((i) => i.photos) ?? []) {
      const url = photo.screen?.url;
      if (!url || held.has(url)) continue;
      const img = new Image();
      img.src = url;
      held.set(url, img);
    }
  }, [items]);
  useEffect(() => {
    const held = loaded.current;
    return () => held.clear();
  }, [returnId]);

  const setPhoto = useCallback((itemIdx: number, photo: PhotoView) => {
    setItems(
      (prev) =>
        prev?.map((item) => (item.idx !== itemIdx ? item : { ...item, photos: item.photos.map((p) => (p.imageHash === photo.imageHash ? photo : p)) })) ?? prev,
    );
  }, []);

  useEffect(() => {
    alive.current = returnId;
    setItems(null);
    if (!bridge) return;
    void (async () => {
      const listed = await bridge.photos.list({ returnId });
      if (!listed.ok || alive.current !== returnId) return;
      setItems(listed.value.items);
      // Thumbnails of what the operator opened, then their screen-sized copies (main makes them in that
      // order): fetched at interactive priority, so a click on a photo finds its copy made.
      for (const item of listed.value.items) {
        for (const photo of item.photos) {
          if (
            photo.itemId === null ||
            (photo.state === 'cached' && photo.thumb && photo.screen) ||
            (photo.state === 'failed' && photo.problem !== 'unavailable')
          )
            continue;
          const ask = { returnId, itemId: photo.itemId, imageHash: photo.imageHash };
          void bridge.photos.fetch({ ...ask, kind: photo.state === 'cached' && photo.thumb ? 'screen' : 'thumb' }).then(async (r) => {
            if (!r.ok || alive.current !== returnId) return;
            setPhoto(item.idx, r.value);
            if (r.value.state !== 'cached' || r.value.screen) return;
            const copied = await bridge.photos.fetch({ ...ask, kind: 'screen' });
            if (copied.ok && alive.current === returnId) setPhoto(item.idx, copied.value);
          });
        }
      }
      // Then the next returns of the inbox, in the background.
      const rows = loadedInboxRows().map(({ row }) => row);
      const at = rows.findIndex((r) => r.returnId === returnId);
      const next = rows
        .slice(at + 1, at + 1 + PREFETCH_AHEAD)
        .filter((r) => r.photoCount > 0)
        .map((r) => r.returnId);
      if (next.length) void bridge.photos.prefetch({ returnIds: next });
    })();
  }, [bridge, returnId, setPhoto]);

  const open = (itemIdx: number, photoIndex: number, options: { compare?: boolean } = {}) => {
    if (!items) return;
    let start = 0;
    for (const item of items) {
      if (item.idx === itemIdx) break;
      start += item.photos.length;
    }
    openViewer(
      returnId,
      photoSources(returnId, items, (n) => t('evidence:photoN', { n })),
      start + photoIndex,
      options.compare ? 2 : 1,
      { compare: options.compare ?? false },
    );
  };
  return { items, open };
}
