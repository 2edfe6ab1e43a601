/** A reference for search: what it must find, read row by row instead of from the store's search index. */
import { expect } from 'vitest';
import { foldForSearch } from '../../../main/store/search-text.ts';
import type { Store } from '../../../main/store/store.ts';

/** The returns a search must find, in inbox order, by reading every return and every item. */
export function searchByScan(store: Store, text: string): number[] {
  const key = foldForSearch(text);
  const digits = text.trim().replace(/[\s\u00a0]/g, '');
  const id = /^\d{1,18}$/.test(digits) ? Number(digits) : null;
  const names = new Map(
    (store.db.prepare('SELECT offer_id, name FROM product_names').all() as Array<{ offer_id: string; name: string }>).map((p) => [
      foldForSearch(p.offer_id),
      foldForSearch(p.name),
    ]),
  );
  const skus = new Map<number, string[]>();
  for (const item of store.db.prepare('SELECT return_id, shop_sku FROM return_items').all() as Array<{ return_id: number; shop_sku: string }>) {
    skus.set(item.return_id, [...(skus.get(item.return_id) ?? []), foldForSearch(item.shop_sku)]);
  }
  const byName = [...key].length >= 2;
  return (
    store.db.prepare('SELECT id, order_id FROM returns ORDER BY coalesce(decision_deadline, 9007199254740991), updated_at DESC, id DESC').all() as Array<{
      id: number;
      order_id: number;
    }>
  )
    .filter(
      (r) =>
        id === r.id || id === r.order_id || (skus.get(r.id) ?? []).some((sku) => sku.startsWith(key) || (byName && (names.get(sku)?.includes(key) ?? false))),
    )
    .map((r) => r.id);
}

/** The store's answer for a search, page by page, against the scan: ids, order, total and the chips' total. */
export function expectSearchAsScan(store: Store, text: string, pages: Array<{ limit: number; offset: number }> = [{ limit: 50, offset: 0 }]): number[] {
  const expected = searchByScan(store, text);
  for (const { limit, offset } of pages) {
    const page = store.inboxPage({ search: text }, { limit, offset });
    expect(
      page.rows.map((r) => r.id),
      `${JSON.stringify(text)} from ${offset}`,
    ).toEqual(expected.slice(offset, offset + limit));
    expect(page.total, JSON.stringify(text)).toBe(expected.length);
  }
  expect(store.inboxCounts({ search: text }).total, JSON.stringify(text)).toBe(expected.length);
  return expected;
}
