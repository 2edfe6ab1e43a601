import { useShallow } from 'zustand/react/shallow';
import type { InboxFilter } from '../../preload/contract.ts';
import { NO_STATUS } from '../../preload/contract.ts';
import { MARKET_WORDS } from '../../preload/market-words.ts';
import { useI18n } from '../i18n/index.ts';
import { dateRangeProblem, quickViewOf, withView } from '../lib/inbox-prefs.ts';
import { refundFilterOptions } from '../lib/status-model.ts';
import { applyFilter } from '../state/actions.ts';
import { useCounts, useStores } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { DateField } from './DateField.tsx';
import { ClockIcon, DisputeIcon, KeyboardIcon, ListIcon, SettingsIcon } from './icons.tsx';
import { AnalyticsNavEntry } from '../analytics/NavEntry.tsx';

const SHIPMENT_STATUSES = [...Object.keys(MARKET_WORDS.en.shipmentStatus), NO_STATUS];

/** Quick views with counts, the filters, and the way to settings and the shortcut list. */
export function Sidebar() {
  const { t, label } = useI18n();
  const counts = useCounts();
  const stores = useStores().data;
  const { filter, view, setView, setHelpOpen } = useAppStore(
    useShallow((s) => ({ filter: s.filter, view: s.view, setView: s.setView, setHelpOpen: s.setHelpOpen })),
  );
  const current = quickViewOf(filter);
  const patch = (p: Partial<InboxFilter>) => applyFilter({ ...filter, ...p });
  const dateProblem = dateRangeProblem(filter.createdFrom, filter.createdTo);

  const views = [
    { id: 'awaiting' as const, icon: <ClockIcon />, count: counts?.awaitingDecision },
    { id: 'disputes' as const, icon: <DisputeIcon />, count: counts?.inDispute },
    { id: 'all' as const, icon: <ListIcon />, count: counts?.total },
  ];
  // Stores come from stores.list; counts fill in any the list does not know yet.
  const storeOptions = new Map<number, string>();
  for (const s of stores ?? []) storeOptions.set(s.campaignId, s.name ?? String(s.campaignId));
  for (const id of Object.keys(counts?.byCampaign ?? {})) if (!storeOptions.has(Number(id))) storeOptions.set(Number(id), id);
  const refundOptions = refundFilterOptions(Object.keys(counts?.byRefundStatus ?? {}));
  const shipmentOptions = [...new Set([...SHIPMENT_STATUSES, ...Object.keys(counts?.byShipmentStatus ?? {})])];
  const withCount = (text: string, n: number | undefined) => (n === undefined ? text : `${text} (${n})`);
  const sumOf = (record: Record<string, number> | undefined, keys: readonly string[]) => (record ? keys.reduce((n, k) => n + (record[k] ?? 0), 0) : undefined);
  const refundWords = (statuses: readonly string[]) => (statuses[0] === NO_STATUS ? t('filters.noRefundStatus') : label('refundStatus', statuses[0]));
  const shipmentWords = (status: string) => (status === NO_STATUS ? t('filters.noShipmentStatus') : label('shipmentStatus', status));

  return (
    <nav className="sidebar" aria-label={t('nav.views')}>
      <div className="brand">ReturnDesk</div>
      <ul className="views">
        {views.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className={`view-button${view === 'inbox' && current === v.id ? ' active' : ''}`}
              aria-current={view === 'inbox' && current === v.id ? 'page' : undefined}
              onClick={() => {
                setView('inbox');
                // A view chosen while searching means "show me this list": the search ends.
                applyFilter({ ...withView(filter, v.id), search: undefined });
                // Keyboard triage goes on in the list, not on this button.
                requestAnimationFrame(() => document.getElementById('inbox-listbox')?.focus());
              }}
              data-testid={`view-${v.id}`}
            >
              {v.icon}
              <span className="grow">{t(`views.${v.id}`)}</span>
              {v.count !== undefined && <span className="count">{v.count}</span>}
            </button>
          </li>
        ))}
      </ul>

      <h2 className="side-heading">{t('nav.filters')}</h2>
      {filter.search && (
        <p className="note small side-note" data-testid="search-all-note">
          {t('filters.searchAll')}
        </p>
      )}
      <div className="filters">
        <label>
          {t('filters.store')}
          <select
            value={filter.campaignIds?.[0] ?? ''}
            onChange={(e) => patch({ campaignIds: e.currentTarget.value ? [Number(e.currentTarget.value)] : undefined })}
            data-testid="filter-store"
          >
            <option value="">{t('filters.allStores')}</option>
            {[...storeOptions].map(([id, name]) => (
              <option key={id} value={id}>
                {withCount(name, counts?.byCampaign[String(id)])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.type')}
          <select value={filter.returnType ?? ''} onChange={(e) => patch({ returnType: e.currentTarget.value || undefined })} data-testid="filter-type">
            <option value="">{t('common.any')}</option>
            {['UNREDEEMED', 'RETURN'].map((type) => (
              <option key={type} value={type}>
                {withCount(label('returnType', type), counts?.byType[type])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.refundStatus')}
          <select
            value={[...(filter.refundStatuses ?? [])].sort().join(',')}
            onChange={(e) => patch({ refundStatuses: e.currentTarget.value ? e.currentTarget.value.split(',') : undefined })}
            data-testid="filter-refund"
          >
            <option value="">{t('common.any')}</option>
            {refundOptions.map((statuses) => (
              <option key={statuses.join(',')} value={[...statuses].sort().join(',')}>
                {withCount(refundWords(statuses), sumOf(counts?.byRefundStatus, statuses))}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.shipmentStatus')}
          <select
            value={filter.shipmentStatuses?.[0] ?? ''}
            onChange={(e) => patch({ shipmentStatuses: e.currentTarget.value ? [e.currentTarget.value] : undefined })}
            data-testid="filter-shipment"
          >
            <option value="">{t('common.any')}</option>
            {shipmentOptions.map((s) => (
              <option key={s} value={s}>
                {withCount(shipmentWords(s), counts?.byShipmentStatus[s])}
              </option>
            ))}
          </select>
        </label>
        <div className="date-row">
          <DateField
            label={t('filters.createdFrom')}
            value={filter.createdFrom}
            onChange={(day) => patch({ createdFrom: day })}
            invalid={dateProblem === 'from-invalid' || dateProblem === 'reversed'}
            testId="filter-from"
          />
          <DateField
            label={t('filters.createdTo')}
            value={filter.createdTo}
            onChange={(day) => patch({ createdTo: day })}
            invalid={dateProblem === 'to-invalid' || dateProblem === 'reversed'}
            describedBy={dateProblem ? 'date-problem' : undefined}
            testId="filter-to"
          />
        </div>
        {dateProblem && (
          <p className="field-error" id="date-problem" role="alert">
            {dateProblem === 'reversed' ? t('filters.dateReversed') : t('filters.dateFromInvalid')}
          </p>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={!!filter.fastReturn}
            onChange={(e) => patch({ fastReturn: e.currentTarget.checked || undefined })}
            data-testid="filter-fast"
          />
          {withCount(t('filters.fastReturn'), counts?.fastReturn)}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={!!filter.hasPhotos}
            onChange={(e) => patch({ hasPhotos: e.currentTarget.checked || undefined })}
            data-testid="filter-photos"
          />
          {withCount(t('filters.hasPhotos'), counts?.withPhotos)}
        </label>
        <button type="button" className="link" onClick={() => applyFilter(withView({}, current))} data-testid="filter-reset">
          {t('filters.reset')}
        </button>
      </div>

      <div className="side-bottom">
        <AnalyticsNavEntry />
        <button
          type="button"
          className={`view-button${view === 'settings' ? ' active' : ''}`}
          onClick={() => setView(view === 'settings' ? 'inbox' : 'settings')}
          data-testid="open-settings"
          aria-current={view === 'settings' ? 'page' : undefined}
        >
          <SettingsIcon />
          <span className="grow">{t('nav.settings')}</span>
          <kbd>,</kbd>
        </button>
        <button type="button" className="view-button" onClick={() => setHelpOpen(true)} data-testid="open-shortcuts">
          <KeyboardIcon />
          <span className="grow">{t('nav.shortcuts')}</span>
          <kbd>?</kbd>
        </button>
      </div>
    </nav>
  );
}
