/**
 * Builds the domain API (`returnDesk.settings.get()`, …) from the contract over any transport's
 * raw invoke and subscribe. Shared by the Electron preload and the renderer's WebSocket bridge, so
 * both transports offer exactly the same object.
 */
import { channels, type ChannelName, type EventName, type ReturnDeskApi, type Result } from './contract.ts';

export interface RawTransport {
  invoke(channel: ChannelName, args: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Returns a frozen object shaped like ReturnDeskApi, every method delegating to `transport`. */
export function buildApi(transport: RawTransport): ReturnDeskApi {
  const groups: Record<string, Record<string, (args?: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of Object.keys(channels) as ChannelName[]) {
    const [group, method] = channel.split('.') as [string, string];
    groups[group] ??= {};
    groups[group][method] = (args?: unknown) => transport.invoke(channel, args);
  }
  const api = {
    ...Object.fromEntries(Object.entries(groups).map(([g, methods]) => [g, Object.freeze(methods)])),
    on: (event: EventName, listener: (payload: unknown) => void) => transport.subscribe(event, listener),
  };
  return Object.freeze(api) as unknown as ReturnDeskApi;
}
