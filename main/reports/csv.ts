// CSV for spreadsheets: UTF-8 with a BOM (Excel on Windows then reads Cyrillic right), CRLF, RFC 4180 quoting.
import { csvField } from '../outbox/csv.ts';

export { csvField };

export type CsvValue = string | number | boolean | null | undefined;

/** A whole CSV document: BOM, header line, one line per row, CRLF after every line. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  const line = (values: readonly CsvValue[]): string => values.map((v) => csvField(typeof v === 'boolean' ? (v ? 'yes' : 'no') : v)).join(',');
  return `\uFEFF${[line(columns), ...rows.map(line)].join('\r\n')}\r\n`;
}

/** Parses RFC 4180 CSV (a leading BOM is dropped): for tests and for reading back what was written. */
export function parseCsv(text: string): string[][] {
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
    else if (c === ',') {
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
