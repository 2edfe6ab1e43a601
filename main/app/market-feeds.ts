/**
 * What the Market tells a running app, turned into events for the screens: the session's sync,
 * outbox, reachability and clock, the chats polled after each fast poll, and the Market's push notifications.
 */
import type { OutboxEntry } from '../../preload/contract.ts';
import { ChatWatch } from '../alerts/index.ts';
import type { MarketSession } from '../composition.ts';
import type { EventHub } from '../ipc/router.ts';
import type { Logger } from '../log.ts';
import { LARGE_SKEW_MS, type MarketTimeInfo } from '../market/market-time.ts';
import { PushService } from '../push/push-service.ts';
import type { ReturnEvent } from '../push/receiver.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import type { Store } from '../store/store.ts';

export interface MarketFeeds {
  chats: ChatWatch;
  push: PushService;
  /** Listens to a session's parts; returns what stops listening. */
  attach(session: MarketSession): () => void;
}

export function createMarketFeeds(deps: {
  store: Store;
  settings: SettingsStore;
  events: EventHub;
  session: () => MarketSession;
  logger: Logger;
  version: string;
  locale: () => 'ru' | 'en';
  /** Something an alert may depend on changed: look soon (now, or two seconds after the last such look), not at the next minute. */
  alertsTick: () => void;
  /** A decision changed state: what the alerts read of the returns' decisions is read again. */
  decisionMoved: () => void;
  statusChanged: () => void;
}): MarketFeeds {
  const { store, events, session, logger, alertsTick, statusChanged } = deps;

  const chats = new ChatWatch({
    watched: store.chatWatch,
    client: () => session().client,
    refreshReturns: (campaignId, refs) => session().sync.refreshReturns(campaignId, refs),
    returnRef: (returnId) => {
      const row = store.getReturn(returnId);
      return row ? { campaignId: row.campaignId, orderId: row.orderId } : null;
    },
    now: () => session().client.time.now(),
    logger: logger.child({ module: 'chats' }),
  });
  const chatsMoved = (result: { newBuyerMessages: number; arbitrageStarted: unknown[]; arbitrageFinished: unknown[] }): boolean =>
    result.newBuyerMessages > 0 || result.arbitrageStarted.length > 0 || result.arbitrageFinished.length > 0;

  /** After a fast poll: the chats of each business polled, once per business. */
  const pollChats = (campaignIds: readonly number[]): void => {
    const businesses = new Set(campaignIds.map((id) => store.getCampaign(id)?.businessId).filter((id): id is number => !!id));
    for (const businessId of businesses) {
      chats
        .poll(businessId)
        .then((result) => {
          if (chatsMoved(result)) alertsTick();
        })
        .catch((error: unknown) => logger.warn('chats: poll failed', { businessId, error: error instanceof Error ? error.message : String(error) }));
    }
  };

  /** One sync of a store at a time for pushes: a burst of notifications runs it once more, not once each. */
  const pushSyncs = new Map<number, { running: Promise<void>; again: boolean }>();
  const syncForPush = (campaignId: number): Promise<void> => {
    const busy = pushSyncs.get(campaignId);
    if (busy) {
      busy.again = true;
      return busy.running;
    }
    const entry = { running: Promise.resolve(), again: false };
    entry.running = (async () => {
      do {
        entry.again = false;
        await session().sync.syncCampaign(campaignId, 'fast');
      } while (entry.again);
    })().finally(() => pushSyncs.delete(campaignId));
    pushSyncs.set(campaignId, entry);
    return entry.running;
  };
  /** A notification from the Market: refresh what it names and sync its store now, not at the next poll. */
  const onPush = async (event: ReturnEvent): Promise<void> => {
    if (event.kind === 'returnCreated' || event.kind === 'returnStatusUpdated') {
      if (!store.getCampaign(event.campaignId)) {
        logger.info('push: a notification about a store this key does not know; ignored', { campaignId: event.campaignId });
        return;
      }
      await session().sync.refreshReturns(event.campaignId, [{ orderId: event.orderId, returnId: event.returnId }], 'interactive');
      await syncForPush(event.campaignId);
      return;
    }
    if (!store.listCampaigns().some((c) => c.businessId === event.businessId)) {
      logger.info('push: a notification about a business this key does not know; ignored', { businessId: event.businessId });
      return;
    }
    if (chatsMoved(await chats.poll(event.businessId))) alertsTick();
  };
  const push = new PushService({
    settings: () => deps.settings.get().pushReceiver,
    onEvent: onPush,
    onChange: () => statusChanged(),
    logger,
    version: deps.version,
    locale: deps.locale,
  });

  const attach = (current: MarketSession): (() => void) => {
    const onOutboxChanged = (entry: OutboxEntry): void => {
      deps.decisionMoved();
      events.emit('outbox.changed', entry);
      events.emit('returns.changed', { returnIds: [entry.returnId], full: false });
      if (entry.state === 'failed' || entry.state === 'conflict') alertsTick();
      statusChanged();
    };
    const onOutboxStatus = (): void => statusChanged();
    const onReachability = (): void => statusChanged();
    const onClockChange = (info: MarketTimeInfo): void => {
      if (Math.abs(info.offsetMs) > LARGE_SKEW_MS)
        logger.warn("the workstation clock differs from the Market's; deadlines are counted in the Market's time", { offsetMs: info.offsetMs });
      // Another reading of the Market's clock may put a threshold or a deadline behind us: look now, not at the next minute.
      alertsTick();
      statusChanged();
    };
    current.outbox.on('changed', onOutboxChanged);
    current.outbox.on('status', onOutboxStatus);
    current.client.reachability.on('change', onReachability);
    current.client.time.on('change', onClockChange);
    const offs = [
      () => current.outbox.off('changed', onOutboxChanged),
      () => current.outbox.off('status', onOutboxStatus),
      () => current.client.reachability.off('change', onReachability),
      () => current.client.time.off('change', onClockChange),
      current.sync.on('changed', (change) => {
        if (change.returnIds.length === 0 && change.orderIds.length > 0) {
          // Orders written: the rows of their returns show them (marked goods, products); nothing a filter or count reads moved.
          const returnIds = store.returnIdsOfOrders(change.orderIds);
          events.emit('returns.changed', { returnIds: returnIds.slice(0, 10_000), full: returnIds.length > 10_000, rowsOnly: true });
        } else events.emit('returns.changed', { returnIds: change.returnIds.slice(0, 10_000), full: change.returnIds.length > 10_000 });
        alertsTick();
        statusChanged();
      }),
      current.sync.on('progress', () => statusChanged()),
      current.sync.on('round', (round) => {
        if (round.lane === 'fast') pollChats(round.campaignIds);
      }),
      current.sync.on('error', () => statusChanged()),
    ];
    return () => {
      for (const off of offs) off();
    };
  };

  return { chats, push, attach };
}
