// The one CSV writer of ReturnDesk (inbox, audit, analytics exports): UTF-8 with a BOM (Excel on
// Windows then reads Cyrillic right), CRLF, RFC 4180 quoting, and no cell a spreadsheet would run.
// In Russian it writes as Russian Excel reads: ";" between fields and a decimal comma.

export type CsvValue = string | number | boolean | null | undefined;

/** What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): = + - @, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text a spreadsheet would run as a formula (a store, offer or operator name of "=HYPERLINK(…)") gets
 * a leading apostrophe, OWASP's rule: Excel and LibreOffice then show it as text. Numbers are never
 * formulas and stay numbers.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export type CsvLocale = 'ru' | 'en';

/** The field separator spreadsheets of the language expect: Russian Excel splits on ";" (its list separator). */
export function csvSeparator(locale: CsvLocale): ',' | ';' {
  return locale === 'ru' ? ';' : ',';
}

/**
 * One field: formulas neutralised (the guard: every export passes here); numbers with the language's
 * decimal mark; quoted when it holds a quote, comma, semicolon, line break or edge spaces.
 */
export function csvField(value: CsvValue, locale: CsvLocale = 'en'): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? neutraliseFormula(value)
      : typeof value === 'boolean'
        ? locale === 'ru'
          ? value
            ? 'да'
            : 'нет'
          : value
            ? 'yes'
            : 'no'
        : locale === 'ru'
          ? String(value).replace('.', ',')
          : String(value);
  // Text is quoted on either separator; a number only holds a decimal comma, never the ";" around it.
  const needsQuotes = typeof value === 'string' ? /[",;\r\n]|^\s|\s$/ : /[";\r\n]/;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: BOM, header line, one line per row, CRLF after every line; ";" and decimal commas in Russian. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>, locale: CsvLocale = 'en'): string {
  const line = (values: readonly CsvValue[]): string => values.map((v) => csvField(v, locale)).join(csvSeparator(locale));
  return `\uFEFF${[line(columns), ...rows.map(line)].join('\r\n')}\r\n`;
}

/** A plain decimal number ("-150.00"): it starts like a formula but a spreadsheet only reads a number. */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/**
 * How many cells of a CSV someone else wrote (the Market's report, saved as sent) a spreadsheet would
 * run as formulas. The separator (comma, semicolon or tab) is the one the header line uses most.
 */
export function countFormulaCells(text: string): number {
  const header = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/, 1)[0] ?? '';
  const separator = [',', ';', '\t'].map((s) => [s, header.split(s).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  return parseCsv(text, separator).reduce((n, row) => n + row.filter((cell) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell)).length, 0);
}

/** Parses RFC 4180 CSV (a leading BOM is dropped): for tests and for reading back what was written. */
export function parseCsv(text: string, separator = ','): string[][] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\r' && src[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
