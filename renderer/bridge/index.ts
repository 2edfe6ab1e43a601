import type { ReturnDeskApi } from '../../preload/contract.ts';
import { createWebSocketBridge, takeToken, type ConnectionState } from './websocket.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode until the WebSocket bridge installs it. */
    returnDesk?: ReturnDeskApi;
  }
}

/** Returns the bridge: the preload's in Electron, else a WebSocket bridge to web mode's server. */
export function connectBridge(onState: (state: ConnectionState | 'no-token') => void): ReturnDeskApi | null {
  if (window.returnDesk) {
    onState('open');
    return window.returnDesk;
  }
  const token = takeToken(window.location, window.sessionStorage, window.history);
  if (!token) {
    onState('no-token');
    return null;
  }
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/bridge?token=${encodeURIComponent(token)}`;
  return createWebSocketBridge(url, onState);
}
