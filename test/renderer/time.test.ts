import { describe, expect, it } from 'vitest';
import { formatCountdown, msUntil, urgencyOf } from '../../renderer/lib/time.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('urgency of a decision deadline', () => {
  it('is critical under an hour, warning under six, notice under a day', () => {
    expect(urgencyOf(59 * MIN)).toBe('critical');
    expect(urgencyOf(HOUR)).toBe('warning');
    expect(urgencyOf(6 * HOUR - 1)).toBe('warning');
    expect(urgencyOf(6 * HOUR)).toBe('notice');
    expect(urgencyOf(24 * HOUR - 1)).toBe('notice');
    expect(urgencyOf(24 * HOUR)).toBe('calm');
  });
  it('is overdue at and after the deadline', () => {
    expect(urgencyOf(0)).toBe('overdue');
    expect(urgencyOf(-5 * MIN)).toBe('overdue');
  });
});

describe('countdown wording', () => {
  it('shows days and hours beyond a day', () => {
    expect(formatCountdown(26 * HOUR + 5 * MIN, 'en')).toBe('1 d 2 h');
    expect(formatCountdown(26 * HOUR + 5 * MIN, 'ru')).toBe('1 д 2 ч');
  });
  it('shows hours and padded minutes under a day', () => {
    expect(formatCountdown(5 * HOUR + 7 * MIN + 30_000, 'en')).toBe('5 h 07 min');
    expect(formatCountdown(5 * HOUR + 7 * MIN, 'ru')).toBe('5 ч 07 мин');
  });
  it('shows minutes under an hour, or min:sec when asked', () => {
    expect(formatCountdown(42 * MIN + 10_000, 'en')).toBe('42 min');
    expect(formatCountdown(12 * MIN + 5_000, 'en', { seconds: true })).toBe('12:05');
    expect(formatCountdown(30_000, 'en')).toBe('<1 min');
  });
  it('says how long ago the deadline passed', () => {
    expect(formatCountdown(-3 * MIN, 'en')).toBe('overdue 3 min');
    expect(formatCountdown(-(2 * HOUR + 10 * MIN), 'ru')).toBe('просрочено 2 ч 10 мин');
    expect(formatCountdown(-10, 'en')).toBe('overdue 1 min');
  });
  it('never throws on odd input', () => {
    expect(msUntil(null, 0)).toBeNull();
    expect(msUntil('not a date', 0)).toBeNull();
    expect(msUntil('1970-01-01T00:01:00Z', 0)).toBe(MIN);
  });
});
