import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTER,
  INBOX_PREFS_KEY,
  dateRangeProblem,
  filterKey,
  loadInboxPrefs,
  queryFilter,
  saveInboxPrefs,
  withView,
  type PrefsStorage,
} from '../../renderer/lib/inbox-prefs.ts';

function memoryStorage(initial: Record<string, string> = {}): PrefsStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('inbox filter persistence', () => {
  it('round-trips the filter and the open return', () => {
    const storage = memoryStorage();
    saveInboxPrefs(storage, { filter: { inDispute: true, campaignIds: [22, 11], search: ' 4700 ' }, selectedReturnId: 19000123 });
    expect(loadInboxPrefs(storage)).toEqual({ filter: { inDispute: true, campaignIds: [11, 22], search: '4700' }, selectedReturnId: 19000123 });
  });
  it('falls back to "awaiting decision" when nothing or garbage is stored', () => {
    expect(loadInboxPrefs(memoryStorage())).toEqual({ filter: DEFAULT_FILTER, selectedReturnId: null });
    expect(loadInboxPrefs(memoryStorage({ [INBOX_PREFS_KEY]: '{not json' })).filter).toEqual(DEFAULT_FILTER);
    expect(loadInboxPrefs(null).filter).toEqual(DEFAULT_FILTER);
  });
  it('drops a stored filter the contract no longer accepts, and a bad selection', () => {
    const storage = memoryStorage({ [INBOX_PREFS_KEY]: JSON.stringify({ filter: { bogus: 1 }, selectedReturnId: -4 }) });
    expect(loadInboxPrefs(storage)).toEqual({ filter: DEFAULT_FILTER, selectedReturnId: null });
  });
  it('survives a storage that throws', () => {
    const broken: PrefsStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(() => saveInboxPrefs(broken, { filter: {}, selectedReturnId: null })).not.toThrow();
  });
});

describe('filter keys and views', () => {
  it('gives equal filters equal keys whatever the order or blanks', () => {
    expect(filterKey({ returnType: 'RETURN', awaitingDecision: true, search: '' })).toBe(
      filterKey({ awaitingDecision: true, returnType: 'RETURN', campaignIds: [] }),
    );
    expect(filterKey({ awaitingDecision: true })).not.toBe(filterKey({ inDispute: true }));
  });
  it('switches the quick view and keeps the other facets', () => {
    expect(withView({ awaitingDecision: true, returnType: 'RETURN' }, 'disputes')).toEqual({ inDispute: true, returnType: 'RETURN' });
    expect(withView({ inDispute: true, fastReturn: true }, 'all')).toEqual({ fastReturn: true });
  });
  it('never sends a half-typed or reversed date range', () => {
    expect(dateRangeProblem('2026-05-10', '2026-05-01')).toBe('reversed');
    expect(dateRangeProblem('2026-13-40', undefined)).toBe('from-invalid');
    expect(dateRangeProblem('2026-05-01', '2026-05-10')).toBeNull();
    expect(queryFilter({ createdFrom: '2026-05-10', createdTo: '2026-05-01' })).toEqual({ createdFrom: '2026-05-10' });
    expect(queryFilter({ search: 'x'.repeat(300) }).search).toHaveLength(200);
    // A search looks through every return: the quick view and the filters do not narrow it.
    expect(queryFilter({ awaitingDecision: true, campaignIds: [5], search: ' Чайник ' })).toEqual({ search: 'Чайник' });
  });
});
