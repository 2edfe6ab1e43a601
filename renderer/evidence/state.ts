// Evidence UI state: the media token, the photo viewer (sources and panes) and the dispute workspace.
import { create } from 'zustand';
import type { PhotoView } from '../../preload/contract.ts';

/** One picture the viewer can show: a buyer photo or a catalogue picture. */
export interface ViewerSource {
  key: string;
  label: string;
  /** Media URL when cached; null until photos.fetch has run. */
  url: string | null;
  /** The cached thumbnail's URL: shown scaled up at once, until the screen-sized picture is decoded. */
  thumbUrl?: string | null;
  thumbWidth?: number | null;
  thumbHeight?: number | null;
  /** The picture shown at screen size (a copy within 2560×1600, or `url` itself); null until main has made it. */
  screenUrl?: string | null;
  screenWidth?: number | null;
  screenHeight?: number | null;
  /** Main has answered for the screen-sized picture: without one, the original is shown. */
  screenKnown?: boolean;
  mime: string | null;
  width: number | null;
  height: number | null;
  size: number | null;
  kind: 'photo' | 'catalog';
  /** The item the picture belongs to: groups the choice of pictures and pairs a photo with its catalogue picture. */
  shopSku: string;
  /** For buyer photos: what photos.fetch needs. */
  ref?: { returnId: number; itemId: number; imageHash: string };
  problem?: string | null;
  reason?: string | null;
}

/** The viewer's screen-sized picture of a photo as main answered it. */
export function screenOf(p: PhotoView): Pick<ViewerSource, 'screenUrl' | 'screenWidth' | 'screenHeight' | 'screenKnown'> {
  return { screenUrl: p.screen?.url ?? null, screenWidth: p.screen?.width ?? null, screenHeight: p.screen?.height ?? null, screenKnown: p.screen !== null };
}

interface EvidenceState {
  viewer: {
    open: boolean;
    returnId: number | null;
    sources: ViewerSource[];
    panes: 1 | 2 | 4;
    paneSources: number[];
    activePane: number;
    sync: boolean;
    /** Beside the decision (in place of the inbox list) rather than over the whole window. */
    docked: boolean;
    /** Opened to compare a buyer photo with the catalogue picture: pane 2 takes that picture when it arrives. */
    compare: boolean;
  };
  disputesOpen: boolean;
  openViewer(returnId: number, sources: ViewerSource[], start: number, panes?: 1 | 2 | 4, options?: { compare?: boolean }): void;
  setDocked(docked: boolean): void;
  closeViewer(): void;
  setPanes(panes: 1 | 2 | 4): void;
  showInPane(pane: number, source: number): void;
  setActivePane(pane: number): void;
  toggleSync(): void;
  updateSource(index: number, patch: Partial<ViewerSource>): void;
  addSources(sources: ViewerSource[]): void;
  setDisputesOpen(open: boolean): void;
}

export const useEvidenceStore = create<EvidenceState>()((set) => ({
  viewer: { open: false, returnId: null, sources: [], panes: 1, paneSources: [0, 1, 2, 3], activePane: 0, sync: true, docked: true, compare: false },
  disputesOpen: false,
  openViewer: (returnId, sources, start, panes = 1, options = {}) =>
    set((s) => ({
      viewer: {
        open: true,
        returnId,
        sources,
        panes,
        paneSources: [0, 1, 2, 3].map((i) => (start + i) % Math.max(1, sources.length)),
        activePane: 0,
        sync: true,
        // Where the operator last wanted it: docked beside the decision unless they chose full screen.
        docked: s.viewer.docked,
        compare: options.compare ?? false,
      },
    })),
  setDocked: (docked) => set((s) => ({ viewer: { ...s.viewer, docked } })),
  closeViewer: () => set((s) => ({ viewer: { ...s.viewer, open: false } })),
  setPanes: (panes) => set((s) => ({ viewer: { ...s.viewer, panes, activePane: Math.min(s.viewer.activePane, panes - 1) } })),
  // The operator's own choice of picture wins over the catalogue picture that may still arrive.
  showInPane: (pane, source) =>
    set((s) => ({ viewer: { ...s.viewer, compare: false, paneSources: s.viewer.paneSources.map((v, i) => (i === pane ? source : v)) } })),
  setActivePane: (pane) => set((s) => ({ viewer: { ...s.viewer, activePane: pane } })),
  toggleSync: () => set((s) => ({ viewer: { ...s.viewer, sync: !s.viewer.sync } })),
  updateSource: (index, patch) =>
    set((s) => ({ viewer: { ...s.viewer, sources: s.viewer.sources.map((src, i) => (i === index ? { ...src, ...patch } : src)) } })),
  addSources: (sources) =>
    set((s) => {
      const known = new Set(s.viewer.sources.map((x) => x.key));
      const all = [...s.viewer.sources, ...sources.filter((x) => !known.has(x.key))];
      let paneSources = s.viewer.paneSources;
      if (s.viewer.compare) {
        // Buyer photo against the catalogue picture of the same item, as soon as that picture is known.
        const shown = s.viewer.sources[paneSources[0]!];
        const catalog = all.findIndex((x) => x.kind === 'catalog' && x.shopSku === shown?.shopSku);
        if (catalog >= 0) paneSources = paneSources.map((v, i) => (i === 1 ? catalog : v));
      }
      return { viewer: { ...s.viewer, sources: all, paneSources, compare: s.viewer.compare && paneSources === s.viewer.paneSources } };
    }),
  setDisputesOpen: (disputesOpen) => set({ disputesOpen }),
}));

export { useBridge } from '../state/bridge.ts';
