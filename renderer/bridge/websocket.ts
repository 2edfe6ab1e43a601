import { buildApi, type RawTransport } from '../../preload/api.ts';
import { WireMessage, type ChannelName, type EventName, type Result, type ReturnDeskApi } from '../../preload/contract.ts';

const TOKEN_KEY = 'returndesk.token';
/** How long a call waits for the connection before the caller is told it was not sent. */
const CONNECT_WAIT_MS = 30_000;
/** How long a call waits for main's answer: most are read from the store at once. */
const CALL_TIMEOUT_MS = 2 * 60_000;
/** Calls that wait on the Market (downloads, reports, a sync, the chats) or on a queue of them get longer. */
const SLOW_CALL_TIMEOUT_MS = 10 * 60_000;
const SLOW_CHANNELS = /^(photos|evidence|exports|reports|sync|chats|files)\./;

/** How long a call on `channel` waits for its answer before the caller is told which call went unanswered. */
export function callTimeoutFor(channel: string): number {
  return SLOW_CHANNELS.test(channel) ? SLOW_CALL_TIMEOUT_MS : CALL_TIMEOUT_MS;
}

/** Takes the launch token from the URL fragment once, keeps it for reloads, and clears the address bar. */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY);
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused';

/**
 * The contract over a WebSocket to web mode's server: same domain API as the Electron preload.
 * Reconnects by itself; calls made while disconnected wait for the connection (up to a timeout).
 */
export function createWebSocketBridge(
  url: string,
  onState: (state: ConnectionState) => void,
  options: { callTimeoutMs?: number; connectWaitMs?: number } = {},
): ReturnDeskApi {
  const timeoutFor = (channel: string) => options.callTimeoutMs ?? callTimeoutFor(channel);
  const connectWaitMs = options.connectWaitMs ?? CONNECT_WAIT_MS;
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 500;
  let opened = false;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const waiting: Array<() => void> = [];

  const connect = (): void => {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      retryMs = 500;
      // Calls made while connecting go first, in their order (the first inbox page is asked before anything):
      // resumed before the state says open, they are sent ahead of what its listeners ask.
      for (const resume of waiting.splice(0)) resume();
      onState('open');
    };
    ws.onmessage = (message) => {
      // A frame that is not the contract's JSON answers nobody: the call it was meant for ends by its timeout.
      const parsed = WireMessage.safeParse(parseJson(String(message.data)));
      if (!parsed.success) return;
      const data = parsed.data;
      if (data.type === 'result') {
        pending.get(data.id)?.(data.result as Result<unknown>);
        pending.delete(data.id);
      } else {
        for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'TRANSPORT', message: 'The connection to ReturnDesk was lost.' } });
        pending.delete(id);
      }
      // Never opened: the server refused us (token or origin); retrying will not help.
      onState(opened ? 'closed' : 'refused');
      if (opened) setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  const whenOpen = (): Promise<boolean> =>
    socket?.readyState === WebSocket.OPEN
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), connectWaitMs);
          waiting.push(() => {
            clearTimeout(timer);
            resolve(true);
          });
        });

  const transport: RawTransport = {
    async invoke(channel: ChannelName, args: unknown) {
      if (!(await whenOpen()) || !socket) {
        return { ok: false, error: { code: 'TRANSPORT', message: `ReturnDesk is not reachable: ${channel} was not sent.` } };
      }
      const id = nextId++;
      const sent = socket;
      const timeoutMs = timeoutFor(channel);
      return new Promise<Result<unknown>>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'TRANSPORT', message: `ReturnDesk did not answer ${channel} within ${Math.round(timeoutMs / 1000)} s.` } });
        }, timeoutMs);
        pending.set(id, (result) => {
          clearTimeout(timer);
          resolve(result);
        });
        sent.send(JSON.stringify({ id, channel, args }));
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  connect();
  return buildApi(transport);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
