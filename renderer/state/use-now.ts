import { useEffect, useState } from 'react';
import { useStatus } from './queries.ts';

/**
 * The Market's current time, re-read every `intervalMs`, for live countdowns: this machine's clock
 * corrected by the offset main measured from the Market's Date headers (the Market counts the 48 hours).
 */
export function useNow(intervalMs: number): number {
  const offsetMs = useStatus().data?.marketClock.offsetMs ?? 0;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now + offsetMs;
}
