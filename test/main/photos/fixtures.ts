import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxAdmin, type SandboxAdmin } from '../../../sandbox/admin-client.ts';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.ts';
import { Evidence } from '../../../main/evidence/evidence.ts';
import type { Logger } from '../../../main/log.ts';
import { MarketClient } from '../../../main/market/client.ts';
import { KeyScheduler } from '../../../main/market/scheduler.ts';
import { Outbox } from '../../../main/outbox/outbox.ts';
import type { MarketSession } from '../../../main/composition.ts';
import { openStore, storePath, type Store } from '../../../main/store/store.ts';
import { SyncEngine } from '../../../main/sync/engine.ts';
import { toInboxRow } from '../../../main/returns/views.ts';
import { memoryLogger } from '../../helpers/logs.ts';

export interface EvidenceWorld {
  sandbox: RunningSandbox;
  admin: SandboxAdmin;
  dir: string;
  store: Store;
  client: MarketClient;
  session: MarketSession;
  evidence: Evidence;
  logger: Logger;
  lines: string[];
  /** Syncs the store with the sandbox again (after admin changes). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The real sandbox over HTTP, a real store synced from it, and the evidence services over a real client. */
export async function evidenceWorld(options: { returns?: number; cacheMaxBytes?: number; locale?: 'ru' | 'en' } = {}): Promise<EvidenceWorld> {
  const sandbox = await startSandbox({ port: 0, quiet: true, returns: options.returns ?? 80 });
  const admin = sandboxAdmin(sandbox.url);
  const dir = mkdtempSync(join(tmpdir(), 'rd-evidence-'));
  const store = openStore(storePath(dir));
  const { logger, lines } = memoryLogger();
  const scheduler = new KeyScheduler();
  const client = new MarketClient({
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    logger,
    scheduler,
    retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20, parallelPauseMs: 50 },
  });
  const sync = new SyncEngine({ client, store, logger });
  const outbox = new Outbox({ store, client, logger, locale: () => 'en', operator: () => 'tester' });
  const session = {
    endpoint: { mode: 'live', baseUrl: sandbox.url, apiKey: sandbox.apiKey, close: async () => {} },
    client,
    sync,
    outbox,
    close: async () => {},
  } as MarketSession;
  await sync.syncNow({ priority: 'interactive' });
  const evidence = new Evidence({
    store,
    session: () => session,
    dataDir: dir,
    logger,
    cacheMaxBytes: options.cacheMaxBytes,
    locale: () => options.locale ?? 'en',
    audit: (returnId) => outbox.audit(returnId, 5000),
    disputes: () => store.inboxPage({ inDispute: true }, { limit: 500 }).rows.map((row) => toInboxRow(row, null)),
  });
  return {
    sandbox,
    admin,
    dir,
    store,
    client,
    session,
    evidence,
    logger,
    lines,
    sync: async () => {
      await sync.syncNow({ priority: 'interactive' });
    },
    close: async () => {
      await sync.stop();
      await outbox.stop();
      await evidence.close();
      store.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Returns with photos, most photos first: [returnId, itemId, imageHash][] per return. */
export function returnsWithPhotos(
  store: Store,
  filter: (row: { placementType: string | null; returnType: string }) => boolean = () => true,
): Array<{ returnId: number; photos: Array<{ itemId: number; imageHash: string }> }> {
  const rows = store.inboxPage({ hasPhotos: true }, { limit: 500 }).rows.filter(filter);
  return rows
    .map((row) => {
      const detail = store.returnDetail(row.id)!;
      const photos = detail.items.flatMap((i) =>
        i.photos.filter((p) => p.returnItemId !== null).map((p) => ({ itemId: p.returnItemId!, imageHash: p.imageHash })),
      );
      return { returnId: row.id, photos };
    })
    .filter((r) => r.photos.length > 0)
    .sort((a, b) => b.photos.length - a.photos.length);
}
