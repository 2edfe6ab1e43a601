import type { SandboxAdmin } from '../../sandbox/admin-client.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';

/** Every return the key may see in the backfill window, read straight from the wire: what a complete sync must store. */
export async function returnsAtTheMarket(sandbox: RunningSandbox, admin: SandboxAdmin, backfillDays = 60): Promise<Set<number>> {
  const info = await admin.info();
  const mine = info.campaigns.filter((c) => info.businesses.find((b) => b.id === c.businessId)?.key === 'apiKey');
  const from = new Date(Date.parse((await admin.clock()).now) - backfillDays * 86_400_000).toISOString().slice(0, 10);
  const ids = new Set<number>();
  for (const c of mine) {
    let token: string | undefined;
    do {
      const url = new URL(`${sandbox.url}/v2/campaigns/${c.id}/returns`);
      url.searchParams.set('limit', '100');
      url.searchParams.set('fromDate', from);
      if (token) url.searchParams.set('pageToken', token);
      const body = (await (await fetch(url, { headers: { 'Api-Key': sandbox.apiKey } })).json()) as {
        result: { returns: Array<{ id: number }>; paging?: { nextPageToken?: string } };
      };
      for (const r of body.result.returns) ids.add(r.id);
      token = body.result.paging?.nextPageToken;
    } while (token);
  }
  return ids;
}
