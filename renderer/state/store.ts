import { create } from 'zustand';
import type { AppInfo, BridgeError, ReturnDeskApi, Settings } from '../../preload/contract.ts';
import type { ConnectionState } from '../bridge/websocket.ts';

export interface AppState {
  bridge: ReturnDeskApi | null;
  connection: ConnectionState | 'no-token';
  info: AppInfo | null;
  settings: Settings | null;
  /** Last bridge error worth showing, with what was being done. */
  lastError: { action: string; error: BridgeError } | null;
  pongs: Array<{ seq: number; text: string }>;

  setConnection(connection: AppState['connection']): void;
  setBridge(bridge: ReturnDeskApi | null): void;
  setInfo(info: AppInfo): void;
  setSettings(settings: Settings): void;
  reportError(action: string, error: BridgeError): void;
  clearError(): void;
  addPong(pong: { seq: number; text: string }): void;
}

export const useAppStore = create<AppState>()((set) => ({
  bridge: null,
  connection: 'connecting',
  info: null,
  settings: null,
  lastError: null,
  pongs: [],
  setConnection: (connection) => set({ connection }),
  setBridge: (bridge) => set({ bridge }),
  setInfo: (info) => set({ info }),
  setSettings: (settings) => set({ settings }),
  reportError: (action, error) => set({ lastError: { action, error } }),
  clearError: () => set({ lastError: null }),
  addPong: (pong) => set((state) => ({ pongs: [...state.pongs.slice(-19), pong] })),
}));
