// The open return's evidence: per-item photo filmstrips, the application PDF, chats, the dispute banner and the evidence pack.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ItemPhotos, PhotoView, ReturnDetail } from '../../preload/contract.ts';
import { useAppStore } from '../state/store.ts';
import { ApplicationCard } from './ApplicationCard.tsx';
import { ChatPanel } from './ChatPanel.tsx';
import { SavePackButton } from './SavePackButton.tsx';
import { useBridge, useEvidenceStore, type ViewerSource } from './state.ts';
import { problemKey, useEvidenceText } from './texts.ts';
import './evidence.css';

const DISPUTE = 'PREMODERATION_DISPUTE';
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
        url: p.file?.url ?? null,
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

export function EvidenceSection({ detail }: { detail: ReturnDetail }) {
  const { et } = useEvidenceText();
  const bridge = useBridge();
  const returnId = detail.row.returnId;
  const [items, setItems] = useState<ItemPhotos[] | null>(null);
  const openViewer = useEvidenceStore((s) => s.openViewer);
  const setDisputesOpen = useEvidenceStore((s) => s.setDisputesOpen);
  const alive = useRef(returnId);

  const setPhoto = useCallback((itemIdx: number, photo: PhotoView) => {
    setItems((prev) => prev?.map((item) => (item.idx !== itemIdx ? item : { ...item, photos: item.photos.map((p) => (p.imageHash === photo.imageHash ? photo : p)) })) ?? prev);
  }, []);

  useEffect(() => {
    alive.current = returnId;
    setItems(null);
    if (!bridge) return;
    void (async () => {
      const listed = await bridge.photos.list({ returnId });
      if (!listed.ok || alive.current !== returnId) return;
      setItems(listed.value.items);
      // Thumbnails of what the operator opened: fetched at interactive priority, one request each.
      for (const item of listed.value.items) {
        for (const photo of item.photos) {
          if (photo.itemId === null || (photo.state === 'cached' && photo.thumb) || (photo.state === 'failed' && photo.problem !== 'unavailable')) continue;
          void bridge.photos.fetch({ returnId, itemId: photo.itemId, imageHash: photo.imageHash, kind: 'thumb' }).then((r) => {
            if (r.ok && alive.current === returnId) setPhoto(item.idx, r.value);
          });
        }
      }
      // Then the next returns of the inbox, in the background.
      const { inbox } = useAppStore.getState();
      const rows = Object.keys(inbox.pages)
        .map(Number)
        .sort((a, b) => a - b)
        .flatMap((page) => inbox.pages[page] ?? []);
      const at = rows.findIndex((r) => r.returnId === returnId);
      const next = rows.slice(at + 1, at + 1 + PREFETCH_AHEAD).filter((r) => r.photoCount > 0).map((r) => r.returnId);
      if (next.length) void bridge.photos.prefetch({ returnIds: next });
    })();
  }, [bridge, returnId, setPhoto]);

  const open = (start: number, panes: 1 | 2 | 4 = 1) => {
    if (!items) return;
    openViewer(returnId, photoSources(returnId, items, (n) => et('photoN', { n })), start, panes);
  };

  const inDispute = detail.row.refundStatus === DISPUTE;
  const total = items?.reduce((n, i) => n + i.photos.length, 0) ?? 0;
  let offset = 0;
  return (
    <section className="section ev-section" aria-labelledby="ev-title" data-testid="evidence">
      <h2 className="section-title ev-title" id="ev-title">
        {et('section')}
        <span className="ev-head-actions">
          {total > 1 && (
            <button type="button" className="ev-button" onClick={() => open(0, 2)} data-testid="compare">
              {et('compare')}
            </button>
          )}
          <button type="button" className="ev-button" onClick={() => setDisputesOpen(true)} data-testid="open-disputes">
            {et('disputeWorkspace')}
          </button>
        </span>
      </h2>
      {inDispute && (
        <p className="ev-dispute-banner" role="note" data-testid="dispute-banner">
          {et('disputeBanner')}
        </p>
      )}
      {items === null ? (
        <p className="muted">{et('loading')}</p>
      ) : (
        items.map((item) => {
          const start = offset;
          offset += item.photos.length;
          return <Filmstrip key={item.idx} item={item} onOpen={(i) => open(start + i)} />;
        })
      )}
      {detail.row.returnType !== 'UNREDEEMED' && <ApplicationCard returnId={returnId} />}
      <ChatPanel detail={detail} prominentArbitrage={inDispute} />
      <SavePackButton returnId={returnId} />
    </section>
  );
}

function Filmstrip({ item, onOpen }: { item: ItemPhotos; onOpen: (index: number) => void }) {
  const { et, locale } = useEvidenceText();
  const done = item.photos.filter((p) => p.state === 'cached').length;
  const name = item.name ?? item.shopSku;
  return (
    <div className="ev-item" data-testid="gallery">
      <p className="ev-item-head">
        <span className="ev-item-name">{name}</span>
        <span className="muted" data-testid="gallery-count">
          {item.photos.length === 0 ? et('noPhotos') : `${et('photoCount', { count: item.photos.length })}${done < item.photos.length ? ` · ${et('loaded', { done, count: item.photos.length })}` : ''}`}
        </span>
      </p>
      {item.photos.length > 0 && (
        <ul className="ev-strip" aria-label={`${et('photosOf')}: ${name}`}>
          {item.photos.map((photo, i) => (
            <li key={photo.imageHash}>
              <PhotoTile photo={photo} label={et('openViewer', { n: i + 1, item: name })} onOpen={() => onOpen(i)} locale={locale} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function PhotoTile({ photo, label, onOpen }: { photo: PhotoView; label: string; onOpen: () => void; locale: 'ru' | 'en' }) {
  const { et } = useEvidenceText();
  if (photo.state === 'failed' && photo.problem !== 'unavailable') {
    return (
      <div className="ev-tile ev-tile-broken" data-testid="photo-tile" data-image-hash={photo.imageHash} data-state="failed" data-problem={photo.problem ?? ''} title={photo.reason ?? ''} role="img" aria-label={`${et('broken')}: ${photo.reason ?? ''}`}>
        <span className="ev-broken-icon" aria-hidden="true">⊘</span>
        <span className="ev-broken-text">{et(problemKey(photo.problem))}</span>
      </div>
    );
  }
  // Until the thumbnail is made, the cached photo itself is shown small (the browser scales it).
  const src = photo.thumb?.url ?? photo.file?.url ?? null;
  return (
    <button type="button" className="ev-tile" onClick={onOpen} aria-label={label} data-testid="photo-tile" data-image-hash={photo.imageHash} data-state={photo.state} title={photo.reason ?? undefined}>
      {src ? <img src={src} alt="" loading="lazy" decoding="async" draggable={false} /> : <span className={`ev-tile-wait${photo.problem === 'unavailable' ? ' ev-tile-offline' : ''}`}>{photo.problem === 'unavailable' ? et('offline') : ''}</span>}
    </button>
  );
}
