/**
 * What the UI asks of main, through the bridge. Reads that panes show are queries (queries.ts); these
 * are the commands, and the reads of the open return kept in the store. Only sync-bridge.ts subscribes
 * to events.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { BridgeError, InboxFilter, OutboxEntry, Result, SettingsPatch } from '../../preload/contract.ts';
import { checkDraft } from '../lib/check-draft.ts';
import { buildDraft, EMPTY_ITEM_FORM, fieldsFor, formsFromDraft } from '../lib/draft-form.ts';
import { currentLocale } from '../i18n/index.ts';
import { bridge } from './bridge.ts';
import {
  apiKeyQuery,
  inboxRowAt,
  inboxTotal,
  loadedInboxRows,
  patchInboxRows,
  PAGE_SIZE,
  queryClient,
  refreshInbox,
  statusQuery,
  storesQuery,
} from './queries.ts';
import { useAppStore } from './store.ts';

const store = () => useAppStore.getState();
const notConnected: BridgeError = { code: 'TRANSPORT', message: 'ReturnDesk is not connected yet.' };

async function call<T>(fn: (api: NonNullable<typeof bridge>) => Promise<Result<T>>): Promise<Result<T>> {
  if (!bridge) return { ok: false, error: notConnected };
  try {
    return await fn(bridge);
  } catch (e) {
    return { ok: false, error: { code: 'TRANSPORT', message: e instanceof Error ? e.message : String(e) } };
  }
}

// --------------------------------------------------------------------------------------------
// Inbox

/** Re-reads the inbox after main says returns changed, and keeps the keyboard on the open return. */
export async function refreshInboxRows(change: { returnsNamed: boolean } = { returnsNamed: true }, client?: QueryClient): Promise<void> {
  await refreshInbox(client, change);
  keepCursorOnRow();
}

/** Applies a filter: the list shows what is cached for it at once, and its queries read the rest. */
export function applyFilter(filter: InboxFilter): void {
  store().setFilter(filter);
}

/** After a refresh the row under the cursor may have moved: follow the open return. */
function keepCursorOnRow(): void {
  const { cursor, selectedReturnId } = store();
  if (selectedReturnId === null || inboxRowAt(cursor)?.returnId === selectedReturnId) return;
  const found = loadedInboxRows().find(({ row }) => row.returnId === selectedReturnId);
  if (found && Math.abs(found.index - cursor) <= 3) store().setCursor(found.index);
}

/** Moves the keyboard through the list. */
export function moveCursor(delta: number): void {
  store().moveCursor(delta, inboxTotal() ?? 0);
}

/** Opens the row under the cursor. */
export function openCursor(): void {
  const row = inboxRowAt(store().cursor);
  if (row) openReturn(row.returnId);
}

/** A decision changed state: every cached row of its return shows it. */
function showOutboxState(entry: OutboxEntry): void {
  patchInboxRows(entry.returnId, { outboxState: entry.state });
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
    showOutboxState(result.value);
    store().trackHeld(result.value);
    store().clearForm();
    void loadStatus();
    if (options.next) openNext(result.value.returnId);
  } else store().setFormMeta({ submitting: false, submitError: result.error });
}

/** Opens the row after the one just decided (the list may not have moved yet); stays when there is none. */
function openNext(decided: number): void {
  const { cursor } = store();
  const total = inboxTotal() ?? 0;
  const at = loadedInboxRows().find(({ row }) => row.returnId === decided)?.index ?? cursor;
  for (let i = at + 1; i < Math.min(total, at + 1 + PAGE_SIZE); i++) {
    const row = inboxRowAt(i);
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
  showOutboxState(result.value);
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
    showOutboxState(result.value);
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

/** Reads the status bar's figures again. */
export async function loadStatus(): Promise<void> {
  await queryClient.invalidateQueries(statusQuery(bridge));
}

export async function syncNow(): Promise<BridgeError | null> {
  const result = await call((api) => api.sync.now());
  void loadStatus();
  return result.ok ? null : result.error;
}

export async function setWatched(campaignId: number, watched: boolean): Promise<BridgeError | null> {
  const result = await call((api) => api.stores.setWatched({ campaignId, watched }));
  if (result.ok) {
    queryClient.setQueryData(storesQuery(bridge).queryKey, result.value);
    return null;
  }
  return result.error;
}

export async function setApiKey(key: string): Promise<BridgeError | null> {
  const result = await call((api) => api.apiKey.set({ key }));
  if (result.ok) {
    queryClient.setQueryData(apiKeyQuery(bridge).queryKey, result.value);
    return null;
  }
  return result.error;
}

export async function removeApiKey(): Promise<BridgeError | null> {
  const result = await call((api) => api.apiKey.remove());
  if (result.ok) {
    queryClient.setQueryData(apiKeyQuery(bridge).queryKey, result.value);
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
