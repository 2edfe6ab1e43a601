import { describe, expect, it } from 'vitest';
import { formatLocal, formatMsk, formatMskCell, formatMskDate, formatMskTime, mskDay, mskDayEnd, mskDayStart } from '../../preload/moscow-time.ts';

// ReturnDTO.creationDate: "Формат даты: ISO 8601 со смещением относительно UTC." example: '2020-02-02T14:30:30+03:00'.
// OrderDTO.creationDate: "Часовой пояс — UTC+03:00 (Москва)." The Market's clock is Moscow's.
const createdJustAfterMidnight = '2025-12-01T00:58:00+03:00';

describe('Moscow time, the Market clock', () => {
  it('puts a return created at 00:58 MSK on 1 December on the day the filters count it', () => {
    // The filter "created 1 Dec" counts Moscow days; the detail must say 1 Dec too, whatever the workstation's zone.
    expect(mskDay(createdJustAfterMidnight)).toBe('2025-12-01');
    expect(mskDayStart('2025-12-01')).toBeLessThanOrEqual(Date.parse(createdJustAfterMidnight));
    expect(mskDayEnd('2025-12-01')).toBeGreaterThan(Date.parse(createdJustAfterMidnight));
    expect(formatMsk(createdJustAfterMidnight, 'ru')).toBe('1 дек. 2025, 00:58 МСК');
    expect(formatMsk('2025-11-30T21:58:00Z', 'en')).toBe('1 Dec 2025, 00:58 MSK');
    expect(formatMsk(createdJustAfterMidnight, 'ru', { seconds: true })).toBe('1 дек. 2025, 00:58:00 МСК');
    expect(formatMskTime(createdJustAfterMidnight, 'ru')).toBe('00:58 МСК');
    expect(formatMskDate(createdJustAfterMidnight, 'en')).toBe('1 Dec 2025');
  });

  it('gives the workstation its own time only where it differs from Moscow', () => {
    expect(formatLocal(createdJustAfterMidnight, 'ru', 'Asia/Novosibirsk')).toBe('1 дек. 2025, 04:58 (GMT+7)');
    expect(formatLocal(createdJustAfterMidnight, 'en', 'UTC')).toMatch(/^30 Nov 2025, 21:58 \(GMT(\+0)?\)$/);
    expect(formatLocal(createdJustAfterMidnight, 'ru', 'Europe/Moscow')).toBeNull();
  });

  it('writes cells Russian Excel reads as dates, and nothing for a missing time', () => {
    expect(formatMskCell(createdJustAfterMidnight, 'ru')).toBe('01.12.2025 00:58');
    expect(formatMskCell(createdJustAfterMidnight, 'en')).toBe('2025-12-01 00:58');
    expect(formatMskCell(null, 'ru')).toBe('');
  });

  it('says what is wrong with a day that is not one, and shows a missing time as a dash', () => {
    expect(() => mskDayStart('2025-02-30', 'createdFrom')).toThrow('createdFrom must be a date as YYYY-MM-DD');
    expect(() => mskDayStart('1.12.2025', 'from')).toThrow('from must be a date');
    expect(formatMsk(null, 'ru')).toBe('—');
    expect(formatMsk('garbage', 'ru')).toBe('garbage');
  });
});
