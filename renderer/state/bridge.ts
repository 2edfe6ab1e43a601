import type { ReturnDeskApi } from '../../preload/contract.ts';
import { connectBridge } from '../bridge/index.ts';
import { useAppStore } from './store.ts';

/**
 * This window's one link to main, made once when the renderer loads (the preload's in Electron, a
 * WebSocket in web mode) and never replaced; its connection state is UI state in the store.
 */
export const bridge: ReturnDeskApi | null = typeof window === 'undefined' ? null : connectBridge((state) => useAppStore.getState().setConnection(state));

/** The bridge for components (null without a launch token). */
export function useBridge(): ReturnDeskApi | null {
  return bridge;
}
