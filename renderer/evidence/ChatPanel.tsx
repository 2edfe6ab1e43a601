// Chats about the open return: the buyer chat (opened on demand) and, in a dispute, the arbitrage chat first.
import { useCallback, useEffect, useState } from 'react';
import type { BridgeError, ChatMessageView, ChatView, ReturnDetail } from '../../preload/contract.ts';
import { codeLabel } from '../../preload/market-words.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { useBridge } from './state.ts';
import { useI18n } from '../i18n/index.ts';

export function ChatPanel({ detail, prominentArbitrage }: { detail: ReturnDetail; prominentArbitrage: boolean }) {
  const { t, locale } = useI18n();
  const bridge = useBridge();
  const returnId = detail.row.returnId;
  const [chats, setChats] = useState<ChatView[] | null>(null);
  const [supported, setSupported] = useState(true);
  const [active, setActive] = useState<number | null>(null);
  const [messages, setMessages] = useState<ChatMessageView[] | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);

  const loadHistory = useCallback(
    async (chatId: number) => {
      if (!bridge) return;
      setActive(chatId);
      setMessages(null);
      const history = await bridge.chats.history({ returnId, chatId });
      if (history.ok) setMessages(history.value);
      else setError(history.error);
    },
    [bridge, returnId],
  );

  useEffect(() => {
    setChats(null);
    setActive(null);
    setMessages(null);
    setError(null);
    if (!bridge) return;
    let live = true;
    void bridge.chats.forReturn({ returnId }).then((r) => {
      if (!live) return;
      if (!r.ok) return setError(r.error);
      setSupported(r.value.supported);
      setChats(r.value.chats);
      const first = r.value.chats[0];
      // In a dispute the arbitrage chat opens by itself: that is where the case is decided.
      if (first && (prominentArbitrage || first.type === 'ARBITRAGE')) void loadHistory(first.chatId);
    });
    return () => {
      live = false;
    };
  }, [bridge, returnId, prominentArbitrage, loadHistory]);

  const openChat = async () => {
    if (!bridge) return;
    setBusy(true);
    const chat = await bridge.chats.open({ returnId });
    setBusy(false);
    if (!chat.ok) return setError(chat.error);
    setChats((prev) => [...(prev ?? []).filter((c) => c.chatId !== chat.value.chatId), chat.value]);
    await loadHistory(chat.value.chatId);
  };

  const send = async () => {
    if (!bridge || active === null || !text.trim()) return;
    setBusy(true);
    const result = await bridge.chats.send({ returnId, chatId: active, text });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    setText('');
    setMessages(result.value);
  };

  const attach = async (photo: { itemId: number; imageHash: string }) => {
    if (!bridge || active === null) return;
    setBusy(true);
    const result = await bridge.chats.sendPhoto({ returnId, chatId: active, ...photo });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setMessages(result.value);
  };

  const photos = detail.items.flatMap((item) =>
    item.photos.filter((p) => p.returnItemId !== null).map((p, i) => ({ itemId: p.returnItemId!, imageHash: p.imageHash, label: `${item.shopSku} #${i + 1}` })),
  );
  const activeChat = chats?.find((c) => c.chatId === active) ?? null;
  const hasBuyerChat = chats?.some((c) => c.type === 'CHAT') ?? false;
  const time = (iso: string) => formatMsk(iso, locale);

  return (
    <div className="ev-card" data-testid="chats">
      <p className="ev-item-head">
        <span className="ev-item-name">{t('evidence:chats')}</span>
      </p>
      {!supported ? (
        <p className="muted">{t('evidence:chatsUnsupported')}</p>
      ) : chats === null && !error ? (
        <p className="muted">{t('evidence:loading')}</p>
      ) : (
        <>
          <div className="ev-actions">
            {(chats ?? []).length > 0 && (
              <div role="tablist" aria-label={t('evidence:chats')} className="ev-actions">
                {(chats ?? []).map((chat) => (
                  <button
                    key={chat.chatId}
                    type="button"
                    role="tab"
                    aria-selected={chat.chatId === active}
                    className={`ev-button${chat.type === 'ARBITRAGE' ? ' ev-arbitrage' : ''}`}
                    onClick={() => void loadHistory(chat.chatId)}
                    data-testid={chat.type === 'ARBITRAGE' ? 'arbitrage-chat' : 'buyer-chat'}
                  >
                    {chat.type === 'ARBITRAGE'
                      ? t('evidence:arbitrage')
                      : chat.type === 'CHAT'
                        ? t('evidence:buyerChat')
                        : codeLabel('chatType', chat.type, locale)}{' '}
                    · {codeLabel('chatStatus', chat.status, locale)}
                  </button>
                ))}
              </div>
            )}
            {!hasBuyerChat && (
              <button type="button" className="ev-button" onClick={() => void openChat()} disabled={busy} data-testid="open-chat">
                {t('evidence:openChat')}
              </button>
            )}
          </div>
          {activeChat && (
            <div className={`ev-chat${activeChat.type === 'ARBITRAGE' ? ' ev-chat-arbitrage' : ''}`} data-testid="chat" data-chat-type={activeChat.type}>
              {messages === null ? (
                <p className="muted">{t('evidence:loading')}</p>
              ) : messages.length === 0 ? (
                <p className="muted">{t('evidence:noMessages')}</p>
              ) : (
                <ol className="ev-messages" data-testid="chat-messages">
                  {messages.map((m) => (
                    <li key={m.messageId} className={`ev-message ev-from-${m.sender.toLowerCase()}`} data-testid="chat-message">
                      <span className="ev-message-meta">
                        {codeLabel('chatSender', m.sender, locale)} · {time(m.createdAt)}
                      </span>
                      {m.text && <span className="ev-message-text">{m.text}</span>}
                      {m.files.map((f) => (
                        <span key={f.name} className="ev-message-file">
                          📎 {f.name} ({Math.max(1, Math.round(f.size / 1024))} {locale === 'ru' ? 'КБ' : 'KB'})
                        </span>
                      ))}
                    </li>
                  ))}
                </ol>
              )}
              {activeChat.status !== 'FINISHED' && (
                <form
                  className="ev-compose"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void send();
                  }}
                >
                  <textarea
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                    placeholder={t('evidence:messagePlaceholder')}
                    aria-label={t('evidence:messagePlaceholder')}
                    maxLength={4096}
                    rows={2}
                    data-testid="chat-input"
                  />
                  <div className="ev-actions">
                    <button type="submit" className="ev-button ev-primary" disabled={busy || !text.trim()} data-testid="chat-send">
                      {t('evidence:send')}
                    </button>
                    {photos.length > 0 && (
                      <select
                        aria-label={t('evidence:attachPhoto')}
                        value=""
                        disabled={busy}
                        onChange={(e) => {
                          const p = photos[Number(e.target.value)];
                          if (p) void attach(p);
                        }}
                        data-testid="chat-attach"
                      >
                        <option value="">{t('evidence:attachPhoto')}…</option>
                        {photos.map((p, i) => (
                          <option key={p.imageHash} value={i}>
                            {p.label}
                          </option>
                        ))}
                      </select>
                    )}
                  </div>
                </form>
              )}
            </div>
          )}
        </>
      )}
      {error && (
        <p className="ev-error" role="alert">
          {error.message}
        </p>
      )}
    </div>
  );
}
