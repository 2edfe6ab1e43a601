/**
 * Watches the chats about returns, per business, once per fast poll (and at once on a push): a new
 * buyer message, an arbitrage chat that opens or finishes. An arbitrage start also re-reads its return,
 * so the dispute shows in the inbox within one poll instead of at the next slow one. What it saw is kept
 * in `chat_watch`; the first poll of a business only takes stock, so old messages are never news.
 */
import type { Logger } from '../log.ts';
import type { MarketClient } from '../market/client.ts';
import { MarketError } from '../market/errors.ts';
import type { ChatDTO, ChatMessageDTO } from '../market/schemas.ts';
import type { ChatWatchRepository, WatchedChat } from '../store/repositories.ts';
import type { ChatActivity } from './policy.ts';

/** ChatStatusType values of a chat still going on: every one but FINISHED ("чат завершен"). */
export const OPEN_CHAT_STATUSES = ['NEW', 'WAITING_FOR_CUSTOMER', 'WAITING_FOR_PARTNER', 'WAITING_FOR_ARBITER', 'WAITING_FOR_MARKET'] as const;
const FINISHED = 'FINISHED';
const DAY = 86_400_000;
/** A second of the Market's dates plus the uncertainty of our estimate of its clock. */
const SECOND_MARGIN_MS = 2_000;

export interface ChatWatchOptions {
  /** What was seen of each chat, kept by the store. */
  watched: ChatWatchRepository<'sync'>;
  client: () => MarketClient;
  /** Re-reads returns of one store (the sync engine's refreshReturns). */
  refreshReturns: (campaignId: number, refs: Array<{ orderId: number; returnId: number }>) => Promise<unknown>;
  /** The store a return belongs to, when a chat does not say. */
  returnRef: (returnId: number) => { campaignId: number; orderId: number } | null;
  /** The Market's time now. */
  now: () => number;
  logger: Logger;
  /** Pages of 20 open chats read per poll. */
  maxPages?: number;
  /** Known open chats missing from the listing that are looked up one by one per poll. */
  maxRechecks?: number;
}

export interface ChatPollResult {
  businessId: number;
  /** True on the first poll of a business: only took stock. */
  baseline: boolean;
  listed: number;
  newBuyerMessages: number;
  arbitrageStarted: number[];
  arbitrageFinished: number[];
  /** Returns re-read because of an arbitrage chat. */
  refreshed: number[];
}

export class ChatWatch {
  readonly #o: Required<Omit<ChatWatchOptions, 'maxPages' | 'maxRechecks'>> & { maxPages: number; maxRechecks: number };
  /** Per business: the last poll asked for, and whether it has yet to start (then it will see any later change too). */
  readonly #polls = new Map<number, { tail: Promise<ChatPollResult>; waiting: boolean }>();

  constructor(options: ChatWatchOptions) {
    this.#o = { maxPages: 25, maxRechecks: 20, ...options };
  }

  /**
   * Polls one business: now, or right after the poll of it that is running (which may have read the
   * chats before the change that asks for this one). Calls while a poll waits to start share it.
   */
  poll(businessId: number): Promise<ChatPollResult> {
    const last = this.#polls.get(businessId);
    if (last?.waiting) return last.tail;
    const entry = { tail: Promise.resolve() as unknown as Promise<ChatPollResult>, waiting: true };
    entry.tail = (
      last
        ? last.tail.then(
            () => undefined,
            () => undefined,
          )
        : Promise.resolve()
    ).then(() => {
      entry.waiting = false;
      return this.#poll(businessId);
    });
    this.#polls.set(businessId, entry);
    const forget = (): void => {
      if (this.#polls.get(businessId) === entry) this.#polls.delete(businessId);
    };
    entry.tail.then(forget, forget);
    return entry.tail;
  }

  /** Resolves when no poll runs or waits. */
  async idle(): Promise<void> {
    while (this.#polls.size > 0) await Promise.allSettled([...this.#polls.values()].map((p) => p.tail));
  }

  /** When the business was last polled (Market time), or null. */
  lastPoll(businessId: number): number | null {
    return this.#o.watched.lastPoll(businessId);
  }

  /** Chat activity the alert policy may speak of: recent buyer messages, open arbitrages, recently finished ones. */
  activity(now: number, campaignName: (campaignId: number) => string | null, windowMs = 3 * DAY): ChatActivity[] {
    const since = now - windowMs;
    const rows = this.#o.watched.activity(since);
    return rows.map((r) => {
      const { finishedAt, campaignId } = r;
      const lastAt = r.lastCustomerMessageAt;
      const recentMessage = lastAt !== null && lastAt >= since;
      return {
        returnId: r.returnId,
        orderId: r.orderId ?? 0,
        campaignName: campaignId === null ? null : campaignName(campaignId),
        chatId: r.chatId,
        type: r.type,
        status: r.status,
        lastCustomerMessageId: recentMessage ? r.lastCustomerMessageId : null,
        lastCustomerMessageAt: recentMessage ? lastAt : null,
        finishedAt: finishedAt !== null && finishedAt >= since ? finishedAt : null,
      };
    });
  }

  async #poll(businessId: number): Promise<ChatPollResult> {
    const { watched, logger } = this.#o;
    const client = this.#o.client();
    const baseline = !watched.hasPolled(businessId);
    const result: ChatPollResult = { businessId, baseline, listed: 0, newBuyerMessages: 0, arbitrageStarted: [], arbitrageFinished: [], refreshed: [] };
    const refresh = new Map<number, Map<number, { orderId: number; returnId: number }>>();

    const listed: ChatDTO[] = [];
    let pageToken: string | undefined;
    const tokens = new Set<string>();
    for (let page = 0; page < this.#o.maxPages; page++) {
      const answer = await client.listChats(businessId, { contextTypes: ['RETURN'], statuses: [...OPEN_CHAT_STATUSES] }, pageToken, { priority: 'poll' });
      listed.push(...answer.chats);
      pageToken = answer.paging?.nextPageToken ?? undefined;
      if (!pageToken || tokens.has(pageToken) || answer.chats.length === 0) break;
      tokens.add(pageToken);
    }
    result.listed = listed.length;
    const seen = new Set<number>();
    for (const chat of listed) {
      seen.add(chat.chatId);
      await this.#take(businessId, chat, baseline, result, refresh, client);
    }

    // Open chats we know that the listing no longer shows: finished (or gone). Ask each.
    const missing = watched
      .openChatIds(businessId, this.#o.maxRechecks + seen.size)
      .filter((id) => !seen.has(id))
      .slice(0, this.#o.maxRechecks);
    for (const chatId of missing) {
      try {
        await this.#take(businessId, await client.getChat(businessId, chatId, { priority: 'poll' }), false, result, refresh, client);
      } catch (error) {
        if (!(error instanceof MarketError && error.kind === 'not-found')) throw error;
        watched.markGone(chatId, this.#o.now());
      }
    }

    for (const [campaignId, refs] of refresh) {
      await this.#o.refreshReturns(campaignId, [...refs.values()]);
      result.refreshed.push(...refs.keys());
    }
    const now = this.#o.now();
    watched.finishPoll(businessId, now, now - 30 * DAY);
    if (result.newBuyerMessages || result.arbitrageStarted.length || result.arbitrageFinished.length) {
      logger.info('chats: activity', {
        businessId,
        buyerMessages: result.newBuyerMessages,
        arbitrageStarted: result.arbitrageStarted.length,
        arbitrageFinished: result.arbitrageFinished.length,
      });
    }
    return result;
  }

  /** Records one chat as the Market shows it now; reads its new messages when its last message moved. */
  async #take(
    businessId: number,
    chat: ChatDTO,
    baseline: boolean,
    result: ChatPollResult,
    refresh: Map<number, Map<number, { orderId: number; returnId: number }>>,
    client: MarketClient,
  ): Promise<void> {
    const returnId = chat.context?.returnId ?? null;
    if (returnId === null) return;
    const known = this.#o.returnRef(returnId);
    const campaignId = chat.context?.campaignId ?? known?.campaignId ?? null;
    const orderId = chat.context?.orderId ?? chat.orderId ?? known?.orderId ?? null;
    const row = this.#o.watched.get(chat.chatId);
    const now = this.#o.now();
    // GetChatInfoDTO.updatedAt: "Дата и время последнего сообщения в чате."
    const updatedAt = Date.parse(chat.updatedAt);
    const open = chat.status !== FINISHED;
    let lastMessageId = row?.lastMessageId ?? null;
    let lastCustomerId = row?.lastCustomerMessageId ?? null;
    let lastCustomerAt = row?.lastCustomerMessageAt ?? null;
    // Dates have whole seconds: a message later in the same second as the last one read is found by reading once more after it.
    const moved = row ? updatedAt > row.updatedAt || (updatedAt === row.updatedAt && row.checkedAt < updatedAt + SECOND_MARGIN_MS) : !baseline;
    if (moved) {
      const fresh = await this.#messagesAfter(client, businessId, chat.chatId, lastMessageId);
      // Before the first history read, only what came after the chat's last message at first sight is news.
      const news = fresh.filter((m) => (lastMessageId !== null ? m.messageId > lastMessageId : row ? Date.parse(m.createdAt) > row.updatedAt : true));
      for (const m of fresh) lastMessageId = Math.max(lastMessageId ?? 0, m.messageId);
      // ChatMessageSenderType: "`CUSTOMER` — покупатель."
      const buyer = news.filter((m) => m.sender === 'CUSTOMER').sort((a, b) => b.messageId - a.messageId)[0];
      if (buyer) {
        lastCustomerId = buyer.messageId;
        lastCustomerAt = Date.parse(buyer.createdAt);
        result.newBuyerMessages++;
      }
    }
    let finishedAt = row?.finishedAt ?? null;
    const arbitrage = chat.type === 'ARBITRAGE';
    if (arbitrage && !row && open) result.arbitrageStarted.push(chat.chatId);
    if (arbitrage && row && row.status !== FINISHED && !open) {
      if (row.seenOpen) finishedAt = now;
      result.arbitrageFinished.push(chat.chatId);
    }
    // A dispute that starts or ends changes the return: read it again now.
    if (arbitrage && (!row || row.status !== chat.status) && campaignId !== null && orderId !== null) {
      let byCampaign = refresh.get(campaignId);
      if (!byCampaign) refresh.set(campaignId, (byCampaign = new Map()));
      byCampaign.set(returnId, { orderId, returnId });
    }
    const seen: WatchedChat = {
      chatId: chat.chatId,
      businessId,
      campaignId,
      orderId,
      returnId,
      type: chat.type,
      status: chat.status,
      updatedAt: Number.isNaN(updatedAt) ? 0 : updatedAt,
      lastMessageId,
      lastCustomerMessageId: lastCustomerId,
      lastCustomerMessageAt: lastCustomerAt,
      seenOpen: open,
      finishedAt,
      checkedAt: now,
    };
    this.#o.watched.save(seen);
  }

  /** Messages after `afterId` (all of them when null), oldest first, at most 10 pages of 100. */
  async #messagesAfter(client: MarketClient, businessId: number, chatId: number, afterId: number | null): Promise<ChatMessageDTO[]> {
    const messages: ChatMessageDTO[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await client.getChatHistory(businessId, chatId, afterId === null ? undefined : afterId + 1, pageToken, { priority: 'poll' });
      messages.push(...answer.messages);
      pageToken = answer.paging?.nextPageToken ?? undefined;
      if (!pageToken || answer.messages.length === 0) break;
    }
    return messages.sort((a, b) => a.messageId - b.messageId);
  }
}
