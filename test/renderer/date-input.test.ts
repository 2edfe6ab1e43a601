import { describe, expect, it } from 'vitest';
import { formatDayInput, monthGrid, parseDayInput, parseTimeInput } from '../../renderer/lib/date-input.ts';

describe('dates and times as operators type them', () => {
  it('reads a day written day first, or as ISO, and nothing that is not a real day', () => {
    expect(parseDayInput('01.12.2025')).toBe('2025-12-01');
    expect(parseDayInput('1.12.25')).toBe('2025-12-01');
    expect(parseDayInput('01/12/2025')).toBe('2025-12-01');
    expect(parseDayInput(' 2025-12-01 ')).toBe('2025-12-01');
    expect(parseDayInput('12/31/2025')).toBeNull(); // mm/dd is not how the app's languages write it
    expect(parseDayInput('31.02.2025')).toBeNull();
    expect(parseDayInput('вчера')).toBeNull();
    expect(parseDayInput('')).toBeNull();
  });
  it('shows a day in the UI language', () => {
    expect(formatDayInput('2025-12-01', 'ru')).toBe('01.12.2025');
    expect(formatDayInput('2025-12-01', 'en')).toBe('01/12/2025');
  });
  it('reads a 24-hour time, never AM/PM', () => {
    expect(parseTimeInput('22:00')).toBe('22:00');
    expect(parseTimeInput('9:05')).toBe('09:05');
    expect(parseTimeInput('0800')).toBe('08:00');
    expect(parseTimeInput('10:00 PM')).toBeNull();
    expect(parseTimeInput('24:00')).toBeNull();
  });
  it('lays a month out Monday first', () => {
    const december = monthGrid(2025, 12);
    expect(december[0]![0]).toBe('2025-12-01'); // 1 December 2025 is a Monday
    expect(december.flat().filter(Boolean)).toHaveLength(31);
    expect(monthGrid(2026, 2)[0]!.slice(0, 6)).toEqual([null, null, null, null, null, null]); // 1 Feb 2026 is a Sunday
  });
});
