/** Text as search compares it: lower case in any script (SQLite's own folding is ASCII only), ё as е, spaces squeezed. */
export function foldForSearch(text: string): string {
  return text.toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

/** Orders as SQLite's BINARY collation does (UTF-8 bytes), which differs from JavaScript's UTF-16 order past U+FFFF. */
export function compareAsSqlite(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sorts after every key that starts with `prefix`: the end of the index range a prefix search reads. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/**
 * Each item's search key (its SKU folded) and the key just below it among the same return's items (null
 * for the lowest): a prefix range holds a return's matching keys side by side, so counting only the items
 * whose `prev` lies below the range counts each return once, from the index alone.
 */
export function itemSearchKeys(shopSkus: readonly string[]): Array<{ key: string; prev: string | null }> {
  const keys = shopSkus.map(foldForSearch);
  const order = keys.map((_, i) => i).sort((a, b) => compareAsSqlite(keys[a]!, keys[b]!) || a - b);
  const prev: Array<string | null> = keys.map(() => null);
  order.forEach((item, position) => {
    if (position > 0) prev[item] = keys[order[position - 1]!]!;
  });
  return keys.map((key, i) => ({ key, prev: prev[i]! }));
}
