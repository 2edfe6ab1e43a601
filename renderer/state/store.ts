import { create } from 'zustand';
import type { AppInfo, AvailableDecisions, BridgeError, InboxFilter, OutboxEntry, ReturnDetail, Settings } from '../../preload/contract.ts';
import type { ConnectionState } from '../bridge/websocket.ts';
import { EMPTY_ITEM_FORM, type ItemForm } from '../lib/draft-form.ts';
import { filterKey, loadInboxPrefs, normalizeFilter, saveInboxPrefs, type PrefsStorage } from '../lib/inbox-prefs.ts';

/** A value read from main: what came back, or why it did not. */
export interface Loadable<T> {
  data: T | null;
  error: BridgeError | null;
  loading: boolean;
}
const idle = <T>(): Loadable<T> => ({ data: null, error: null, loading: false });

/** The decision being composed for the open return. */
export interface DecisionForm {
  returnId: number;
  items: Record<number, ItemForm>;
  /** Index into the available items: number keys act on this one. */
  activeItem: number;
  /** Set while editing a queued decision instead of making a new one. */
  editingOutboxId: number | null;
  /** Server-side field errors from the last submit (INVALID_ARGUMENTS). */
  submitError: BridgeError | null;
  submitting: boolean;
}

/** UI state: what the operator is looking at and composing. What main serves is in queries.ts. */
export interface AppState {
  connection: ConnectionState | 'no-token';
  info: AppInfo | null;
  settings: Settings | null;
  /** Last bridge error worth showing, with what was being done. */
  lastError: { action: string; error: BridgeError } | null;

  view: 'inbox' | 'settings' | 'analytics';
  helpOpen: boolean;

  filter: InboxFilter;
  /** Index of the row the keyboard is on. */
  cursor: number;
  selectedReturnId: number | null;
  /** Bumped to ask the search box to take focus. */
  searchFocusSeq: number;

  detail: Loadable<ReturnDetail> & { returnId: number | null };
  available: Loadable<AvailableDecisions> & { returnId: number | null };
  /** Outbox entries of the open return, by id. */
  outbox: Record<number, OutboxEntry>;
  /** Decisions of any return still held for taking back (holdUntil set), by id. */
  held: Record<number, OutboxEntry>;
  form: DecisionForm | null;

  setConnection(connection: AppState['connection']): void;
  setInfo(info: AppInfo): void;
  setSettings(settings: Settings): void;
  reportError(action: string, error: BridgeError): void;
  clearError(): void;

  setView(view: AppState['view']): void;
  setHelpOpen(open: boolean): void;

  setFilter(filter: InboxFilter): void;
  /** Moves the keyboard by delta within a list of `total` rows. */
  moveCursor(delta: number, total: number): void;
  setCursor(index: number): void;
  select(returnId: number | null): void;
  focusSearch(): void;

  setDetail(patch: Partial<AppState['detail']>): void;
  setAvailable(patch: Partial<AppState['available']>): void;
  setOutboxEntries(returnId: number, entries: OutboxEntry[]): void;
  upsertOutbox(entry: OutboxEntry): void;
  /** Keeps the list of held decisions in step with an entry's latest state. */
  trackHeld(entry: OutboxEntry): void;
  startForm(returnId: number, items: Record<number, ItemForm>, editingOutboxId: number | null): void;
  clearForm(): void;
  setItemForm(returnItemId: number, patch: Partial<ItemForm>): void;
  setActiveItem(index: number): void;
  setFormMeta(patch: Partial<Pick<DecisionForm, 'submitError' | 'submitting'>>): void;
}

const storage = (): PrefsStorage | null => {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
};

const prefs = loadInboxPrefs(storage());

export const useAppStore = create<AppState>()((set, get) => ({
  connection: 'connecting',
  info: null,
  settings: null,
  lastError: null,

  view: 'inbox',
  helpOpen: false,

  filter: prefs.filter,
  cursor: 0,
  selectedReturnId: prefs.selectedReturnId,
  searchFocusSeq: 0,

  detail: { ...idle<ReturnDetail>(), returnId: null },
  available: { ...idle<AvailableDecisions>(), returnId: null },
  outbox: {},
  held: {},
  form: null,

  setConnection: (connection) => set({ connection }),
  setInfo: (info) => set({ info }),
  setSettings: (settings) => set({ settings }),
  reportError: (action, error) => set({ lastError: { action, error } }),
  clearError: () => set({ lastError: null }),

  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),

  setFilter: (next) => {
    const filter = normalizeFilter(next);
    const changed = filterKey(filter) !== filterKey(get().filter);
    set(changed ? { filter, cursor: 0 } : { filter });
    if (changed) saveInboxPrefs(storage(), { filter, selectedReturnId: get().selectedReturnId });
  },
  moveCursor: (delta, total) => set((s) => ({ cursor: Math.min(Math.max(0, total - 1), Math.max(0, s.cursor + delta)) })),
  setCursor: (index) => set({ cursor: Math.max(0, index) }),
  select: (returnId) => {
    if (get().selectedReturnId !== returnId) set({ selectedReturnId: returnId, form: null, outbox: {} });
    saveInboxPrefs(storage(), { filter: get().filter, selectedReturnId: returnId });
  },
  focusSearch: () => set((s) => ({ searchFocusSeq: s.searchFocusSeq + 1, view: 'inbox' })),

  setDetail: (patch) => set((s) => ({ detail: { ...s.detail, ...patch } })),
  setAvailable: (patch) => set((s) => ({ available: { ...s.available, ...patch } })),
  setOutboxEntries: (returnId, entries) => {
    if (get().selectedReturnId !== returnId) return;
    // An event may have brought a newer state than the list read: keep the newer of the two.
    set((s) => {
      const merged: Record<number, OutboxEntry> = { ...s.outbox };
      for (const e of entries) if (e.returnId === returnId && !(merged[e.id] && merged[e.id]!.updatedAt > e.updatedAt)) merged[e.id] = e;
      return { outbox: merged };
    });
  },
  upsertOutbox: (entry) => {
    if (get().selectedReturnId !== entry.returnId) return;
    set((s) => ({ outbox: { ...s.outbox, [entry.id]: entry } }));
  },
  trackHeld: (entry) =>
    set((s) => {
      const isHeld = entry.state === 'queued' && !!entry.holdUntil;
      if (!isHeld && !s.held[entry.id]) return {};
      const held = { ...s.held };
      if (isHeld) held[entry.id] = entry;
      else delete held[entry.id];
      return { held };
    }),
  startForm: (returnId, items, editingOutboxId) => set({ form: { returnId, items, activeItem: 0, editingOutboxId, submitError: null, submitting: false } }),
  clearForm: () => set({ form: null }),
  setItemForm: (returnItemId, patch) =>
    set((s) =>
      s.form
        ? {
            form: {
              ...s.form,
              submitError: null,
              items: { ...s.form.items, [returnItemId]: { ...(s.form.items[returnItemId] ?? EMPTY_ITEM_FORM), ...patch } },
            },
          }
        : {},
    ),
  setActiveItem: (activeItem) => set((s) => (s.form ? { form: { ...s.form, activeItem } } : {})),
  setFormMeta: (patch) => set((s) => (s.form ? { form: { ...s.form, ...patch } } : {})),
}));
