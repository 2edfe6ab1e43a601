/** Text as search compares it: lower case in any script (SQLite's own folding is ASCII only), ё as е, spaces squeezed. */
export function foldForSearch(text: string): string {
  return text.toLocaleLowerCase('ru').replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}
