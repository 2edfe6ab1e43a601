import WebSocket from 'ws';

export interface BridgeSocket {
  /** Calls a contract channel over web mode's WebSocket and resolves with its `{ ok, value | error }`. */
  call<T = unknown>(channel: string, args?: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>;
  close(): void;
}

/** Opens web mode's bridge from the URL it printed (token in the fragment), as our own page would. */
export async function openBridge(printedUrl: string): Promise<BridgeSocket> {
  const url = new URL(printedUrl);
  const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
  const ws = new WebSocket(`ws://${url.host}/bridge?token=${token}`, { headers: { origin: url.origin } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map<number, (result: never) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: number; result?: never };
    if (message.type === 'result' && message.id !== undefined) pending.get(message.id)?.(message.result!);
  });
  let nextId = 1;
  return {
    call: (channel, args) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve as (result: never) => void);
        ws.send(JSON.stringify({ id, channel, args }));
      }),
    close: () => ws.close(),
  };
}
