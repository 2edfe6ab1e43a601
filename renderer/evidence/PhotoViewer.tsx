// Side-by-side photo viewer: 1, 2 or 4 panes, synchronised zoom and pan, rotation, full screen. Docked, it
// takes the inbox's place beside the decision; undocked, it covers the window.
// Pictures move with CSS transforms on one <img> each (no canvas redraws), so a 12 MP JPEG stays smooth.
import {
  useCallback,
  useEffect,
  useEffectEvent,
  useLayoutEffect,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type WheelEvent as ReactWheelEvent,
} from 'react';
import { screenOf, useBridge, useEvidenceStore, type ViewerSource } from './state.ts';
import { describeFile, problemKey } from './file-text.ts';
import { useI18n } from '../i18n/index.ts';

/** Zoom relative to "fit" (1 = the whole picture fills the pane), pan in CSS pixels, rotation in degrees. */
interface PaneView {
  zoom: number;
  x: number;
  y: number;
  rot: number;
}
const FIT: PaneView = { zoom: 1, x: 0, y: 0, rot: 0 };
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 64;
const clampZoom = (z: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

/** Scale at which the (rotated) picture fits the pane. */
function fitScale(source: ViewerSource, box: { w: number; h: number }, rot: number): number {
  if (!source.width || !source.height || !box.w || !box.h) return 1;
  const turned = rot % 180 !== 0;
  const w = turned ? source.height : source.width;
  const h = turned ? source.width : source.height;
  return Math.min(box.w / w, box.h / h);
}

export function PhotoViewer({ docked = false }: { docked?: boolean }) {
  const { t } = useI18n();
  const bridge = useBridge();
  const viewer = useEvidenceStore((s) => s.viewer);
  const { closeViewer, setPanes, showInPane, setActivePane, toggleSync, updateSource, addSources, setDocked } = useEvidenceStore.getState();
  const [catalogLoaded, setCatalogLoaded] = useState(false);
  const [views, setViews] = useState<PaneView[]>([FIT, FIT, FIT, FIT]);
  const boxes = useRef<Array<{ w: number; h: number }>>([
    { w: 0, h: 0 },
    { w: 0, h: 0 },
    { w: 0, h: 0 },
    { w: 0, h: 0 },
  ]);
  const root = useRef<HTMLDivElement>(null);
  const returnId = viewer.returnId;

  // Named when the list arrives: the list is fetched once per opening, not again when the language changes.
  const catalogLabel = useEffectEvent((shopSku: string) => `${t('evidence:catalog')} · ${shopSku}`);

  // Buyer photos not cached yet are fetched when a pane shows them; catalogue pictures join the list.
  useEffect(() => {
    if (!viewer.open || !bridge || returnId === null) return;
    let live = true;
    setCatalogLoaded(false);
    void bridge.photos.catalog({ returnId }).then((r) => {
      if (!live) return;
      setCatalogLoaded(true);
      if (!r.ok) return;
      addSources(
        r.value.flatMap((item) =>
          item.pictures
            .filter((p) => p.file)
            .map((p, i) => ({
              key: `catalog:${item.shopSku}:${i}`,
              label: catalogLabel(item.shopSku),
              shopSku: item.shopSku,
              url: p.file!.url,
              // A catalogue picture without its copy yet is shown as it is: main makes the copy for the next look.
              screenUrl: p.screen?.url ?? null,
              screenWidth: p.screen?.width ?? null,
              screenHeight: p.screen?.height ?? null,
              screenKnown: true,
              mime: p.file!.mime,
              width: p.file!.width,
              height: p.file!.height,
              size: p.file!.size,
              kind: 'catalog' as const,
            })),
        ),
      );
    });
    return () => {
      live = false;
    };
  }, [viewer.open, bridge, returnId, addSources]);

  const shown = viewer.paneSources.slice(0, viewer.panes);
  const shownKey = shown.join(',');
  useEffect(() => {
    if (!viewer.open || !bridge) return;
    for (const index of new Set(shownKey.split(',').map(Number))) {
      const source = viewer.sources[index];
      if (!source || (source.url && source.screenKnown) || !source.ref || (source.problem && source.problem !== 'unavailable')) continue;
      // The picture on screen goes first in main's queue: downloaded if need be, its screen-sized copy made.
      void bridge.photos.fetch({ ...source.ref, kind: 'view' }).then((r) => {
        if (!r.ok) return;
        const p = r.value;
        updateSource(index, {
          url: p.file?.url ?? null,
          thumbUrl: p.thumb?.url ?? null,
          thumbWidth: p.thumb?.width ?? null,
          thumbHeight: p.thumb?.height ?? null,
          ...screenOf(p),
          // Answered without a copy (it could not be made): the original is shown, with the reason below.
          screenKnown: p.state !== 'missing',
          mime: p.file?.mime ?? null,
          width: p.file?.width ?? null,
          height: p.file?.height ?? null,
          size: p.file?.size ?? null,
          problem: p.problem,
          reason: p.reason,
        });
      });
    }
  }, [viewer.open, bridge, viewer.sources, shownKey, updateSource]);

  useEffect(() => {
    if (viewer.open) setViews([FIT, FIT, FIT, FIT]);
  }, [viewer.open]);

  /**
   * Changes a pane's view; with sync on, every pane follows by the same factor and the same pan
   * (rotation stays per pane), so panes set to 1:1 each stay 1:1 while they zoom together.
   */
  const change = useCallback(
    (pane: number, next: (v: PaneView) => PaneView) => {
      setViews((prev) => {
        const before = prev[pane]!;
        const updated = next(before);
        if (!viewer.sync) return prev.map((v, i) => (i === pane ? updated : v));
        const factor = updated.zoom / before.zoom;
        // Only the panes on screen follow: a hidden pane keeps its view (1:1 skips them too).
        return prev.map((v, i) =>
          i === pane
            ? updated
            : i >= viewer.panes
              ? v
              : {
                  ...v,
                  zoom: clampZoom(v.zoom * factor),
                  x: v.x * factor + (updated.x - before.x * factor),
                  y: v.y * factor + (updated.y - before.y * factor),
                },
        );
      });
    },
    [viewer.sync, viewer.panes],
  );

  const zoomBy = useCallback(
    (pane: number, factor: number, at?: { x: number; y: number }) =>
      change(pane, (v) => {
        const zoom = clampZoom(v.zoom * factor);
        const k = zoom / v.zoom;
        const c = at ?? { x: 0, y: 0 };
        // Keep the point under the cursor where it is.
        return { ...v, zoom, x: c.x - k * (c.x - v.x), y: c.y - k * (c.y - v.y) };
      }),
    [change],
  );

  /** 1:1 is one screen pixel per picture pixel in each pane (with sync, in every pane at once), whatever the sizes. */
  const oneToOne = useCallback(
    (pane: number) => {
      setViews((prev) =>
        prev.map((v, i) => {
          if (i !== pane && !viewer.sync) return v;
          const source = viewer.sources[viewer.paneSources[i]!];
          if (!source || i >= viewer.panes) return v;
          return { ...v, zoom: clampZoom(1 / fitScale(source, boxes.current[i]!, v.rot)), x: 0, y: 0 };
        }),
      );
    },
    [viewer.sources, viewer.paneSources, viewer.panes, viewer.sync],
  );

  const fullScreen = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.().catch(() => undefined);
  }, []);

  // Reads the viewer as it is when the key comes: the listener is added once per opening, not after every zoom.
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    const pane = viewer.activePane;
    const count = viewer.sources.length;
    if (e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
    // Docked beside the form, the viewer answers only while it has the focus: the form keeps 1–9.
    if (docked && !root.current?.contains(document.activeElement)) return;
    let handled = true;
    switch (viewerKey(e)) {
      case 'ArrowRight':
        showInPane(pane, (viewer.paneSources[pane]! + 1) % count);
        break;
      case 'ArrowLeft':
        showInPane(pane, (viewer.paneSources[pane]! - 1 + count) % count);
        break;
      case '+':
      case '=':
        zoomBy(pane, 1.25);
        break;
      case '-':
      case '_':
        zoomBy(pane, 0.8);
        break;
      case '0':
        change(pane, (v) => ({ ...v, zoom: 1, x: 0, y: 0 }));
        break;
      case '1':
        oneToOne(pane);
        break;
      case 'r':
        change(pane, (v) => ({ ...v, rot: (v.rot + 90) % 360 }));
        break;
      case 's':
        toggleSync();
        break;
      case 'f':
        fullScreen();
        break;
      case 'Escape':
        if (document.fullscreenElement) handled = false;
        else closeViewer();
        break;
      default:
        handled = false;
    }
    if (handled) {
      // The inbox's own shortcuts (arrows, numbers) must not act behind the viewer.
      e.preventDefault();
      e.stopPropagation();
    }
  });
  useEffect(() => {
    if (!viewer.open) return;
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', listener, { capture: true });
    return () => window.removeEventListener('keydown', listener, { capture: true });
  }, [viewer.open]);

  useLayoutEffect(() => {
    if (viewer.open) root.current?.focus();
  }, [viewer.open]);

  if (!viewer.open) return null;
  const active = viewer.activePane;
  return (
    <div
      className={`ev-viewer${docked ? ' ev-viewer-docked' : ''}`}
      role={docked ? 'region' : 'dialog'}
      aria-modal={docked ? undefined : true}
      aria-label={t('evidence:viewer')}
      ref={root}
      tabIndex={-1}
      data-testid="viewer"
      data-panes={viewer.panes}
      data-sync={viewer.sync}
      data-docked={docked}
    >
      <div className="ev-toolbar" role="toolbar" aria-label={t('evidence:viewer')}>
        <span className="ev-toolbar-group" role="group" aria-label={t('evidence:panes')}>
          {([1, 2, 4] as const).map((n) => (
            <button key={n} type="button" className="ev-button" aria-pressed={viewer.panes === n} onClick={() => setPanes(n)} data-testid={`panes-${n}`}>
              {n}
            </button>
          ))}
        </span>
        <button type="button" className="ev-button" aria-pressed={viewer.sync} onClick={toggleSync} data-testid="sync">
          {t('evidence:sync')}
        </button>
        <button type="button" className="ev-button" onClick={() => zoomBy(active, 0.8)} aria-label={t('evidence:zoomOut')}>
          −
        </button>
        <button type="button" className="ev-button" onClick={() => zoomBy(active, 1.25)} aria-label={t('evidence:zoomIn')} data-testid="zoom-in">
          +
        </button>
        <button type="button" className="ev-button" onClick={() => change(active, (v) => ({ ...v, zoom: 1, x: 0, y: 0 }))}>
          {t('evidence:fit')}
        </button>
        <button type="button" className="ev-button" onClick={() => oneToOne(active)}>
          {t('evidence:oneToOne')}
        </button>
        <button type="button" className="ev-button" onClick={() => change(active, (v) => ({ ...v, rot: (v.rot + 90) % 360 }))} data-testid="rotate">
          {t('evidence:rotate')}
        </button>
        <button type="button" className="ev-button" onClick={fullScreen}>
          {t('evidence:fullScreen')}
        </button>
        <button type="button" className="ev-button" onClick={() => setDocked(!docked)} data-testid="viewer-dock">
          {docked ? t('evidence:undock') : t('evidence:dock')}
        </button>
        <span className="ev-keys muted">{t('evidence:keys')}</span>
        <button type="button" className="ev-button ev-close" onClick={closeViewer} data-testid="viewer-close">
          {t('evidence:close')}
        </button>
      </div>
      {viewer.compare && catalogLoaded && (
        <p className="ev-viewer-note" role="status" data-testid="no-catalog">
          {t('evidence:noCatalog')}
        </p>
      )}
      <div className={`ev-panes ev-panes-${viewer.panes}`}>
        {shown.map((sourceIndex, pane) => (
          <Pane
            key={pane}
            pane={pane}
            active={pane === active}
            source={viewer.sources[sourceIndex] ?? null}
            sourceIndex={sourceIndex}
            sources={viewer.sources}
            view={views[pane]!}
            onBox={(box) => (boxes.current[pane] = box)}
            onActivate={() => setActivePane(pane)}
            onChoose={(i) => showInPane(pane, i)}
            onZoom={(factor, at) => zoomBy(pane, factor, at)}
            onPan={(dx, dy) => change(pane, (v) => ({ ...v, x: v.x + dx, y: v.y + dy }))}
          />
        ))}
      </div>
    </div>
  );
}

interface PaneProps {
  pane: number;
  active: boolean;
  source: ViewerSource | null;
  sourceIndex: number;
  sources: ViewerSource[];
  view: PaneView;
  onBox: (box: { w: number; h: number }) => void;
  onActivate: () => void;
  onChoose: (index: number) => void;
  onZoom: (factor: number, at: { x: number; y: number }) => void;
  onPan: (dx: number, dy: number) => void;
}

function Pane({ pane, active, source, sourceIndex, sources, view, onBox, onActivate, onChoose, onZoom, onPan }: PaneProps) {
  const { t, locale } = useI18n();
  const stage = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ w: 0, h: 0 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  // The parent's latest handler, without observing the element again on every render.
  const reportBox = useEffectEvent((next: { w: number; h: number }) => onBox(next));

  useLayoutEffect(() => {
    const el = stage.current;
    if (!el) return;
    const measure = () => {
      const next = { w: el.clientWidth, h: el.clientHeight };
      setBox(next);
      reportBox(next);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const center = (e: { clientX: number; clientY: number }) => {
    const r = stage.current!.getBoundingClientRect();
    return { x: e.clientX - r.left - r.width / 2, y: e.clientY - r.top - r.height / 2 };
  };
  const onWheel = (e: ReactWheelEvent) => {
    onActivate();
    onZoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, center(e));
  };
  const onPointerDown = (e: ReactPointerEvent) => {
    onActivate();
    drag.current = { x: e.clientX, y: e.clientY };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    if (!drag.current) return;
    onPan(e.clientX - drag.current.x, e.clientY - drag.current.y);
    drag.current = { x: e.clientX, y: e.clientY };
  };

  const scale = source ? fitScale(source, box, view.rot) * view.zoom : 1;
  const [decodedUrl, setDecodedUrl] = useState<string | null>(null);
  const [originalFor, setOriginalFor] = useState<string | null>(null);
  const [originalDecoded, setOriginalDecoded] = useState<string | null>(null);
  /**
   * Each layer is boxed at its own pixels and scaled to the original's place: the compositor rasters a
   * will-change layer at its box size, so a 2133×1600 copy boxed as 4000×3000 cost as much as the original.
   */
  const layerStyle = (w: number | null | undefined, h: number | null | undefined) => {
    const width = w || source?.width || 0;
    const height = h || source?.height || 0;
    const k = scale * (Math.max(source?.width ?? 0, source?.height ?? 0) / Math.max(width, height, 1));
    return { width, height, transform: `translate(-50%, -50%) translate(${view.x}px, ${view.y}px) rotate(${view.rot}deg) scale(${k})` };
  };
  const original = source?.url ?? null;
  // The picture judged at screen size: the screen-sized copy, or the original once main said there is none.
  const base = original ? (source?.screenUrl ?? (source?.screenKnown ? original : null)) : null;
  const copyShare =
    base !== original && source?.width && source.height && source.screenWidth && source.screenHeight
      ? Math.max(source.screenWidth, source.screenHeight) / Math.max(source.width, source.height)
      : 1;
  // Zoomed past the copy's own pixels (1:1, a large screen): the original is loaded over it, and stays for this picture.
  // (Only once the pane is measured: before that the scale is a stand-in 1.)
  if (original && base && base !== original && originalFor !== original && box.w > 0 && box.h > 0 && scale * window.devicePixelRatio > copyShare * 1.01)
    setOriginalFor(original);
  const showOriginal = original !== null && base !== original && originalFor === original;
  const originalShown = showOriginal && originalDecoded === original;
  const broken = source?.problem && source.problem !== 'unavailable';
  const shownNote = !base
    ? null
    : base === original || originalShown
      ? t('evidence:shownOriginal')
      : showOriginal
        ? t('evidence:loadingOriginal')
        : t('evidence:shownCopy', { size: `${source?.screenWidth ?? 0}×${source?.screenHeight ?? 0}` });
  return (
    <figure
      className={`ev-pane${active ? ' ev-pane-active' : ''}`}
      data-testid="viewer-pane"
      data-pane={pane}
      data-source={source?.key ?? ''}
      data-zoom={view.zoom.toFixed(3)}
      data-rot={view.rot}
      onClick={onActivate}
    >
      <div
        className="ev-stage"
        ref={stage}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
      >
        {original && source?.width && source.height ? (
          <>
            {/* Progressive: the thumbnail, scaled to the same box, until the screen-sized picture is decoded on top of it. */}
            {source.thumbUrl && (!base || decodedUrl !== base) ? (
              <img
                key={`preview:${source.thumbUrl}`}
                src={source.thumbUrl}
                alt=""
                aria-hidden="true"
                draggable={false}
                className="ev-image ev-image-preview"
                data-testid="viewer-preview"
                style={layerStyle(source.thumbWidth, source.thumbHeight)}
                onLoad={(e) => (e.currentTarget.dataset.shownAt = String(performance.now()))}
              />
            ) : null}
            {!base && !source.thumbUrl ? <p className="ev-pane-wait muted">{t('evidence:loading')}</p> : null}
            {base ? (
              <img
                key={base}
                src={base}
                alt={source.label}
                draggable={false}
                decoding="async"
                className="ev-image"
                data-testid="viewer-image"
                data-variant={base === original ? 'original' : 'screen'}
                style={base === original ? layerStyle(source.width, source.height) : layerStyle(source.screenWidth, source.screenHeight)}
                onLoad={(e) =>
                  // decode() finishes off the main thread; only then does the preview give way.
                  afterDecode(e.currentTarget, (img) => {
                    setDecodedUrl(base);
                    // The frame after the decode is the one that paints it: its end is what the operator sees.
                    requestAnimationFrame(() => setTimeout(() => (img.dataset.paintedAt = String(performance.now())), 0));
                  })
                }
              />
            ) : null}
            {showOriginal ? (
              <img
                key={`original:${original}`}
                src={original}
                alt=""
                aria-hidden="true"
                draggable={false}
                decoding="async"
                className="ev-image"
                data-testid="viewer-original"
                style={{ ...layerStyle(source.width, source.height), visibility: originalShown ? 'visible' : 'hidden' }}
                onLoad={(e) =>
                  // Hidden until decoded: the screen-sized copy stays sharp-enough underneath meanwhile.
                  afterDecode(e.currentTarget, () => setOriginalDecoded(original))
                }
              />
            ) : null}
          </>
        ) : broken ? (
          <p className="ev-pane-broken" role="img" aria-label={source?.reason ?? ''}>
            ⊘ {t(problemKey(source?.problem ?? null))}
            <br />
            <span className="muted">{source?.reason}</span>
          </p>
        ) : (
          <p className="ev-pane-wait muted">{source?.problem === 'unavailable' ? t('evidence:offline') : t('evidence:loading')}</p>
        )}
      </div>
      <figcaption className="ev-caption">
        <select
          value={sourceIndex}
          onChange={(e) => onChoose(Number(e.target.value))}
          aria-label={t('evidence:choosePhoto', { n: pane + 1 })}
          data-testid="pane-source"
        >
          {[...new Set(sources.map((s) => s.shopSku))].map((sku) => (
            <optgroup key={sku} label={sku}>
              {sources.map((s, i) =>
                s.shopSku === sku ? (
                  <option key={s.key} value={i}>
                    {s.label}
                  </option>
                ) : null,
              )}
            </optgroup>
          ))}
        </select>
        <span className="muted" data-testid="pane-info">
          {source?.mime && source.size !== null
            ? describeFile({ width: source.width, height: source.height, mime: source.mime, size: source.size }, t, locale)
            : ''}
          {` · ${Math.round(scale * 100)}%`}
        </span>
        {shownNote && (
          <span className="muted" data-testid="pane-shown" data-variant={base === original || originalShown ? 'original' : showOriginal ? 'loading' : 'screen'}>
            {shownNote}
          </span>
        )}
        {original && source?.reason ? (
          <span className="ev-pane-note" role="note" data-testid="pane-note">
            ⚠ {source.reason}
          </span>
        ) : null}
        {original && source?.mime && (
          <a className="link small" href={original} download={downloadName(source)} data-testid="download-original">
            {t('evidence:downloadOriginal')}
          </a>
        )}
      </figcaption>
    </figure>
  );
}

/** The original's file name when downloaded: the picture's key, with the extension of its type. */
/** Runs `then` once the loaded picture is decoded (or could not be), stamping when for the viewer benchmark. */
function afterDecode(img: HTMLImageElement, then: (img: HTMLImageElement) => void): void {
  void img
    .decode()
    .catch(() => undefined)
    .then(() => {
      img.dataset.decodedAt = String(performance.now());
      then(img);
    });
}

function downloadName(source: ViewerSource): string {
  return `${source.key.replace(/[^A-Za-z0-9._-]+/g, '-')}.${source.mime === 'image/png' ? 'png' : 'jpg'}`;
}

/** The viewer's keys by their physical place (KeyboardEvent.code), so R, S and F work on the Russian layout too. */
function viewerKey(e: KeyboardEvent): string {
  switch (e.code) {
    case 'KeyR':
      return 'r';
    case 'KeyS':
      return 's';
    case 'KeyF':
      return 'f';
    case 'Digit0':
    case 'Numpad0':
      return '0';
    case 'Digit1':
    case 'Numpad1':
      return '1';
    case 'NumpadAdd':
      return '+';
    case 'NumpadSubtract':
      return '-';
    default:
      return e.key;
  }
}
