import { useState, type Dispatch, type SetStateAction } from 'react';

/**
 * What the operator is typing into a setting, taken over by main's value whenever that value changes
 * (another window saved it, or main stored it normalised), so a field never shows a stale setting.
 */
export function useSyncedDraft<T>(saved: T, key: (value: T) => string = String): [T, Dispatch<SetStateAction<T>>] {
  const [draft, setDraft] = useState(saved);
  const [seen, setSeen] = useState(() => key(saved));
  const now = key(saved);
  if (now !== seen) {
    // React's way to follow a prop: set state during render, before the children see the old draft.
    setSeen(now);
    setDraft(saved);
  }
  return [draft, setDraft];
}
