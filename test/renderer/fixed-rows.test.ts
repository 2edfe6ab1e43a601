// The inbox's window over rows of one height: which rows a scroll offset shows, and how far the list scrolls to bring
// the cursor's row on screen — computed, not measured per row (48,000 measurements were rebuilt on each new total).
import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopFor } from '../../renderer/lib/fixed-rows.ts';

describe('rows of one height in a scrolling list', () => {
  it('shows the rows under the viewport and `overscan` beyond each edge, never past the ends', () => {
    // 900 px of 60 px rows at the top: rows 0–14 on screen, 3 more below.
    expect(rowWindow(0, 900, 50_000, 60, 3)).toEqual({ first: 0, last: 17 });
    // Half a row scrolled: row 15 shows its top half.
    expect(rowWindow(30, 900, 50_000, 60, 3)).toEqual({ first: 0, last: 18 });
    expect(rowWindow(60 * 1000, 900, 50_000, 60, 3)).toEqual({ first: 997, last: 1017 });
    // At the bottom of 50,000 rows.
    expect(rowWindow(60 * 50_000 - 900, 900, 50_000, 60, 3)).toEqual({ first: 49_982, last: 49_999 });
    // Fewer rows than the screen holds; none; a viewport not laid out yet.
    expect(rowWindow(0, 900, 4, 60, 3)).toEqual({ first: 0, last: 3 });
    expect(rowWindow(0, 900, 0, 60, 3)).toBeNull();
    expect(rowWindow(0, 0, 10, 60, 3)).toEqual({ first: 0, last: 2 });
    // A scroll offset left over from a longer list (the browser clamps it a moment later).
    expect(rowWindow(60 * 1000, 900, 10, 60, 3)).toEqual({ first: 9, last: 9 });
  });

  it("scrolls as little as brings the cursor's row fully on screen, and not at all when it is there", () => {
    expect(scrollTopFor(5, 0, 900, 60)).toBeNull();
    expect(scrollTopFor(14, 0, 900, 60)).toBeNull();
    // Row 15 is below: the list moves until its bottom edge is the viewport's.
    expect(scrollTopFor(15, 0, 900, 60)).toBe(60);
    // Above: its top edge becomes the viewport's.
    expect(scrollTopFor(10, 1200, 900, 60)).toBe(600);
    // Half hidden at the top.
    expect(scrollTopFor(20, 1230, 900, 60)).toBe(1200);
    expect(scrollTopFor(49_999, 0, 900, 60)).toBe(60 * 50_000 - 900);
  });
});
