// An accessible table beside each chart: a caption, header cells that sort (aria-sort), numbers right-aligned.
import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.ts';

export interface Column<Row> {
  key: string;
  label: string;
  value: (row: Row) => string | number | null;
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
}

export function DataTable<Row>({
  caption,
  columns,
  rows,
  testId,
  initialSort,
  maxRows,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  testId: string;
  initialSort?: { key: string; descending: boolean };
  maxRows?: number;
}) {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(initialSort ?? null);
  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!column || !sort) return rows;
    const factor = sort.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const va = column.value(a);
      const vb = column.value(b);
      if (va === vb) return 0;
      if (va === null) return 1;
      if (vb === null) return -1;
      return (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) * factor;
    });
  }, [rows, columns, sort]);
  const shown = maxRows ? sorted.slice(0, maxRows) : sorted;
  return (
    <div className="an-table-wrap">
      <table className="an-table" data-testid={testId}>
        <caption className="an-sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    className="an-sort"
                    title={t('analytics:sortBy', { col: c.label })}
                    onClick={() => setSort({ key: c.key, descending: active ? !sort.descending : !!c.numeric })}
                  >
                    {c.label}
                    <span aria-hidden="true" className="an-sort-mark">
                      {active ? (sort.descending ? '▼' : '▲') : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render ? c.render(row) : (c.value(row) ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
