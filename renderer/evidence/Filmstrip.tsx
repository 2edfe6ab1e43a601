// One item's buyer photos as thumbnails: the first few, and a "+3" that opens the rest.
import type { ItemPhotos, PhotoView } from '../../preload/contract.ts';
import { problemKey } from './file-text.ts';
import { useI18n } from '../i18n/index.ts';

/** Thumbnails shown per item before the rest fold into "+N". */
export const FILMSTRIP_LIMIT = 5;

export function Filmstrip({ item, onOpen, onCompare }: { item: ItemPhotos; onOpen: (index: number) => void; onCompare?: () => void }) {
  const { t } = useI18n();
  const count = item.photos.length;
  const done = item.photos.filter((p) => p.state === 'cached').length;
  const name = item.name ?? item.shopSku;
  const shown = item.photos.slice(0, FILMSTRIP_LIMIT);
  const hidden = count - shown.length;
  return (
    <div className="ev-item" data-testid="gallery">
      <p className="ev-item-head">
        <span className="muted" data-testid="gallery-count">
          {count === 0 ? t('evidence:noPhotos') : hidden > 0 ? t('evidence:photosShown', { shown: shown.length, count }) : t('evidence:photoCount', { count })}
          {count > 0 && done < count ? ` · ${t('evidence:loaded', { done, count })}` : ''}
        </span>
        {onCompare && count > 0 && (
          <button type="button" className="link small" onClick={onCompare} data-testid="compare">
            {t('evidence:compareCatalog')}
          </button>
        )}
      </p>
      {count > 0 && (
        <ul className="ev-strip" aria-label={`${t('evidence:photosOf')}: ${name}`}>
          {shown.map((photo, i) => (
            <li key={photo.imageHash}>
              <PhotoTile photo={photo} label={t('evidence:openViewer', { n: i + 1, item: name })} onOpen={() => onOpen(i)} />
            </li>
          ))}
          {hidden > 0 && (
            <li>
              <button
                type="button"
                className="ev-tile ev-tile-more"
                onClick={() => onOpen(shown.length)}
                aria-label={t('evidence:morePhotos', { count: hidden })}
                data-testid="photos-more"
              >
                +{hidden}
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

function PhotoTile({ photo, label, onOpen }: { photo: PhotoView; label: string; onOpen: () => void }) {
  const { t } = useI18n();
  if (photo.state === 'failed' && photo.problem !== 'unavailable') {
    return (
      <div
        className="ev-tile ev-tile-broken"
        data-testid="photo-tile"
        data-image-hash={photo.imageHash}
        data-state="failed"
        data-problem={photo.problem ?? ''}
        title={photo.reason ?? ''}
        role="img"
        aria-label={`${t('evidence:broken')}: ${photo.reason ?? ''}`}
      >
        <span className="ev-broken-icon" aria-hidden="true">
          ⊘
        </span>
        <span className="ev-broken-text">{t(problemKey(photo.problem))}</span>
      </div>
    );
  }
  // Until the thumbnail is made, the cached photo itself is shown small (the browser scales it).
  const src = photo.thumb?.url ?? photo.file?.url ?? null;
  return (
    <button
      type="button"
      className="ev-tile"
      onClick={onOpen}
      aria-label={photo.state === 'cached' && photo.reason ? `${label}: ${photo.reason}` : label}
      data-testid="photo-tile"
      data-image-hash={photo.imageHash}
      data-state={photo.state}
      data-screen={photo.screen ? 'ready' : undefined}
      title={photo.reason ?? undefined}
    >
      {src ? (
        <>
          <img src={src} alt="" loading="lazy" decoding="async" draggable={false} />
          {/* A cached photo that may not show right (damaged data) says so on its tile; the words are in the title. */}
          {photo.state === 'cached' && photo.reason ? (
            <span className="ev-tile-note" data-testid="photo-note" aria-hidden="true">
              ⚠
            </span>
          ) : null}
        </>
      ) : (
        <span className={`ev-tile-wait${photo.problem === 'unavailable' ? ' ev-tile-offline' : ''}`}>
          {photo.problem === 'unavailable' ? t('evidence:offline') : ''}
        </span>
      )}
    </button>
  );
}
