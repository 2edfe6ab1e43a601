/**
 * A window over a list of rows of one height in a scrolling element: which rows are on screen (and `overscan`
 * beyond each edge), from the element's scroll offset and height alone. A general virtualizer keeps a measurement
 * per row and rebuilds them all when the count changes — 48,000 objects at 50,000 returns, 15–95 ms of the
 * renderer's main thread on a two-core machine in the frame the first rows arrive and in each refresh that changes
 * the total. Rows of one height need none of it.
 */
import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export interface RowSlot {
  index: number;
  /** Pixels from the top of the list. */
  start: number;
}

/** The rows a list shows scrolled to `top` in a viewport `height` high: first and last index, or null when none. */
export function rowWindow(top: number, height: number, count: number, rowHeight: number, overscan: number): { first: number; last: number } | null {
  if (count <= 0) return null;
  const first = Math.max(0, Math.min(count - 1, Math.floor(Math.max(0, top) / rowHeight) - overscan));
  const last = Math.max(first, Math.min(count - 1, Math.ceil((Math.max(0, top) + Math.max(0, height)) / rowHeight) - 1 + overscan));
  return { first, last };
}

/** The scroll offset that brings row `index` fully on screen with the least movement; null when it already is. */
export function scrollTopFor(index: number, top: number, height: number, rowHeight: number): number | null {
  const start = index * rowHeight;
  if (start < top) return start;
  if (start + rowHeight > top + height) return Math.max(0, start + rowHeight - height);
  return null;
}

/** The rows of a list of `count` rows of `rowHeight` pixels inside the scrolling element `scrollRef` holds. */
export function useFixedRows(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number) {
  const [view, setView] = useState({ top: 0, height: 0 });
  // What scrollToIndex compares with, without being made again on each scroll (an effect that calls it would run again).
  const seen = useRef(view);
  seen.current = view;
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const read = (): void => {
      const top = element.scrollTop;
      const height = element.clientHeight;
      setView((last) => (last.top === top && last.height === height ? last : { top, height }));
    };
    read();
    // A scroll renders the rows it brings before the frame paints, not a frame later.
    const onScroll = (): void => flushSync(read);
    element.addEventListener('scroll', onScroll, { passive: true });
    const resized = new ResizeObserver(read);
    resized.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      resized.disconnect();
    };
  }, [scrollRef]);

  const window = rowWindow(view.top, view.height, count, rowHeight, overscan);
  const rows: RowSlot[] = [];
  if (window) for (let index = window.first; index <= window.last; index++) rows.push({ index, start: index * rowHeight });

  /** Scrolls as little as brings row `index` fully on screen; a row already there moves nothing (and reads no layout). */
  const scrollToIndex = useCallback(
    (index: number) => {
      const element = scrollRef.current;
      const to = scrollTopFor(index, seen.current.top, seen.current.height, rowHeight);
      if (element && to !== null) element.scrollTop = to;
    },
    [scrollRef, rowHeight],
  );

  return { rows, totalHeight: Math.max(0, count) * rowHeight, scrollToIndex };
}
