import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InboxRow } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { formatMoney } from '../lib/money.ts';
import { formatCountdown, msUntil, urgencyOf } from '../lib/time.ts';
import { SEARCH_MAX } from '../lib/inbox-prefs.ts';
import { applyFilter, openReturn } from '../state/actions.ts';
import { queryClient, useCounts, useInbox } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { useNow } from '../state/use-now.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';
import { BarcodeIcon, BoltIcon, CameraIcon, SearchIcon } from './icons.tsx';
import { OutboxBadge } from './OutboxBadge.tsx';

const ROW_HEIGHT = 60;

/** The inbox: search, the count, and every return of the filter in one virtualized list. */
export function InboxList() {
  const { t, locale } = useI18n();
  const { cursor, selectedReturnId, setCursor, searching } = useAppStore(
    useShallow((s) => ({
      cursor: s.cursor,
      selectedReturnId: s.selectedReturnId,
      setCursor: s.setCursor,
      searching: !!s.filter.search,
    })),
  );
  const counts = useCounts();
  const now = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The pages under the rows on screen are read; the others wait until the operator scrolls to them.
  const [visible, setVisible] = useState({ first: 0, last: 0 });
  const inbox = useInbox(visible.first, visible.last);
  const total = inbox.total ?? 0;

  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    setVisible((v) => (v.first === first && v.last === last ? v : { first, last }));
  }, [first, last]);

  // Coming back to the inbox (or starting), the keyboard lands in the list unless a field has it.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) scrollRef.current?.focus();
  }, []);

  useEffect(() => {
    if (total > 0) virtualizer.scrollToIndex(Math.min(cursor, total - 1), { align: 'auto' });
  }, [cursor, total, virtualizer]);

  return (
    <div className="inbox">
      <SearchBox />
      <div className="inbox-head">
        <span data-testid="inbox-total" aria-live="polite">
          {inbox.total === null
            ? t('common.loading')
            : searching
              ? t('inbox.found', { count: inbox.total, n: new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB').format(inbox.total) })
              : t('inbox.count', { count: inbox.total, n: new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB').format(inbox.total) })}
        </span>
        {searching && counts && inbox.total !== null && inbox.total > 0 && (
          <span className="muted" data-testid="search-where">
            {' · '}
            {t('inbox.foundWhere', {
              awaiting: counts.awaitingDecision,
              disputes: counts.inDispute,
              other: Math.max(0, counts.total - counts.awaitingDecision - counts.inDispute),
            })}
          </span>
        )}
      </div>
      {inbox.error && (
        <BridgeErrorNotice
          action={t('inbox.label')}
          error={inbox.error}
          channel="returns.list"
          onRetry={() => void queryClient.refetchQueries({ queryKey: ['inbox', inbox.key] })}
        />
      )}
      <div
        ref={scrollRef}
        id="inbox-listbox"
        className="inbox-scroll"
        role="listbox"
        aria-label={t('inbox.label')}
        tabIndex={0}
        aria-activedescendant={total > 0 ? `row-${cursor}` : undefined}
        data-testid="inbox-list"
      >
        {inbox.total === 0 && <p className="empty">{t('inbox.empty')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = inbox.rowAt(item.index);
            return (
              <div
                key={item.key}
                id={`row-${item.index}`}
                role="option"
                aria-selected={row ? row.returnId === selectedReturnId : false}
                className={`row${item.index === cursor ? ' cursor' : ''}${row && row.returnId === selectedReturnId ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  setCursor(item.index);
                  if (row) openReturn(row.returnId);
                }}
                data-testid={row ? 'inbox-row' : 'inbox-row-loading'}
                data-return-id={row?.returnId}
              >
                {row ? <RowContent row={row} now={now} /> : <div className="row-placeholder" aria-hidden="true" />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * Search by order id, return id, SKU or product name, over every return whatever the view; applies
 * after a short pause in typing. Says what it cannot do rather than finding nothing silently.
 */
function SearchBox() {
  const { t } = useI18n();
  const { filter, focusSeq } = useAppStore(useShallow((s) => ({ filter: s.filter, focusSeq: s.searchFocusSeq })));
  const [text, setText] = useState(filter.search ?? '');
  const ref = useRef<HTMLInputElement>(null);
  const wanted = text.trim().slice(0, SEARCH_MAX);
  const apply = () => applyFilter({ ...useAppStore.getState().filter, search: wanted || undefined });

  // Only a new "/" press focuses search, not coming back to the inbox after one.
  const handledSeq = useRef(focusSeq);
  useEffect(() => {
    if (focusSeq !== handledSeq.current) {
      handledSeq.current = focusSeq;
      ref.current?.focus();
      ref.current?.select();
    }
  }, [focusSeq]);
  // A search changed elsewhere (a view chosen, prefs restored) shows here; the text being typed is kept.
  useEffect(() => setText((typed) => (typed.trim().slice(0, SEARCH_MAX) === (filter.search ?? '') ? typed : (filter.search ?? ''))), [filter.search]);
  useEffect(() => {
    if ((filter.search ?? '') === wanted) return;
    const timer = setTimeout(() => applyFilter({ ...useAppStore.getState().filter, search: wanted || undefined }), 250);
    return () => clearTimeout(timer);
  }, [wanted, filter.search]);

  const hint =
    text.trim().length > SEARCH_MAX
      ? t('filters.searchTooLong', { max: SEARCH_MAX })
      : [...wanted].length === 1 && !/\d/.test(wanted)
        ? t('filters.searchShort')
        : null;
  return (
    <div className="search-wrap">
      <div className="search">
        <SearchIcon />
        <input
          ref={ref}
          type="search"
          value={text}
          maxLength={1000}
          placeholder={t('filters.searchPlaceholder')}
          aria-label={t('filters.search')}
          aria-describedby={hint ? 'search-hint' : undefined}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
            if (e.key === 'ArrowDown') {
              e.currentTarget.blur();
              e.preventDefault();
            }
          }}
          data-testid="search"
        />
      </div>
      {hint && (
        <p className="search-hint" id="search-hint" data-testid="search-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** One return in the inbox: what an operator scans for, densely. */
const RowContent = memo(function RowContent({ row, now }: { row: InboxRow; now: number }) {
  const { t, label, locale } = useI18n();
  const left = msUntil(row.decisionDeadline, now);
  const urgency = left === null ? null : urgencyOf(left);
  const status = row.refundStatus ? label('refundStatus', row.refundStatus) : label('shipmentStatus', row.shipmentStatus);
  const skus = row.skus.slice(0, 2).join(', ') + (row.skus.length > 2 ? ` +${row.skus.length - 2}` : '');
  return (
    <>
      <div className="row-line">
        {left !== null && urgency ? (
          <span className={`countdown u-${urgency}`} title={t(`urgency.${urgency}`)} data-testid="row-countdown">
            {formatCountdown(left, locale)}
          </span>
        ) : (
          <span className="countdown u-none">{t('inbox.noDeadline')}</span>
        )}
        <span className={`type-badge type-${row.returnType === 'UNREDEEMED' ? 'unredeemed' : row.returnType === 'RETURN' ? 'return' : 'other'}`}>
          {label('returnType', row.returnType)}
        </span>
        <span className="ids">
          <span className="mono">{row.returnId}</span>
          <span className="muted"> · {t('inbox.order')} </span>
          <span className="mono">{row.orderId}</span>
        </span>
        <span className="grow" />
        <span className="amount">{formatMoney(row.amount, locale)}</span>
      </div>
      <div className="row-line row-sub">
        <span className="store" title={row.campaignName ?? undefined}>
          {row.campaignName ?? row.campaignId}
        </span>
        <span className="status-words">{status}</span>
        <span className="skus mono" title={row.skus.join(', ')}>
          {skus} · {t('inbox.items', { count: row.itemCount })}
        </span>
        <span className="grow" />
        {row.fastReturn && (
          <span className="flag flag-fast" title={t('inbox.fast')}>
            <BoltIcon size={13} title={t('inbox.fast')} />
          </span>
        )}
        {row.photoCount > 0 && (
          <span className="flag" title={t('inbox.photos', { count: row.photoCount })}>
            <CameraIcon size={13} />
            {row.photoCount}
          </span>
        )}
        {row.hasMarkedGoods && (
          <span className="flag" title={t('inbox.marked')}>
            <BarcodeIcon size={13} title={t('inbox.marked')} />
          </span>
        )}
        {row.outboxState && <OutboxBadge state={row.outboxState} />}
      </div>
    </>
  );
});
