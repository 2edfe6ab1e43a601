/* eslint-disable @typescript-eslint/no-explicit-any -- JSON off the wire; the assertions check its shape */
// Shared helpers for sandbox integration tests: a real server on a free port, fetch with the Api-Key.
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../sandbox/index.ts';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';

export interface Harness {
  sb: RunningSandbox;
  admin: ReturnType<typeof sandboxAdmin>;
  api: (path: string, init?: RequestInit & { key?: string | null }) => Promise<Response>;
  json: <T = any>(path: string, init?: RequestInit & { key?: string | null }) => Promise<{ status: number; body: T; res: Response }>;
  info: { businesses: { id: number; key: string }[]; campaigns: { id: number; businessId: number; program: string }[] };
}

export async function harness(options: SandboxOptions = {}): Promise<Harness> {
  const sb = await startSandbox({ port: 0, quiet: true, ...options });
  const admin = sandboxAdmin(sb.url);
  const api = (path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const key = init.key === undefined ? sb.apiKey : init.key;
    if (key !== null) headers.set('Api-Key', key);
    if (init.body && typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(sb.url + path, { ...init, headers });
  };
  const json = async (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const res = await api(path, init);
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), res };
  };
  const info = (await (await fetch(`${sb.url}/_sandbox/info`)).json()) as Harness['info'];
  return { sb, admin, api, json, info };
}
