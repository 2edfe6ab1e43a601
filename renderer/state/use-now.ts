import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { bridge } from './bridge.ts';
import { statusQuery } from './queries.ts';

/** The Market clock's offset from this machine's, the only part of the status a countdown needs. */
const selectOffset = (status: { marketClock: { offsetMs: number } }): number => status.marketClock.offsetMs;

/**
 * The Market's current time, re-read every `intervalMs`, for live countdowns: this machine's clock
 * corrected by the offset main measured from the Market's Date headers (the Market counts the 48 hours).
 * Only a new offset re-renders the caller, not every status.changed (a sync sends several a second).
 */
export function useNow(intervalMs: number): number {
  const offsetMs = useQuery({ ...statusQuery(bridge), select: selectOffset }).data ?? 0;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now + offsetMs;
}
