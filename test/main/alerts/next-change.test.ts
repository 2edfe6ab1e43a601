// When the engine must look again without being asked: the first moment time alone makes an alert due.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, nextAlertChange, quietEndsAt, UNDELIVERED_GRACE_MS } from '../../../main/alerts/policy.ts';
import { aReturn, HOUR, MINUTE, T0 } from './fixtures.ts';

const utc = () => 0;
const NIGHT = { enabled: true, start: '22:00', end: '08:00' };

describe('the next moment an alert can fall due', () => {
  it('quiet hours spanning midnight end at 08:00 of the same or the next day, and outside them there is no end', () => {
    expect(quietEndsAt(Date.UTC(2025, 0, 15, 23, 30), NIGHT, utc)).toBe(Date.UTC(2025, 0, 16, 8, 0));
    expect(quietEndsAt(Date.UTC(2025, 0, 16, 7, 59, 59), NIGHT, utc)).toBe(Date.UTC(2025, 0, 16, 8, 0));
    expect(quietEndsAt(Date.UTC(2025, 0, 16, 8, 0), NIGHT, utc)).toBeNull();
    // Moscow (UTC+3): 08:00 MSK is 05:00 UTC.
    expect(quietEndsAt(Date.UTC(2025, 0, 16, 4, 0), NIGHT, () => 180)).toBe(Date.UTC(2025, 0, 16, 5, 0));
  });

  it('is the nearest threshold, deadline, grace of a queued decision or end of quiet hours still ahead', () => {
    const settings = DEFAULT_ALERT_SETTINGS; // 24, 6, 1 h
    const returns = [aReturn(1)]; // deadline T0 + 48 h
    expect(nextAlertChange({ returns }, settings, T0, utc)).toBe(T0 + 24 * HOUR);
    expect(nextAlertChange({ returns }, settings, T0 + 24 * HOUR, utc)).toBe(T0 + 42 * HOUR);
    expect(nextAlertChange({ returns }, settings, T0 + 47 * HOUR, utc)).toBe(T0 + 48 * HOUR);
    expect(nextAlertChange({ returns }, settings, T0 + 48 * HOUR, utc)).toBeNull();
    const queued = aReturn(2, { outboxState: 'queued', pendingDecision: { queuedAt: T0 + 30 * HOUR, reason: 'unreachable' } });
    expect(nextAlertChange({ returns: [queued] }, settings, T0 + 30 * HOUR, utc)).toBe(T0 + 30 * HOUR + UNDELIVERED_GRACE_MS);
    const night = { ...settings, quietHours: NIGHT };
    expect(nextAlertChange({ returns: [] }, night, Date.UTC(2025, 0, 15, 23, 0), utc)).toBe(Date.UTC(2025, 0, 16, 8, 0));
    expect(nextAlertChange({ returns: [] }, night, Date.UTC(2025, 0, 15, 12, 0) + MINUTE, utc)).toBeNull();
  });
});
