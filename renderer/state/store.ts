import { create } from 'zustand';
import type {
  ApiKeyStatus,
  AppInfo,
  AvailableDecisions,
  BridgeError,
  GlobalStatus,
  InboxCounts,
  InboxFilter,
  InboxRow,
  OutboxEntry,
  ReturnDeskApi,
  ReturnDetail,
  Settings,
  StoreView,
} from '../../preload/contract.ts';
import type { ConnectionState } from '../bridge/websocket.ts';
import { EMPTY_ITEM_FORM, type ItemForm } from '../lib/draft-form.ts';
import { filterKey, loadInboxPrefs, normalizeFilter, saveInboxPrefs, type PrefsStorage } from '../lib/inbox-prefs.ts';

/** Rows fetched per request as the operator scrolls. */
export const PAGE_SIZE = 200;

/** A value read from main: what came back, or why it did not. */
export interface Loadable<T> {
  data: T | null;
  error: BridgeError | null;
  loading: boolean;
}
const idle = <T>(): Loadable<T> => ({ data: null, error: null, loading: false });

/** One filter's pages of rows; kept per filter so switching back is instant. */
export interface InboxPages {
  key: string;
  total: number | null;
  pages: Record<number, InboxRow[]>;
}

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

export interface AppState {
  bridge: ReturnDeskApi | null;
  connection: ConnectionState | 'no-token';
  info: AppInfo | null;
  settings: Settings | null;
  /** Last bridge error worth showing, with what was being done. */
  lastError: { action: string; error: BridgeError } | null;

  view: 'inbox' | 'settings' | 'analytics';
  helpOpen: boolean;
  status: Loadable<GlobalStatus>;
  stores: Loadable<StoreView[]>;
  apiKey: Loadable<ApiKeyStatus>;

  filter: InboxFilter;
  inbox: InboxPages & { error: BridgeError | null };
  counts: InboxCounts | null;
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
  setBridge(bridge: ReturnDeskApi | null): void;
  setInfo(info: AppInfo): void;
  setSettings(settings: Settings): void;
  reportError(action: string, error: BridgeError): void;
  clearError(): void;

  setView(view: AppState['view']): void;
  setHelpOpen(open: boolean): void;
  setStatus(status: Partial<Loadable<GlobalStatus>>): void;
  setStores(stores: Partial<Loadable<StoreView[]>>): void;
  setApiKey(apiKey: Partial<Loadable<ApiKeyStatus>>): void;

  setFilter(filter: InboxFilter): void;
  putPage(key: string, page: number, rows: InboxRow[], total: number): void;
  setInboxError(key: string, error: BridgeError | null): void;
  /** Forgets cached pages (after returns.changed); the current filter keeps `keepPages` until replaced. */
  invalidateInbox(keepPages: number[]): void;
  setCounts(counts: InboxCounts): void;
  moveCursor(delta: number): void;
  setCursor(index: number): void;
  select(returnId: number | null): void;
  focusSearch(): void;
  patchRowOutbox(entry: OutboxEntry): void;

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

/** Pages of filters other than the current one, so going back to a filter shows it at once. */
const pageCache = new Map<string, InboxPages>();

const prefs = loadInboxPrefs(storage());

export const useAppStore = create<AppState>()((set, get) => ({
  bridge: null,
  connection: 'connecting',
  info: null,
  settings: null,
  lastError: null,

  view: 'inbox',
  helpOpen: false,
  status: idle(),
  stores: idle(),
  apiKey: idle(),

  filter: prefs.filter,
  inbox: { key: filterKey(prefs.filter), total: null, pages: {}, error: null },
  counts: null,
  cursor: 0,
  selectedReturnId: prefs.selectedReturnId,
  searchFocusSeq: 0,

  detail: { ...idle<ReturnDetail>(), returnId: null },
  available: { ...idle<AvailableDecisions>(), returnId: null },
  outbox: {},
  held: {},
  form: null,

  setConnection: (connection) => set({ connection }),
  setBridge: (bridge) => set({ bridge }),
  setInfo: (info) => set({ info }),
  setSettings: (settings) => set({ settings }),
  reportError: (action, error) => set({ lastError: { action, error } }),
  clearError: () => set({ lastError: null }),

  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  setStatus: (patch) => set((s) => ({ status: { ...s.status, ...patch } })),
  setStores: (patch) => set((s) => ({ stores: { ...s.stores, ...patch } })),
  setApiKey: (patch) => set((s) => ({ apiKey: { ...s.apiKey, ...patch } })),

  setFilter: (next) => {
    const filter = normalizeFilter(next);
    const key = filterKey(filter);
    const { inbox } = get();
    if (key === inbox.key) {
      set({ filter });
      return;
    }
    pageCache.set(inbox.key, { key: inbox.key, total: inbox.total, pages: inbox.pages });
    const cached = pageCache.get(key);
    set({ filter, inbox: { key, total: cached?.total ?? null, pages: cached?.pages ?? {}, error: null }, cursor: 0 });
    saveInboxPrefs(storage(), { filter, selectedReturnId: get().selectedReturnId });
  },
  putPage: (key, page, rows, total) => {
    const { inbox } = get();
    if (key !== inbox.key) {
      const other = pageCache.get(key) ?? { key, total, pages: {} };
      pageCache.set(key, { ...other, total, pages: { ...other.pages, [page]: rows } });
      return;
    }
    set({ inbox: { ...inbox, total, pages: { ...inbox.pages, [page]: rows }, error: null } });
  },
  setInboxError: (key, error) => {
    if (key === get().inbox.key) set((s) => ({ inbox: { ...s.inbox, error } }));
  },
  invalidateInbox: (keepPages) => {
    pageCache.clear();
    set((s) => {
      const pages: Record<number, InboxRow[]> = {};
      for (const p of keepPages) if (s.inbox.pages[p]) pages[p] = s.inbox.pages[p];
      return { inbox: { ...s.inbox, pages } };
    });
  },
  setCounts: (counts) => set({ counts }),
  moveCursor: (delta) => {
    const { cursor, inbox } = get();
    const max = Math.max(0, (inbox.total ?? 0) - 1);
    set({ cursor: Math.min(max, Math.max(0, cursor + delta)) });
  },
  setCursor: (index) => set({ cursor: Math.max(0, index) }),
  select: (returnId) => {
    if (get().selectedReturnId !== returnId) set({ selectedReturnId: returnId, form: null, outbox: {} });
    saveInboxPrefs(storage(), { filter: get().filter, selectedReturnId: returnId });
  },
  focusSearch: () => set((s) => ({ searchFocusSeq: s.searchFocusSeq + 1, view: 'inbox' })),
  patchRowOutbox: (entry) =>
    set((s) => {
      let changed = false;
      const pages: Record<number, InboxRow[]> = {};
      for (const [p, rows] of Object.entries(s.inbox.pages)) {
        pages[Number(p)] = rows.map((r) => {
          if (r.returnId !== entry.returnId || r.outboxState === entry.state) return r;
          changed = true;
          return { ...r, outboxState: entry.state };
        });
      }
      return changed ? { inbox: { ...s.inbox, pages } } : {};
    }),

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

/** The row at a list index, when its page is loaded. */
export function rowAt(inbox: InboxPages, index: number): InboxRow | undefined {
  return inbox.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}
