import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InboxRow } from '../../preload/contract.ts';
import { useI18n } from '../i18n/index.ts';
import { useFixedRows } from '../lib/fixed-rows.ts';
import { formatMoney } from '../lib/money.ts';
import { formatCountdown, msUntil, urgencyOf } from '../lib/time.ts';
import { SEARCH_MAX } from '../lib/inbox-prefs.ts';
import { applyFilter, openReturn } from '../state/actions.ts';
import { pageSpan, queryClient, useCounts, useInbox, type InboxRead } from '../state/queries.ts';
import { useAppStore } from '../state/store.ts';
import { useNow } from '../state/use-now.ts';
import { BridgeErrorNotice } from './BridgeErrorNotice.tsx';
import { BarcodeIcon, BoltIcon, CameraIcon, SearchIcon } from './icons.tsx';
import { OutboxBadge } from './OutboxBadge.tsx';
import { preloadReturnView } from './ReturnPane.tsx';

const ROW_HEIGHT = 60;
/**
 * Rows kept beyond each edge of the screen. A scroll renders its new rows before the frame paints (the
 * list's flushSync in renderer/lib/fixed-rows.ts), so these only cover the compositor scrolling ahead of a late frame; each one
 * kept costs every frame's layerization and paint bookkeeping (6 → 3 was ~8 % of the main thread's CPU per
 * scroll frame at 50,000 returns).
 */
const OVERSCAN = 3;

/** The inbox: search, the count, and every return of the filter in one virtualized list. */
export function InboxList() {
  const { t, locale } = useI18n();
  const searching = useAppStore((s) => !!s.filter.search);
  const counts = useCounts();
  // The pages under the rows on screen (and just beyond) are read; the others wait until the operator scrolls to them.
  const [span, setSpan] = useState({ from: 0, to: 0 });
  const inbox = useInbox(span);

  return (
    <div className="inbox">
      <SearchBox />
      <div className="inbox-head">
        <span data-testid="inbox-total" aria-live="polite">
          {inbox.total === null
            ? t('common.loading')
            : t(searching ? 'inbox.found' : 'inbox.count', { count: inbox.total, n: numberFormat(locale).format(inbox.total) })}
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
      <InboxRows inbox={inbox} onSpan={setSpan} />
    </div>
  );
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** Counts written in the page's language (one formatter per language: making one costs more than using it). */
function numberFormat(locale: 'ru' | 'en'): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB')));
  return format;
}

/**
 * The scrolling list: re-rendered on every frame that brings rows into view, so it renders only the
 * rows on screen, and a row already shown renders again only when its return, cursor or selection changes.
 */
const InboxRows = memo(function InboxRows({ inbox, onSpan }: { inbox: InboxRead; onSpan: (span: { from: number; to: number }) => void }) {
  const words = useI18n();
  const rowWords = useMemo(() => rowWordsOf(words), [words]);
  const { cursor, selectedReturnId, setCursor } = useAppStore(
    useShallow((s) => ({ cursor: s.cursor, selectedReturnId: s.selectedReturnId, setCursor: s.setCursor })),
  );
  const now = useNow(30_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = inbox.total ?? 0;

  const { rows: items, totalHeight, scrollToIndex } = useFixedRows(scrollRef, total, ROW_HEIGHT, OVERSCAN);
  const { from, to } = pageSpan(items[0]?.index ?? 0, items[items.length - 1]?.index ?? 0);
  useEffect(() => onSpan({ from, to }), [from, to, onSpan]);
  const shown = total > 0;
  useEffect(() => {
    if (shown) preloadReturnView();
  }, [shown]);
  // While the first page is on its way, the rows' formatters are made, so the page paints as soon as it comes.
  const waiting = inbox.total === null;
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => warmRowFormatters(rowWords), 0);
    return () => clearTimeout(timer);
  }, [waiting, rowWords]);

  // Coming back to the inbox (or starting), the keyboard lands in the list unless a field has it.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) scrollRef.current?.focus();
  }, []);

  // The cursor's row is kept on screen; one already there (the first rows arriving, the cursor at the top) moves nothing.
  useEffect(() => {
    if (total > 0) scrollToIndex(Math.min(cursor, total - 1));
  }, [cursor, total, scrollToIndex]);

  const pick = useCallback(
    (index: number, returnId: number | undefined) => {
      setCursor(index);
      if (returnId !== undefined) openReturn(returnId);
    },
    [setCursor],
  );

  return (
    <div
      ref={scrollRef}
      id="inbox-listbox"
      className="inbox-scroll"
      role="listbox"
      aria-label={rowWords.t('inbox.label')}
      tabIndex={0}
      aria-activedescendant={total > 0 ? `row-${cursor}` : undefined}
      data-testid="inbox-list"
    >
      {inbox.total === 0 && <p className="empty">{rowWords.t('inbox.empty')}</p>}
      <div style={{ height: totalHeight, position: 'relative' }}>
        {items.map((item) => {
          const row = inbox.rowAt(item.index);
          return (
            <InboxRowItem
              key={item.index}
              index={item.index}
              start={item.start}
              height={ROW_HEIGHT}
              row={row}
              isCursor={item.index === cursor}
              isSelected={row !== undefined && row.returnId === selectedReturnId}
              now={now}
              words={rowWords}
              onPick={pick}
            />
          );
        })}
      </div>
    </div>
  );
});

/** What a row says, in the page's language. */
type RowWords = { t: (key: string, options?: { count: number }) => string; label: Words['label']; locale: Words['locale'] };
type Words = ReturnType<typeof useI18n>;

/** The list's and rows' words, each asked of i18next once per language: the list renders on every scroll frame. */
function rowWordsOf({ t, label, locale }: Words): RowWords {
  const said = new Map<string, string>();
  return {
    label,
    locale,
    t: (key, options) => {
      const id = options ? `${key}#${options.count}` : key;
      let text = said.get(id);
      if (text === undefined) said.set(id, (text = options ? t(key, options) : t(key)));
      return text;
    },
  };
}

const HOUR_MS = 3_600_000;

/**
 * What the first rows write, once: money (an Intl.NumberFormat per currency and precision), countdowns and
 * counted words (i18next's plural rules). Making these formatters costs milliseconds the first time only.
 */
function warmRowFormatters({ t, locale }: RowWords): void {
  for (const value of [1, 1.5]) formatMoney({ value, currencyId: 'RUR' }, locale);
  for (const left of [-HOUR_MS, HOUR_MS / 2, 2 * HOUR_MS, 30 * HOUR_MS]) formatCountdown(left, locale);
  t('inbox.items', { count: 1 });
  t('inbox.items', { count: 2 });
}

/** One slot of the list: the row when its page is loaded, a placeholder until then. */
const InboxRowItem = memo(function InboxRowItem(props: {
  index: number;
  start: number;
  height: number;
  row: InboxRow | undefined;
  isCursor: boolean;
  isSelected: boolean;
  now: number;
  words: RowWords;
  onPick: (index: number, returnId: number | undefined) => void;
}) {
  const { index, row, isCursor, isSelected } = props;
  return (
    <div
      id={`row-${index}`}
      role="option"
      aria-selected={isSelected}
      className={`row${isCursor ? ' cursor' : ''}${isSelected ? ' selected' : ''}`}
      style={{ height: props.height, transform: `translateY(${props.start}px)` }}
      onClick={() => props.onPick(index, row?.returnId)}
      data-testid={row ? 'inbox-row' : 'inbox-row-loading'}
      data-return-id={row?.returnId}
    >
      {row ? <RowContent row={row} now={props.now} words={props.words} /> : <div className="row-placeholder" aria-hidden="true" />}
    </div>
  );
});

/**
 * Search by order id, return id, SKU or product name, over every return whatever the view; applies
 * after a short pause in typing. Says what it cannot do rather than finding nothing silently.
 */
const SearchBox = memo(function SearchBox() {
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
});

/** One return in the inbox: what an operator scans for, densely. */
const RowContent = memo(function RowContent({ row, now, words }: { row: InboxRow; now: number; words: RowWords }) {
  const { t, label, locale } = words;
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
