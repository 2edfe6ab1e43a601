// The analytics screen: period controls, a chart and a table per figure, exports, and the report dialog.
import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AnalyticsResult, AnalyticsTable, OrderMoneyRow } from '../../preload/contract.ts';
import { formatMoney } from '../lib/money.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { DateField } from '../components/DateField.tsx';
import { useBridge } from '../state/bridge.ts';
import { useStores } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { Bars } from './Charts.tsx';
import { DataTable } from './DataTable.tsx';
import { ExportNote } from './ExportNote.tsx';
import { ReportDialog } from './ReportDialog.tsx';
import { chooseFolder, loadAnalytics, MONEY_PAGE, periodProblem, runExport, setMoneySort, useAnalyticsStore, type MoneySort } from './state.ts';
import { fill, useAnalyticsText } from './text.ts';
import './analytics.css';

const rub = (value: number | null, locale: 'ru' | 'en'): string => (value === null ? '—' : formatMoney({ value, currencyId: 'RUR' }, locale));

function Section({ id, title, note, table, children }: { id: string; title: string; note?: string; table?: AnalyticsTable; children: ReactNode }) {
  const { x } = useAnalyticsText();
  return (
    <section className="card an-section" aria-labelledby={`an-${id}`} data-testid={`an-section-${id}`}>
      <header className="an-section-head">
        <h2 id={`an-${id}`}>{title}</h2>
        {table && (
          <button type="button" onClick={() => void runExport({ kind: 'analytics', table })} data-testid={`an-export-${table}`}>
            {x.exportCsv}
          </button>
        )}
      </header>
      {note && <p className="an-note">{note}</p>}
      {children}
    </section>
  );
}

function Tile({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId: string }) {
  return (
    <div className="an-tile" data-testid={testId}>
      <div className="an-tile-label">{label}</div>
      <div className="an-tile-value">{value}</div>
      {sub && <div className="an-tile-sub">{sub}</div>}
    </div>
  );
}

export function AnalyticsScreen() {
  const { x, locale, label } = useAnalyticsText();
  const { period, result, error, loading, money, moneySort, folder, defaultFolder, setPeriod, setDialogOpen } = useAnalyticsStore(
    useShallow((s) => ({
      period: s.period,
      result: s.result,
      error: s.error,
      loading: s.loading,
      money: s.money,
      moneySort: s.moneySort,
      folder: s.folder,
      defaultFolder: s.defaultFolder,
      setPeriod: s.setPeriod,
      setDialogOpen: s.setDialogOpen,
    })),
  );
  const bridge = useBridge();
  const stores = useStores().data;
  const info = useAppStore((s) => s.info);
  const problem = periodProblem(period);
  const native = info?.capabilities.nativeDialogs ?? false;

  useEffect(() => {
    if (bridge && !problem) void loadAnalytics();
  }, [bridge, problem, period.from, period.to, period.bucket, period.campaignId]);
  useEffect(() => {
    // The default folder is shown in web mode, where files cannot be opened from the app.
    if (bridge && !defaultFolder && !native)
      void bridge.files.chooseFolder().then((r) => r.ok && useAnalyticsStore.setState({ defaultFolder: r.value.defaultFolder }));
  }, [bridge, defaultFolder, native]);

  const reason = (code: string) => (code === 'NONE' ? x.none : label('returnReason', code));
  const subreason = (code: string) => (code === 'NONE' ? x.none : label('returnSubreason', code));
  const decision = (code: string) => (code === 'NONE' ? x.none : label('decisionType', code));
  const storeName = (id: number) => stores?.find((s) => s.campaignId === id)?.name ?? String(id);
  const c = x.cols;

  return (
    <div className="an-screen" data-testid="analytics">
      <header className="an-head">
        <div>
          <h1 id="analytics-title">{x.title}</h1>
          <p className="an-note">{x.subtitle}</p>
        </div>
        <div className="an-actions">
          <button type="button" className="primary" onClick={() => setDialogOpen(true)} data-testid="open-report-dialog">
            {x.report}
          </button>
          <button type="button" onClick={() => void runExport({ kind: 'inbox' })} data-testid="export-inbox">
            {x.exportInbox}
          </button>
          <button type="button" onClick={() => void runExport({ kind: 'audit' })} data-testid="export-audit">
            {x.exportAudit}
          </button>
        </div>
      </header>

      <form className="an-controls" onSubmit={(e) => (e.preventDefault(), void loadAnalytics())} aria-label={x.title}>
        <DateField label={x.from} value={period.from} onChange={(day) => setPeriod({ from: day ?? '' })} invalid={problem !== null} testId="an-from" />
        <DateField
          label={x.to}
          value={period.to}
          onChange={(day) => setPeriod({ to: day ?? '' })}
          invalid={problem !== null}
          describedBy={problem ? 'an-period-problem' : undefined}
          testId="an-to"
        />
        <label>
          {x.bucket}
          <select value={period.bucket} onChange={(e) => setPeriod({ bucket: e.currentTarget.value as 'day' | 'week' })} data-testid="an-bucket">
            <option value="day">{x.day}</option>
            <option value="week">{x.week}</option>
          </select>
        </label>
        <label>
          {x.store}
          <select
            value={period.campaignId ?? ''}
            onChange={(e) => setPeriod({ campaignId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
            data-testid="an-store"
          >
            <option value="">{x.allStores}</option>
            {(stores ?? []).map((s) => (
              <option key={s.campaignId} value={s.campaignId}>
                {s.name ?? s.campaignId}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={problem !== null || loading}>
          {loading ? x.loading : x.refresh}
        </button>
        <div className="an-folder">
          <span>{x.folder}: </span>
          <code data-testid="an-folder">{folder ?? defaultFolder ?? x.defaultFolder}</code>
          {native && (
            <button type="button" className="link" onClick={() => void chooseFolder()} data-testid="an-choose-folder">
              {x.chooseFolder}
            </button>
          )}
        </div>
      </form>
      {problem && (
        <p className="field-error" role="alert" id="an-period-problem" data-testid="an-period-problem">
          {problem === 'reversed' ? x.reversed : problem === 'too-long' ? x.tooLong : x.missingDates}
        </p>
      )}
      {error && !problem && (
        <p className="field-error" role="alert" data-testid="an-error">
          {error.message}
        </p>
      )}
      <ExportNote native={native} />

      {result && !problem && renderFigures(result)}
      {result && !problem && money && (
        <Section id="money" title={x.sections.money} note={x.notes.money} table="money">
          <dl className="an-money-totals" data-testid="an-money-totals">
            <div>
              <dt>{x.money.orders}</dt>
              <dd>
                {money.totals.orders} ({money.totals.ordersWithCost} {x.money.withCost})
              </dd>
            </div>
            <div>
              <dt>{x.money.cost}</dt>
              <dd>{rub(money.totals.cost, locale)}</dd>
            </div>
            <div>
              <dt>{x.money.refunded}</dt>
              <dd>{rub(money.totals.refunded, locale)}</dd>
            </div>
            <div>
              <dt>{x.money.net}</dt>
              <dd>{rub(money.totals.net, locale)}</dd>
            </div>
            <div>
              <dt>{x.money.withoutCost}</dt>
              <dd>{rub(money.totals.refundedWithoutCost, locale)}</dd>
            </div>
          </dl>
          {renderMoneyTable(money.rows, money.total, moneySort)}
        </Section>
      )}
      <ReportDialog />
    </div>
  );

  // Plain render functions, not components: nested component types would remount (and lose table sorting) on every render.
  function renderFigures(result: AnalyticsResult) {
    const t = result.totals;
    const ttd = result.timeToDecision;
    const hours = (h: number | null) => (h === null ? '—' : fill(x.totals.hours, { h: h.toLocaleString(locale) }));
    const empty = t.returns + t.nonPurchases === 0;
    return (
      <>
        <div className="an-tiles" data-testid="an-totals">
          <Tile label={x.totals.returns} value={String(t.returns)} testId="an-total-returns" />
          <Tile label={x.totals.nonPurchases} value={String(t.nonPurchases)} testId="an-total-nonpurchases" />
          <Tile label={x.totals.refunded} value={rub(t.refunded, locale)} testId="an-total-refunded" />
          <Tile label={x.totals.compensation} value={rub(t.compensation, locale)} testId="an-total-compensation" />
          <Tile label={x.totals.missed} value={String(t.deadlinesMissed)} sub={fill(x.totals.ofDue, { due: t.decisionDue })} testId="an-total-missed" />
          <Tile label={x.totals.median} value={hours(ttd.medianHours)} sub={`${x.stats.decided}: ${ttd.decided}`} testId="an-total-median" />
        </div>
        {t.foreignCurrencyAmounts > 0 && <p className="an-note">{fill(x.notes.foreign, { n: t.foreignCurrencyAmounts })}</p>}
        {empty && (
          <p className="an-empty" data-testid="an-empty">
            {x.empty}
          </p>
        )}
        <div className="an-grid">
          <Section id="timeline" title={x.sections.timeline} table="timeline">
            <Bars
              data={result.timeline}
              category="bucket"
              label={x.sections.timeline}
              series={[
                { key: 'returns', label: c.returns, stack: 'a' },
                { key: 'nonPurchases', label: c.nonPurchases, stack: 'a' },
              ]}
            />
            <details>
              <summary>{x.showTable}</summary>
              <DataTable
                caption={x.sections.timeline}
                testId="an-table-timeline"
                rows={result.timeline}
                columns={[
                  { key: 'bucket', label: c.bucket, value: (r) => r.bucket },
                  { key: 'returns', label: c.returns, value: (r) => r.returns, numeric: true },
                  { key: 'nonPurchases', label: c.nonPurchases, value: (r) => r.nonPurchases, numeric: true },
                  { key: 'refunded', label: c.refunded, value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
                ]}
              />
            </details>
          </Section>

          <Section id="reasons" title={x.sections.reasons} note={x.notes.reasons} table="reasons">
            <Bars
              data={aggregate(
                result.reasons,
                (r) => reason(r.reason),
                (r) => r.items,
              ).slice(0, 8)}
              category="name"
              horizontal
              label={x.sections.reasons}
              series={[{ key: 'value', label: c.items }]}
            />
            <DataTable
              caption={x.sections.reasons}
              testId="an-table-reasons"
              rows={result.reasons}
              initialSort={{ key: 'items', descending: true }}
              columns={[
                { key: 'reason', label: c.reason, value: (r) => reason(r.reason) },
                { key: 'subreason', label: c.subreason, value: (r) => subreason(r.subreason) },
                { key: 'items', label: c.items, value: (r) => r.items, numeric: true },
                { key: 'units', label: c.units, value: (r) => r.units, numeric: true },
                { key: 'refunded', label: c.refunded, value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
              ]}
            />
          </Section>

          <Section id="topSkus" title={x.sections.topSkus} note={x.notes.topSkus} table="topSkus">
            <Bars data={result.topSkus.slice(0, 8)} category="shopSku" horizontal label={x.sections.topSkus} series={[{ key: 'units', label: c.units }]} />
            <DataTable
              caption={x.sections.topSkus}
              testId="an-table-topSkus"
              rows={result.topSkus}
              maxRows={50}
              initialSort={{ key: 'units', descending: true }}
              columns={[
                { key: 'sku', label: c.sku, value: (r) => r.shopSku },
                { key: 'name', label: c.name, value: (r) => r.name },
                { key: 'returns', label: c.returns, value: (r) => r.returns, numeric: true },
                { key: 'units', label: c.units, value: (r) => r.units, numeric: true },
                { key: 'refunded', label: c.refunded, value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
              ]}
            />
          </Section>

          <Section id="decisionMix" title={x.sections.decisionMix} note={x.notes.decisionMix} table="decisionMix">
            <Bars
              data={result.decisionMix.map((d) => ({ ...d, name: decision(d.decisionType) }))}
              category="name"
              horizontal
              label={x.sections.decisionMix}
              series={[
                { key: 'operatorItems', label: c.operatorItems },
                { key: 'marketItems', label: c.marketItems },
              ]}
            />
            <DataTable
              caption={x.sections.decisionMix}
              testId="an-table-decisionMix"
              rows={result.decisionMix}
              columns={[
                { key: 'decisionType', label: c.decisionType, value: (r) => decision(r.decisionType) },
                { key: 'operatorItems', label: c.operatorItems, value: (r) => r.operatorItems, numeric: true },
                { key: 'marketItems', label: c.marketItems, value: (r) => r.marketItems, numeric: true },
              ]}
            />
          </Section>

          <Section id="timeToDecision" title={x.sections.timeToDecision} note={fill(x.notes.timeToDecision, { untimed: ttd.untimed })} table="timeToDecision">
            <dl className="an-stats">
              <div>
                <dt>{x.stats.decided}</dt>
                <dd>{ttd.decided}</dd>
              </div>
              <div>
                <dt>{x.stats.median}</dt>
                <dd>{hours(ttd.medianHours)}</dd>
              </div>
              <div>
                <dt>{x.stats.average}</dt>
                <dd>{hours(ttd.averageHours)}</dd>
              </div>
              <div>
                <dt>{x.stats.p90}</dt>
                <dd>{hours(ttd.p90Hours)}</dd>
              </div>
            </dl>
            <Bars data={ttd.histogram} category="range" label={x.sections.timeToDecision} series={[{ key: 'returns', label: c.returns }]} height={160} />
            <DataTable
              caption={x.sections.timeToDecision}
              testId="an-table-timeToDecision"
              rows={ttd.histogram}
              columns={[
                { key: 'range', label: c.range, value: (r) => r.range },
                { key: 'returns', label: c.returns, value: (r) => r.returns, numeric: true },
              ]}
            />
          </Section>

          <Section id="stores" title={x.sections.stores} table="stores">
            <DataTable
              caption={x.sections.stores}
              testId="an-table-stores"
              rows={result.stores}
              columns={[
                { key: 'store', label: c.store, value: (r) => r.name ?? String(r.campaignId) },
                { key: 'returns', label: c.returns, value: (r) => r.returns, numeric: true },
                { key: 'nonPurchases', label: c.nonPurchases, value: (r) => r.nonPurchases, numeric: true },
                { key: 'refunded', label: c.refunded, value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
                { key: 'compensation', label: c.compensation, value: (r) => r.compensation, numeric: true, render: (r) => rub(r.compensation, locale) },
                { key: 'due', label: c.due, value: (r) => r.decisionDue, numeric: true },
                { key: 'missed', label: c.missed, value: (r) => r.deadlinesMissed, numeric: true },
                { key: 'median', label: c.medianHours, value: (r) => r.medianHoursToDecision, numeric: true },
              ]}
            />
          </Section>
        </div>

        <Section id="deadlines" title={`${x.sections.deadlines} (${result.deadlines.length})`} note={x.notes.deadlines} table="deadlines">
          <DataTable
            caption={x.sections.deadlines}
            testId="an-table-deadlines"
            rows={result.deadlines}
            maxRows={200}
            columns={[
              { key: 'returnId', label: c.returnId, value: (r) => r.returnId, numeric: true },
              { key: 'orderId', label: c.orderId, value: (r) => r.orderId, numeric: true },
              { key: 'store', label: c.store, value: (r) => storeName(r.campaignId) },
              { key: 'deadline', label: c.deadline, value: (r) => r.deadline, render: (r) => formatMsk(r.deadline, locale) },
              { key: 'refundStatus', label: c.refundStatus, value: (r) => label('refundStatus', r.refundStatus) },
              { key: 'why', label: c.why, value: (r) => x.why[r.why as keyof typeof x.why] ?? r.why },
            ]}
          />
        </Section>
      </>
    );
  }

  function renderMoneyTable(rows: OrderMoneyRow[], total: number, sort: { sort: MoneySort; descending: boolean; offset: number }) {
    const header = (key: MoneySort, text: string, numeric = true) => {
      const active = sort.sort === key;
      return (
        <th scope="col" className={numeric ? 'num' : undefined} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
          <button
            type="button"
            className="an-sort"
            title={fill(x.sortBy, { col: text })}
            onClick={() => setMoneySort({ sort: key, descending: active ? !sort.descending : true, offset: 0 })}
          >
            {text}
            <span aria-hidden="true" className="an-sort-mark">
              {active ? (sort.descending ? '▼' : '▲') : ''}
            </span>
          </button>
        </th>
      );
    };
    return (
      <>
        <div className="an-table-wrap">
          <table className="an-table" data-testid="an-table-money">
            <caption className="an-sr-only">{x.sections.money}</caption>
            <thead>
              <tr>
                {header('orderId', c.orderId)}
                <th scope="col">{c.store}</th>
                {header('returns', c.returns)}
                {header('cost', c.cost)}
                {header('refunded', c.refunded)}
                {header('net', c.net)}
                <th scope="col">{c.pending}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.orderId}>
                  <td className="num">{r.orderId}</td>
                  <td>{storeName(r.campaignId)}</td>
                  <td className="num">{r.returns}</td>
                  <td className="num">{rub(r.cost, locale)}</td>
                  <td className="num">{rub(r.refunded, locale)}</td>
                  <td className="num">{rub(r.net, locale)}</td>
                  <td>{r.pending ? x.yes : x.no}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="an-pager">
          <button type="button" disabled={sort.offset === 0} onClick={() => setMoneySort({ offset: Math.max(0, sort.offset - MONEY_PAGE) })}>
            {x.money.prev}
          </button>
          <span>{fill(x.money.page, { from: total ? sort.offset + 1 : 0, to: Math.min(total, sort.offset + MONEY_PAGE), total })}</span>
          <button type="button" disabled={sort.offset + MONEY_PAGE >= total} onClick={() => setMoneySort({ offset: sort.offset + MONEY_PAGE })}>
            {x.money.next}
          </button>
        </div>
      </>
    );
  }
}

/** Sums `value` by `name`, largest first (reasons across their subreasons for the chart). */
function aggregate<Row>(rows: Row[], name: (row: Row) => string, value: (row: Row) => number): Array<{ name: string; value: number }> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(name(row), (sums.get(name(row)) ?? 0) + value(row));
  return [...sums].map(([n, v]) => ({ name: n, value: v })).sort((a, b) => b.value - a.value);
}
