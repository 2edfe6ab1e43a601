/** Chats about a return: the buyer chat (created on demand) and the arbitrage chat of a dispute. */
import type { ChatMessageView, ChatView, ReturnChats } from '../../preload/contract.ts';
import type { ChatDTO, ChatMessageDTO } from '../market/schemas.ts';
import type { MarketClient } from '../market/client.ts';
import type { Store } from '../store/store.ts';
import { sendChatFile } from './chat-files.ts';

/** Chats about returns exist in the FBY/FBS/Express model only. */
export function returnChatsSupported(placementType: string | null): boolean {
  return placementType !== 'DBS';
}

export class ChatError extends Error {
  readonly bridgeCode: 'NOT_FOUND' | 'CONFLICT';
  constructor(code: 'NOT_FOUND' | 'CONFLICT', message: string) {
    super(message);
    this.name = 'ChatError';
    this.bridgeCode = code;
  }
}

export const toChatView = (chat: ChatDTO): ChatView => ({
  chatId: chat.chatId,
  type: chat.type,
  status: chat.status,
  createdAt: chat.createdAt,
  updatedAt: chat.updatedAt,
  customerName: chat.context?.customer?.name ?? null,
});

export const toMessageView = (m: ChatMessageDTO): ChatMessageView => ({
  messageId: m.messageId,
  createdAt: m.createdAt,
  sender: m.sender,
  text: m.message ?? null,
  files: (m.payload ?? []).map((f) => ({ name: f.name, size: f.size })),
});

/** What chats need of the current key: its client, and its endpoint for sending files. */
export interface ChatMarket {
  client: Pick<MarketClient, 'listChats' | 'createChat' | 'getChatHistory' | 'sendChatMessage' | 'scheduler'>;
  endpoint: { baseUrl: string; apiKey: string };
}

export interface ChatServiceOptions {
  store: Store;
  session: () => ChatMarket;
}

export class ChatService {
  readonly #store: Store;
  readonly #session: () => ChatMarket;
  /** `returnId/chatId` of chats seen about each return: a chat id from the renderer must be one of them. */
  readonly #known = new Set<string>();

  constructor(options: ChatServiceOptions) {
    this.#store = options.store;
    this.#session = options.session;
  }

  #context(returnId: number): { businessId: number; placementType: string | null } {
    const row = this.#store.getReturn(returnId);
    if (!row) throw new ChatError('NOT_FOUND', `Return ${returnId} is not in the local store.`);
    const businessId = this.#store.getCampaign(row.campaignId)?.businessId;
    if (!businessId) throw new ChatError('NOT_FOUND', `The business of store ${row.campaignId} is not known yet; sync first.`);
    return { businessId, placementType: row.placementType };
  }

  /** Every chat about this return (buyer chat and arbitrage), newest first. */
  async forReturn(returnId: number): Promise<ReturnChats> {
    const { businessId, placementType } = this.#context(returnId);
    if (!returnChatsSupported(placementType)) return { returnId, supported: false, chats: [] };
    const chats: ChatDTO[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await this.#session().client.listChats(businessId, { contexts: [{ type: 'RETURN', id: returnId }] }, pageToken);
      chats.push(...result.chats);
      pageToken = result.paging?.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
    for (const chat of chats) this.#known.add(`${returnId}/${chat.chatId}`);
    // Arbitrage first: in a dispute it is the chat that matters.
    const views = chats
      .map(toChatView)
      .sort((a, b) => Number(b.type === 'ARBITRAGE') - Number(a.type === 'ARBITRAGE') || b.updatedAt.localeCompare(a.updatedAt));
    return { returnId, supported: true, chats: views };
  }

  /** Opens the buyer chat about the return (the Market returns the existing one if there is one). */
  async open(returnId: number): Promise<ChatView> {
    const { businessId, placementType } = this.#context(returnId);
    if (!returnChatsSupported(placementType)) throw new ChatError('CONFLICT', 'Chats about returns are available for FBY, FBS and Express stores only.');
    const chatId = await this.#session().client.createChat(businessId, { type: 'RETURN', id: returnId });
    this.#known.add(`${returnId}/${chatId}`);
    const { chats } = await this.forReturn(returnId);
    const chat = chats.find((c) => c.chatId === chatId);
    if (!chat) throw new ChatError('NOT_FOUND', `The Market created chat ${chatId} but does not list it yet; try again.`);
    return chat;
  }

  async #businessOf(returnId: number, chatId: number): Promise<number> {
    const { businessId } = this.#context(returnId);
    if (!this.#known.has(`${returnId}/${chatId}`)) {
      const { chats } = await this.forReturn(returnId);
      if (!chats.some((c) => c.chatId === chatId)) throw new ChatError('NOT_FOUND', `Chat ${chatId} is not a chat about return ${returnId}.`);
    }
    return businessId;
  }

  /** The whole history of a chat, oldest first. */
  async history(returnId: number, chatId: number): Promise<ChatMessageView[]> {
    const businessId = await this.#businessOf(returnId, chatId);
    const messages: ChatMessageDTO[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await this.#session().client.getChatHistory(businessId, chatId, undefined, pageToken);
      messages.push(...result.messages);
      pageToken = result.paging?.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
    return messages.sort((a, b) => a.messageId - b.messageId).map(toMessageView);
  }

  async send(returnId: number, chatId: number, text: string): Promise<ChatMessageView[]> {
    const businessId = await this.#businessOf(returnId, chatId);
    await this.#session().client.sendChatMessage(businessId, chatId, text);
    return this.history(returnId, chatId);
  }

  async sendFile(returnId: number, chatId: number, file: { name: string; mime: string; data: Buffer }): Promise<ChatMessageView[]> {
    const businessId = await this.#businessOf(returnId, chatId);
    const session = this.#session();
    await sendChatFile({ baseUrl: session.endpoint.baseUrl, apiKey: session.endpoint.apiKey, scheduler: session.client.scheduler }, businessId, chatId, file);
    return this.history(returnId, chatId);
  }
}
