import { InboxFilter } from '../../preload/contract.ts';

/** What of the inbox survives a restart: the filter and the open return. */
export interface InboxPrefs {
  filter: InboxFilter;
  selectedReturnId: number | null;
}

export const INBOX_PREFS_KEY = 'returndesk.inbox.v1';

/** The first thing an operator needs: what still awaits a decision. */
export const DEFAULT_FILTER: InboxFilter = { awaitingDecision: true };

/** Minimal storage surface (localStorage in the app, a Map in tests). */
export interface PrefsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Drops empty values so equal filters have equal keys and the contract never sees blanks. */
export function normalizeFilter(filter: InboxFilter): InboxFilter {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === false || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = typeof value === 'string' ? value.trim() : Array.isArray(value) ? [...value].sort() : value;
    if (out[key] === '') delete out[key];
  }
  return out as InboxFilter;
}

/** A stable cache key for a filter: same filter, same key, whatever the property order. */
export function filterKey(filter: InboxFilter): string {
  const normal = normalizeFilter(filter) as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(normal)
      .sort()
      .map((k) => [k, normal[k]]),
  );
}

/** Reads saved prefs; anything unreadable or no longer valid falls back to the defaults. */
export function loadInboxPrefs(storage: PrefsStorage | null): InboxPrefs {
  const fallback: InboxPrefs = { filter: DEFAULT_FILTER, selectedReturnId: null };
  if (!storage) return fallback;
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(INBOX_PREFS_KEY) ?? 'null');
  } catch {
    return fallback;
  }
  if (!raw || typeof raw !== 'object') return fallback;
  const { filter, selectedReturnId } = raw as { filter?: unknown; selectedReturnId?: unknown };
  const parsed = InboxFilter.safeParse(filter);
  return {
    filter: parsed.success ? normalizeFilter(parsed.data) : DEFAULT_FILTER,
    selectedReturnId: typeof selectedReturnId === 'number' && Number.isInteger(selectedReturnId) && selectedReturnId > 0 ? selectedReturnId : null,
  };
}

/** Saves prefs; a full or unavailable storage is not worth failing for. */
export function saveInboxPrefs(storage: PrefsStorage | null, prefs: InboxPrefs): void {
  try {
    storage?.setItem(INBOX_PREFS_KEY, JSON.stringify({ filter: normalizeFilter(prefs.filter), selectedReturnId: prefs.selectedReturnId }));
  } catch {
    // Private mode or quota: the filter simply will not survive a restart.
  }
}

/** Which quick view the filter shows. */
export function quickViewOf(filter: InboxFilter): 'awaiting' | 'disputes' | 'all' {
  if (filter.awaitingDecision) return 'awaiting';
  if (filter.inDispute) return 'disputes';
  return 'all';
}

/** The same filter switched to another quick view; the store, type and other facets stay. */
export function withView(filter: InboxFilter, view: 'awaiting' | 'disputes' | 'all'): InboxFilter {
  const { awaitingDecision: _a, inDispute: _d, ...rest } = filter;
  if (view === 'awaiting') return { ...rest, awaitingDecision: true };
  if (view === 'disputes') return { ...rest, inDispute: true };
  return rest;
}

/** Checks a date range the operator typed; returns the reason it is wrong, or null. */
export function dateRangeProblem(from: string | undefined, to: string | undefined): 'from-invalid' | 'to-invalid' | 'reversed' | null {
  const ok = (d: string | undefined) => !d || (/^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)));
  if (!ok(from)) return 'from-invalid';
  if (!ok(to)) return 'to-invalid';
  if (from && to && from > to) return 'reversed';
  return null;
}

/** Longest search text main accepts. */
export const SEARCH_MAX = 200;

/**
 * The filter as sent to main: parts the operator has not finished typing correctly are left out. A
 * search looks through every return, whatever the view and the filters (the counts say where it found them).
 */
export function queryFilter(filter: InboxFilter): InboxFilter {
  const search = filter.search?.trim();
  if (search) return { search: search.slice(0, SEARCH_MAX) };
  const out: InboxFilter = { ...normalizeFilter(filter) };
  const problem = dateRangeProblem(out.createdFrom, out.createdTo);
  if (problem === 'from-invalid') delete out.createdFrom;
  if (problem === 'to-invalid' || problem === 'reversed') delete out.createdTo;
  return out;
}
