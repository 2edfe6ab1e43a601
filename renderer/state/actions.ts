/**
 * What the UI asks of main, through the bridge, with results written into the store. Components
 * call these; only sync-bridge.ts subscribes to events.
 */
import type { BridgeError, InboxFilter, OutboxEntry, Result, SettingsPatch } from '../../preload/contract.ts';
import { checkDraft } from '../lib/check-draft.ts';
import { queryFilter } from '../lib/inbox-prefs.ts';
import { buildDraft, EMPTY_ITEM_FORM, fieldsFor, formsFromDraft } from '../lib/draft-form.ts';
import { currentLocale } from '../i18n/index.ts';
import { PAGE_SIZE, rowAt, useAppStore } from './store.ts';

const store = () => useAppStore.getState();
const notConnected: BridgeError = { code: 'TRANSPORT', message: 'ReturnDesk is not connected yet.' };

async function call<T>(fn: (api: NonNullable<ReturnType<typeof store>['bridge']>) => Promise<Result<T>>): Promise<Result<T>> {
  const api = store().bridge;
  if (!api) return { ok: false, error: notConnected };
  try {
    return await fn(api);
  } catch (e) {
    return { ok: false, error: { code: 'TRANSPORT', message: e instanceof Error ? e.message : String(e) } };
  }
}

// --------------------------------------------------------------------------------------------
// Inbox

const inFlight = new Set<string>();
let generation = 0;
let visible = { start: 0, end: 50 };
let retryTimer: ReturnType<typeof setTimeout> | null = null;

/** Fetches one page of the current filter (unless it is loaded or on its way). */
export async function loadPage(page: number, force = false): Promise<void> {
  const { inbox, filter } = store();
  const key = inbox.key;
  const flight = `${generation}|${key}|${page}`;
  if (inFlight.has(flight) || (!force && inbox.pages[page])) return;
  inFlight.add(flight);
  const gen = generation;
  const result = await call((api) => api.returns.list({ filter: queryFilter(filter), offset: page * PAGE_SIZE, limit: PAGE_SIZE }));
  inFlight.delete(flight);
  if (gen !== generation && !result.ok) return;
  if (result.ok) {
    store().putPage(key, page, result.value.rows, result.value.total);
    keepCursorOnRow();
  } else {
    store().setInboxError(key, result.error);
    scheduleRetry();
  }
}

/** Called by the list as it scrolls: loads the pages the visible rows fall in. */
export function ensureRows(start: number, end: number): void {
  visible = { start, end };
  const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
  const last = Math.floor(Math.max(0, end) / PAGE_SIZE);
  for (let p = first; p <= last; p++) void loadPage(p);
}

/** Re-reads the inbox after main says returns changed: visible pages are replaced, others dropped. */
export async function refreshInbox(): Promise<void> {
  generation++;
  const first = Math.floor(visible.start / PAGE_SIZE);
  const last = Math.floor(visible.end / PAGE_SIZE);
  const keep = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  store().invalidateInbox(keep);
  await Promise.all([...keep.map((p) => loadPage(p, true)), loadCounts()]);
}

function scheduleRetry(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    if (store().inbox.error) void refreshInbox();
  }, 5000);
}

/** Counts for the sidebar: the current filter without the quick view, so every view shows its number. */
export async function loadCounts(): Promise<void> {
  const { filter } = store();
  const { awaitingDecision: _a, inDispute: _d, ...rest } = queryFilter(filter);
  const result = await call((api) => api.returns.counts({ filter: rest }));
  if (result.ok) store().setCounts(result.value);
}

/** Applies a filter: shows cached pages at once, then fetches fresh ones. */
export function applyFilter(filter: InboxFilter): void {
  const before = store().inbox.key;
  store().setFilter(filter);
  if (store().inbox.key !== before) {
    generation++;
    visible = { start: 0, end: 50 };
    void loadPage(0, true);
    void loadCounts();
  }
}

/** After a refresh the row under the cursor may have moved: follow the open return. */
function keepCursorOnRow(): void {
  const { inbox, cursor, selectedReturnId } = store();
  if (selectedReturnId === null || rowAt(inbox, cursor)?.returnId === selectedReturnId) return;
  for (const [p, rows] of Object.entries(inbox.pages)) {
    const i = rows.findIndex((r) => r.returnId === selectedReturnId);
    if (i >= 0) {
      const index = Number(p) * PAGE_SIZE + i;
      if (Math.abs(index - cursor) <= 3) store().setCursor(index);
      return;
    }
  }
}

/** Opens the row under the cursor. */
export function openCursor(): void {
  const row = rowAt(store().inbox, store().cursor);
  if (row) openReturn(row.returnId);
}

// --------------------------------------------------------------------------------------------
// The open return

/** Shows a return in the detail pane and reads what belongs to it. */
export function openReturn(returnId: number): void {
  store().select(returnId);
  store().setView('inbox');
  void loadDetail(returnId);
  void loadOutbox(returnId);
}

export async function loadDetail(returnId: number, quiet = false): Promise<void> {
  if (!quiet) store().setDetail({ returnId, loading: true, error: null, ...(store().detail.returnId === returnId ? {} : { data: null }) });
  const result = await call((api) => api.returns.get({ returnId }));
  if (store().selectedReturnId !== returnId) return;
  if (result.ok) {
    store().setDetail({ returnId, data: result.value, error: null, loading: false });
    if (result.value.row.awaitingDecision || store().available.returnId !== returnId) void loadAvailable(returnId, quiet);
  } else store().setDetail({ returnId, error: result.error, loading: false });
}

export async function loadAvailable(returnId: number, quiet = false): Promise<void> {
  const detail = store().detail.data;
  if (detail && detail.row.returnId === returnId && !detail.row.awaitingDecision) {
    store().setAvailable({ returnId, data: null, error: null, loading: false });
    return;
  }
  if (!quiet) store().setAvailable({ returnId, loading: true, error: null, ...(store().available.returnId === returnId ? {} : { data: null }) });
  const result = await call((api) => api.decisions.available({ returnId }));
  if (store().selectedReturnId !== returnId) return;
  if (result.ok) {
    store().setAvailable({ returnId, data: result.value, error: null, loading: false });
    const form = store().form;
    if (!form || form.returnId !== returnId) store().startForm(returnId, {}, null);
  } else store().setAvailable({ returnId, error: result.error, loading: false });
}

export async function loadOutbox(returnId: number): Promise<void> {
  const result = await call((api) => api.outbox.list({ returnId }));
  if (result.ok) store().setOutboxEntries(returnId, result.value);
}

/** The newest outbox entry of the open return, if any. */
export function latestEntry(entries: Record<number, OutboxEntry>): OutboxEntry | null {
  let latest: OutboxEntry | null = null;
  for (const e of Object.values(entries)) if (!latest || e.id > latest.id) latest = e;
  return latest;
}

// --------------------------------------------------------------------------------------------
// Deciding

/** Picks the n-th (1-based) available decision for the active item, then moves on when nothing else is needed. */
export function pickDecision(n: number): boolean {
  const { form, available } = store();
  if (!form || !available.data || available.returnId !== form.returnId) return false;
  const decision = available.data.decisions[n - 1];
  const item = available.data.items[form.activeItem];
  if (!decision || !item) return false;
  store().setItemForm(item.returnItemId, { decisionType: decision.decisionType });
  const need = fieldsFor(decision.decisionType);
  if (!need.reason && !need.comment && !need.compensation && form.activeItem < available.data.items.length - 1) store().setActiveItem(form.activeItem + 1);
  return true;
}

/** Moves the active item of the decision by delta. */
export function moveActiveItem(delta: number): void {
  const { form, available } = store();
  if (!form || !available.data) return;
  store().setActiveItem(Math.min(available.data.items.length - 1, Math.max(0, form.activeItem + delta)));
}

/** The draft and every issue with it, as the operator types. */
export function currentIssues(): ReturnType<typeof buildDraft> | null {
  const { form, available } = store();
  if (!form || !available.data || available.returnId !== form.returnId) return null;
  const locale = currentLocale();
  const built = buildDraft(form.returnId, available.data, form.items, locale);
  const shared = built.draft.items.length > 0 ? checkDraft(built.draft, available.data, locale) : [];
  // Items without a decision are already reported by the form, in its own words.
  const flagged = new Set(built.issues.map((i) => i.returnItemId));
  return { draft: built.draft, issues: [...built.issues, ...shared.filter((i) => !(i.rule === 'items.missing' && flagged.has(i.returnItemId)))] };
}

/**
 * Submits (or, when editing, replaces) the decision; the outbox keeps it durably. With `next`, the
 * next return of the list opens at once: the decision waits out its hold in the undo bar.
 */
export async function submitDecision(options: { next?: boolean } = {}): Promise<void> {
  const { form } = store();
  if (!form || form.submitting) return;
  const built = currentIssues();
  if (!built || built.issues.length > 0) {
    store().setFormMeta({ submitError: { code: 'INVALID_ARGUMENTS', message: built?.issues[0]?.message ?? 'incomplete' } });
    return;
  }
  store().setFormMeta({ submitting: true, submitError: null });
  const result = await call((api) =>
    form.editingOutboxId ? api.decisions.edit({ outboxId: form.editingOutboxId, draft: built.draft }) : api.decisions.submit({ draft: built.draft }),
  );
  if (result.ok) {
    store().upsertOutbox(result.value);
    store().patchRowOutbox(result.value);
    store().trackHeld(result.value);
    store().clearForm();
    void loadStatus();
    if (options.next) openNext(result.value.returnId);
  } else store().setFormMeta({ submitting: false, submitError: result.error });
}

/** Opens the row after the one just decided (the list may not have moved yet); stays when there is none. */
function openNext(decided: number): void {
  const { inbox, cursor } = store();
  const total = inbox.total ?? 0;
  let at = cursor;
  for (const [page, rows] of Object.entries(inbox.pages)) {
    const i = rows.findIndex((r) => r.returnId === decided);
    if (i >= 0) at = Number(page) * PAGE_SIZE + i;
  }
  for (let i = at + 1; i < Math.min(total, at + 1 + PAGE_SIZE); i++) {
    const row = rowAt(inbox, i);
    if (!row) return;
    if (row.returnId === decided) continue;
    store().setCursor(i);
    openReturn(row.returnId);
    return;
  }
}

/** Takes back a decision still held (the latest one, unless named): cancelled, and its choices back in the form. */
export async function undoHeld(entry?: OutboxEntry): Promise<BridgeError | null> {
  const held = Object.values(store().held).filter((e) => e.holdUntil && Date.parse(e.holdUntil) > Date.now());
  const target = entry ?? held.sort((a, b) => b.id - a.id)[0];
  if (!target) return null;
  const result = await call((api) => api.decisions.cancel({ outboxId: target.id }));
  if (!result.ok) return result.error;
  store().trackHeld(result.value);
  store().patchRowOutbox(result.value);
  openReturn(target.returnId);
  store().upsertOutbox(result.value);
  store().startForm(target.returnId, formsFromDraft(target.draft, currentLocale()), null);
  return null;
}

/** Loads a queued decision back into the form to change it. */
export function editQueued(entry: OutboxEntry): void {
  store().startForm(entry.returnId, formsFromDraft(entry.draft, currentLocale()), entry.id);
}

export async function cancelQueued(entry: OutboxEntry): Promise<BridgeError | null> {
  const result = await call((api) => api.decisions.cancel({ outboxId: entry.id }));
  if (result.ok) {
    store().upsertOutbox(result.value);
    store().patchRowOutbox(result.value);
    if (store().form?.editingOutboxId === entry.id) store().clearForm();
    return null;
  }
  return result.error;
}

export async function retryOutbox(entry: OutboxEntry): Promise<BridgeError | null> {
  const result = await call((api) => api.outbox.retry({ outboxId: entry.id }));
  return result.ok ? null : result.error;
}

/** Starts a fresh decision (after a conflict or failure), keeping nothing of the old one. */
export function newDecision(returnId: number): void {
  store().startForm(returnId, {}, null);
}

export { EMPTY_ITEM_FORM };

// --------------------------------------------------------------------------------------------
// Status, stores, key, settings

export async function loadStatus(): Promise<void> {
  const result = await call((api) => api.status.get());
  if (result.ok) store().setStatus({ data: result.value, error: null });
  else store().setStatus({ error: result.error });
}

export async function loadStores(): Promise<void> {
  const result = await call((api) => api.stores.list());
  if (result.ok) store().setStores({ data: result.value, error: null });
  else store().setStores({ error: result.error });
}

export async function loadApiKey(): Promise<void> {
  const result = await call((api) => api.apiKey.status());
  if (result.ok) store().setApiKey({ data: result.value, error: null });
  else store().setApiKey({ error: result.error });
}

export async function syncNow(): Promise<BridgeError | null> {
  const result = await call((api) => api.sync.now());
  void loadStatus();
  return result.ok ? null : result.error;
}

export async function setWatched(campaignId: number, watched: boolean): Promise<BridgeError | null> {
  const result = await call((api) => api.stores.setWatched({ campaignId, watched }));
  if (result.ok) {
    store().setStores({ data: result.value, error: null });
    return null;
  }
  return result.error;
}

export async function setApiKey(key: string): Promise<BridgeError | null> {
  const result = await call((api) => api.apiKey.set({ key }));
  if (result.ok) {
    store().setApiKey({ data: result.value, error: null });
    return null;
  }
  return result.error;
}

export async function removeApiKey(): Promise<BridgeError | null> {
  const result = await call((api) => api.apiKey.remove());
  if (result.ok) {
    store().setApiKey({ data: result.value, error: null });
    return null;
  }
  return result.error;
}

/** Saves a settings patch; returns main's error (with field issues) when it refused. */
export async function saveSettings(patch: SettingsPatch): Promise<BridgeError | null> {
  const result = await call((api) => api.settings.set(patch));
  if (result.ok) {
    store().setSettings(result.value);
    return null;
  }
  if (result.error.code !== 'INVALID_ARGUMENTS') store().reportError('Saving settings', result.error);
  return result.error;
}

/** Shows what an alert or a notification click points at. */
export function navigateTo(target: { returnId: number } | { filter: 'awaiting' | 'disputes' | 'outbox' }): void {
  if ('returnId' in target) {
    openReturn(target.returnId);
    return;
  }
  store().setView('inbox');
  if (target.filter === 'awaiting') applyFilter({ awaitingDecision: true });
  else if (target.filter === 'disputes') applyFilter({ inDispute: true });
  else applyFilter({});
}
