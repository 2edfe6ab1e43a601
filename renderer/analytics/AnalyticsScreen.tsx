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
import { useI18n } from '../i18n/index.ts';
import './analytics.css';

const rub = (value: number | null, locale: 'ru' | 'en'): string => (value === null ? '—' : formatMoney({ value, currencyId: 'RUR' }, locale));

function Section({ id, title, note, table, children }: { id: string; title: string; note?: string; table?: AnalyticsTable; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className="card an-section" aria-labelledby={`an-${id}`} data-testid={`an-section-${id}`}>
      <header className="an-section-head">
        <h2 id={`an-${id}`}>{title}</h2>
        {table && (
          <button type="button" onClick={() => void runExport({ kind: 'analytics', table })} data-testid={`an-export-${table}`}>
            {t('analytics:exportCsv')}
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
  const { t, locale, label } = useI18n();
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

  const reason = (code: string) => (code === 'NONE' ? t('analytics:none') : label('returnReason', code));
  const subreason = (code: string) => (code === 'NONE' ? t('analytics:none') : label('returnSubreason', code));
  const decision = (code: string) => (code === 'NONE' ? t('analytics:none') : label('decisionType', code));
  const storeName = (id: number) => stores?.find((s) => s.campaignId === id)?.name ?? String(id);

  return (
    <div className="an-screen" data-testid="analytics">
      <header className="an-head">
        <div>
          <h1 id="analytics-title">{t('analytics:title')}</h1>
          <p className="an-note">{t('analytics:subtitle')}</p>
        </div>
        <div className="an-actions">
          <button type="button" className="primary" onClick={() => setDialogOpen(true)} data-testid="open-report-dialog">
            {t('analytics:report')}
          </button>
          <button type="button" onClick={() => void runExport({ kind: 'inbox' })} data-testid="export-inbox">
            {t('analytics:exportInbox')}
          </button>
          <button type="button" onClick={() => void runExport({ kind: 'audit' })} data-testid="export-audit">
            {t('analytics:exportAudit')}
          </button>
        </div>
      </header>

      <form className="an-controls" onSubmit={(e) => (e.preventDefault(), void loadAnalytics())} aria-label={t('analytics:title')}>
        <DateField
          label={t('analytics:from')}
          value={period.from}
          onChange={(day) => setPeriod({ from: day ?? '' })}
          invalid={problem !== null}
          testId="an-from"
        />
        <DateField
          label={t('analytics:to')}
          value={period.to}
          onChange={(day) => setPeriod({ to: day ?? '' })}
          invalid={problem !== null}
          describedBy={problem ? 'an-period-problem' : undefined}
          testId="an-to"
        />
        <label>
          {t('analytics:bucket')}
          <select value={period.bucket} onChange={(e) => setPeriod({ bucket: e.currentTarget.value as 'day' | 'week' })} data-testid="an-bucket">
            <option value="day">{t('analytics:day')}</option>
            <option value="week">{t('analytics:week')}</option>
          </select>
        </label>
        <label>
          {t('analytics:store')}
          <select
            value={period.campaignId ?? ''}
            onChange={(e) => setPeriod({ campaignId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
            data-testid="an-store"
          >
            <option value="">{t('analytics:allStores')}</option>
            {(stores ?? []).map((s) => (
              <option key={s.campaignId} value={s.campaignId}>
                {s.name ?? s.campaignId}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={problem !== null || loading}>
          {loading ? t('analytics:loading') : t('analytics:refresh')}
        </button>
        <div className="an-folder">
          <span>{t('analytics:folder')}: </span>
          <code data-testid="an-folder">{folder ?? defaultFolder ?? t('analytics:defaultFolder')}</code>
          {native && (
            <button type="button" className="link" onClick={() => void chooseFolder()} data-testid="an-choose-folder">
              {t('analytics:chooseFolder')}
            </button>
          )}
        </div>
      </form>
      {problem && (
        <p className="field-error" role="alert" id="an-period-problem" data-testid="an-period-problem">
          {problem === 'reversed' ? t('analytics:reversed') : problem === 'too-long' ? t('analytics:tooLong') : t('analytics:missingDates')}
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
        <Section id="money" title={t('analytics:sections.money')} note={t('analytics:notes.money')} table="money">
          <dl className="an-money-totals" data-testid="an-money-totals">
            <div>
              <dt>{t('analytics:money.orders')}</dt>
              <dd>
                {money.totals.orders} ({money.totals.ordersWithCost} {t('analytics:money.withCost')})
              </dd>
            </div>
            <div>
              <dt>{t('analytics:money.cost')}</dt>
              <dd>{rub(money.totals.cost, locale)}</dd>
            </div>
            <div>
              <dt>{t('analytics:money.refunded')}</dt>
              <dd>{rub(money.totals.refunded, locale)}</dd>
            </div>
            <div>
              <dt>{t('analytics:money.net')}</dt>
              <dd>{rub(money.totals.net, locale)}</dd>
            </div>
            <div>
              <dt>{t('analytics:money.withoutCost')}</dt>
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
    const totals = result.totals;
    const ttd = result.timeToDecision;
    const hours = (h: number | null) => (h === null ? '—' : t('analytics:totals.hours', { h: h.toLocaleString(locale) }));
    const empty = totals.returns + totals.nonPurchases === 0;
    return (
      <>
        <div className="an-tiles" data-testid="an-totals">
          <Tile label={t('analytics:totals.returns')} value={String(totals.returns)} testId="an-total-returns" />
          <Tile label={t('analytics:totals.nonPurchases')} value={String(totals.nonPurchases)} testId="an-total-nonpurchases" />
          <Tile label={t('analytics:totals.refunded')} value={rub(totals.refunded, locale)} testId="an-total-refunded" />
          <Tile label={t('analytics:totals.compensation')} value={rub(totals.compensation, locale)} testId="an-total-compensation" />
          <Tile
            label={t('analytics:totals.missed')}
            value={String(totals.deadlinesMissed)}
            sub={t('analytics:totals.ofDue', { due: totals.decisionDue })}
            testId="an-total-missed"
          />
          <Tile
            label={t('analytics:totals.median')}
            value={hours(ttd.medianHours)}
            sub={`${t('analytics:stats.decided')}: ${ttd.decided}`}
            testId="an-total-median"
          />
        </div>
        {totals.foreignCurrencyAmounts > 0 && <p className="an-note">{t('analytics:notes.foreign', { n: totals.foreignCurrencyAmounts })}</p>}
        {empty && (
          <p className="an-empty" data-testid="an-empty">
            {t('analytics:empty')}
          </p>
        )}
        <div className="an-grid">
          <Section id="timeline" title={t('analytics:sections.timeline')} table="timeline">
            <Bars
              data={result.timeline}
              category="bucket"
              label={t('analytics:sections.timeline')}
              series={[
                { key: 'returns', label: t('analytics:cols.returns'), stack: 'a' },
                { key: 'nonPurchases', label: t('analytics:cols.nonPurchases'), stack: 'a' },
              ]}
            />
            <details>
              <summary>{t('analytics:showTable')}</summary>
              <DataTable
                caption={t('analytics:sections.timeline')}
                testId="an-table-timeline"
                rows={result.timeline}
                columns={[
                  { key: 'bucket', label: t('analytics:cols.bucket'), value: (r) => r.bucket },
                  { key: 'returns', label: t('analytics:cols.returns'), value: (r) => r.returns, numeric: true },
                  { key: 'nonPurchases', label: t('analytics:cols.nonPurchases'), value: (r) => r.nonPurchases, numeric: true },
                  { key: 'refunded', label: t('analytics:cols.refunded'), value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
                ]}
              />
            </details>
          </Section>

          <Section id="reasons" title={t('analytics:sections.reasons')} note={t('analytics:notes.reasons')} table="reasons">
            <Bars
              data={aggregate(
                result.reasons,
                (r) => reason(r.reason),
                (r) => r.items,
              ).slice(0, 8)}
              category="name"
              horizontal
              label={t('analytics:sections.reasons')}
              series={[{ key: 'value', label: t('analytics:cols.items') }]}
            />
            <DataTable
              caption={t('analytics:sections.reasons')}
              testId="an-table-reasons"
              rows={result.reasons}
              initialSort={{ key: 'items', descending: true }}
              columns={[
                { key: 'reason', label: t('analytics:cols.reason'), value: (r) => reason(r.reason) },
                { key: 'subreason', label: t('analytics:cols.subreason'), value: (r) => subreason(r.subreason) },
                { key: 'items', label: t('analytics:cols.items'), value: (r) => r.items, numeric: true },
                { key: 'units', label: t('analytics:cols.units'), value: (r) => r.units, numeric: true },
                { key: 'refunded', label: t('analytics:cols.refunded'), value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
              ]}
            />
          </Section>

          <Section id="topSkus" title={t('analytics:sections.topSkus')} note={t('analytics:notes.topSkus')} table="topSkus">
            <Bars
              data={result.topSkus.slice(0, 8)}
              category="shopSku"
              horizontal
              label={t('analytics:sections.topSkus')}
              series={[{ key: 'units', label: t('analytics:cols.units') }]}
            />
            <DataTable
              caption={t('analytics:sections.topSkus')}
              testId="an-table-topSkus"
              rows={result.topSkus}
              maxRows={50}
              initialSort={{ key: 'units', descending: true }}
              columns={[
                { key: 'sku', label: t('analytics:cols.sku'), value: (r) => r.shopSku },
                { key: 'name', label: t('analytics:cols.name'), value: (r) => r.name },
                { key: 'returns', label: t('analytics:cols.returns'), value: (r) => r.returns, numeric: true },
                { key: 'units', label: t('analytics:cols.units'), value: (r) => r.units, numeric: true },
                { key: 'refunded', label: t('analytics:cols.refunded'), value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
              ]}
            />
          </Section>

          <Section id="decisionMix" title={t('analytics:sections.decisionMix')} note={t('analytics:notes.decisionMix')} table="decisionMix">
            <Bars
              data={result.decisionMix.map((d) => ({ ...d, name: decision(d.decisionType) }))}
              category="name"
              horizontal
              label={t('analytics:sections.decisionMix')}
              series={[
                { key: 'operatorItems', label: t('analytics:cols.operatorItems') },
                { key: 'marketItems', label: t('analytics:cols.marketItems') },
              ]}
            />
            <DataTable
              caption={t('analytics:sections.decisionMix')}
              testId="an-table-decisionMix"
              rows={result.decisionMix}
              columns={[
                { key: 'decisionType', label: t('analytics:cols.decisionType'), value: (r) => decision(r.decisionType) },
                { key: 'operatorItems', label: t('analytics:cols.operatorItems'), value: (r) => r.operatorItems, numeric: true },
                { key: 'marketItems', label: t('analytics:cols.marketItems'), value: (r) => r.marketItems, numeric: true },
              ]}
            />
          </Section>

          <Section
            id="timeToDecision"
            title={t('analytics:sections.timeToDecision')}
            note={t('analytics:notes.timeToDecision', { untimed: ttd.untimed })}
            table="timeToDecision"
          >
            <dl className="an-stats">
              <div>
                <dt>{t('analytics:stats.decided')}</dt>
                <dd>{ttd.decided}</dd>
              </div>
              <div>
                <dt>{t('analytics:stats.median')}</dt>
                <dd>{hours(ttd.medianHours)}</dd>
              </div>
              <div>
                <dt>{t('analytics:stats.average')}</dt>
                <dd>{hours(ttd.averageHours)}</dd>
              </div>
              <div>
                <dt>{t('analytics:stats.p90')}</dt>
                <dd>{hours(ttd.p90Hours)}</dd>
              </div>
            </dl>
            <Bars
              data={ttd.histogram}
              category="range"
              label={t('analytics:sections.timeToDecision')}
              series={[{ key: 'returns', label: t('analytics:cols.returns') }]}
              height={160}
            />
            <DataTable
              caption={t('analytics:sections.timeToDecision')}
              testId="an-table-timeToDecision"
              rows={ttd.histogram}
              columns={[
                { key: 'range', label: t('analytics:cols.range'), value: (r) => r.range },
                { key: 'returns', label: t('analytics:cols.returns'), value: (r) => r.returns, numeric: true },
              ]}
            />
          </Section>

          <Section id="stores" title={t('analytics:sections.stores')} table="stores">
            <DataTable
              caption={t('analytics:sections.stores')}
              testId="an-table-stores"
              rows={result.stores}
              columns={[
                { key: 'store', label: t('analytics:cols.store'), value: (r) => r.name ?? String(r.campaignId) },
                { key: 'returns', label: t('analytics:cols.returns'), value: (r) => r.returns, numeric: true },
                { key: 'nonPurchases', label: t('analytics:cols.nonPurchases'), value: (r) => r.nonPurchases, numeric: true },
                { key: 'refunded', label: t('analytics:cols.refunded'), value: (r) => r.refunded, numeric: true, render: (r) => rub(r.refunded, locale) },
                {
                  key: 'compensation',
                  label: t('analytics:cols.compensation'),
                  value: (r) => r.compensation,
                  numeric: true,
                  render: (r) => rub(r.compensation, locale),
                },
                { key: 'due', label: t('analytics:cols.due'), value: (r) => r.decisionDue, numeric: true },
                { key: 'missed', label: t('analytics:cols.missed'), value: (r) => r.deadlinesMissed, numeric: true },
                { key: 'median', label: t('analytics:cols.medianHours'), value: (r) => r.medianHoursToDecision, numeric: true },
              ]}
            />
          </Section>
        </div>

        <Section
          id="deadlines"
          title={`${t('analytics:sections.deadlines')} (${result.deadlines.length})`}
          note={t('analytics:notes.deadlines')}
          table="deadlines"
        >
          <DataTable
            caption={t('analytics:sections.deadlines')}
            testId="an-table-deadlines"
            rows={result.deadlines}
            maxRows={200}
            columns={[
              { key: 'returnId', label: t('analytics:cols.returnId'), value: (r) => r.returnId, numeric: true },
              { key: 'orderId', label: t('analytics:cols.orderId'), value: (r) => r.orderId, numeric: true },
              { key: 'store', label: t('analytics:cols.store'), value: (r) => storeName(r.campaignId) },
              { key: 'deadline', label: t('analytics:cols.deadline'), value: (r) => r.deadline, render: (r) => formatMsk(r.deadline, locale) },
              { key: 'refundStatus', label: t('analytics:cols.refundStatus'), value: (r) => label('refundStatus', r.refundStatus) },
              { key: 'why', label: t('analytics:cols.why'), value: (r) => t(`analytics:why.${r.why}`, { defaultValue: r.why }) },
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
            title={t('analytics:sortBy', { col: text })}
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
            <caption className="an-sr-only">{t('analytics:sections.money')}</caption>
            <thead>
              <tr>
                {header('orderId', t('analytics:cols.orderId'))}
                <th scope="col">{t('analytics:cols.store')}</th>
                {header('returns', t('analytics:cols.returns'))}
                {header('cost', t('analytics:cols.cost'))}
                {header('refunded', t('analytics:cols.refunded'))}
                {header('net', t('analytics:cols.net'))}
                <th scope="col">{t('analytics:cols.pending')}</th>
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
                  <td>{r.pending ? t('analytics:yes') : t('analytics:no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="an-pager">
          <button type="button" disabled={sort.offset === 0} onClick={() => setMoneySort({ offset: Math.max(0, sort.offset - MONEY_PAGE) })}>
            {t('analytics:money.prev')}
          </button>
          <span>{t('analytics:money.page', { from: total ? sort.offset + 1 : 0, to: Math.min(total, sort.offset + MONEY_PAGE), total })}</span>
          <button type="button" disabled={sort.offset + MONEY_PAGE >= total} onClick={() => setMoneySort({ offset: sort.offset + MONEY_PAGE })}>
            {t('analytics:money.next')}
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
