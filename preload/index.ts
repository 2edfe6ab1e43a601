/**
 * Electron preload (sandboxed, bundled to CommonJS): exposes the domain API on window.returnDesk.
 * The renderer gets functions only — never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api.ts';
import { isEventName, type Result } from './contract.ts';

const INVOKE = 'returndesk:invoke';
const EVENT = 'returndesk:event';
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api = buildApi({
  invoke: async (channel, args) => {
    try {
      return (await ipcRenderer.invoke(INVOKE, channel, args)) as Result<unknown>;
    } catch (error) {
      return { ok: false, error: { code: 'TRANSPORT', message: error instanceof Error ? error.message : 'IPC failed' } };
    }
  },
  subscribe: (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  },
});

contextBridge.exposeInMainWorld('returnDesk', api);
