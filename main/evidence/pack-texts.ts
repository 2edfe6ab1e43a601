// The evidence pack's texts in the operator's language: the readme, chat transcripts, the decision history, what is missing.
import type { AuditEntry, ChatMessageView, ChatView } from '../../preload/contract.ts';
import { outboxStateWords } from '../../preload/decision-rules.ts';
import { codeLabel } from '../../preload/market-words.ts';
import { formatMsk } from '../../preload/moscow-time.ts';
import { AUDIT_STEP_WORDS } from '../outbox/csv.ts';

export type PackLocale = 'ru' | 'en';

/** What the pack holds, for whoever opens the folder or the ZIP (an arbiter, a colleague). */
export function packReadme(returnId: number, orderId: number, savedAt: number, locale: PackLocale): string {
  const ru = locale === 'ru';
  return [
    ru ? `Пакет доказательств по возврату ${returnId} (заказ ${orderId})` : `Evidence pack of return ${returnId} (order ${orderId})`,
    ru ? `Собран ${formatMsk(savedAt, locale)} в ReturnDesk.` : `Made ${formatMsk(savedAt, locale)} by ReturnDesk.`,
    '',
    ru ? 'application.pdf — заявление покупателя на возврат' : "application.pdf — the buyer's return application",
    ru ? 'photos/ — фото покупателя, по товарам' : "photos/ — the buyer's photos, by item",
    ru ? 'chat-*.txt — переписка с покупателем и арбитраж' : 'chat-*.txt — the chats with the buyer and the arbitrage',
    ru ? 'decision-history.txt — история решений (и .json для программ)' : 'decision-history.txt — the decision history (and .json for programs)',
    ru
      ? 'return.json, manifest.json — данные возврата и контрольные суммы файлов (SHA-256)'
      : "return.json, manifest.json — the return's data and each file's SHA-256",
    '',
  ].join('\n');
}

/** A chat as text: who said what and when (Moscow time), with the files attached. */
export function chatTranscript(chat: ChatView, messages: readonly ChatMessageView[], returnId: number, orderId: number, locale: PackLocale): string {
  const ru = locale === 'ru';
  const kb = ru ? 'КБ' : 'KB';
  const lines = [
    ru
      ? `${codeLabel('chatType', chat.type, locale)} №${chat.chatId} по возврату ${returnId}, заказ ${orderId} (${codeLabel('chatStatus', chat.status, locale)})`
      : `${codeLabel('chatType', chat.type, locale)} #${chat.chatId} about return ${returnId}, order ${orderId} (${codeLabel('chatStatus', chat.status, locale)})`,
    `${ru ? 'Покупатель' : 'Buyer'}: ${chat.customerName ?? '—'}`,
    '',
    ...messages.map((m) => {
      const files = m.files.length
        ? ` [${ru ? 'файлы' : 'files'}: ${m.files.map((f) => `${f.name} (${Math.max(1, Math.round(f.size / 1024))} ${kb})`).join(', ')}]`
        : '';
      return `[${formatMsk(m.createdAt, locale)}] ${codeLabel('chatSender', m.sender, locale)}: ${m.text ?? ''}${files}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** The decision history as text, oldest first. */
export function decisionHistory(returnId: number, audit: readonly AuditEntry[], locale: PackLocale): string {
  const ru = locale === 'ru';
  const lines = [
    ru ? `История решений по возврату ${returnId}` : `Decision history of return ${returnId}`,
    '',
    ...audit.map((a) => {
      const step = AUDIT_STEP_WORDS[locale][a.action] ?? a.action;
      const state = a.state ? ` → ${outboxStateWords(a.state, locale)}` : '';
      const answer = a.serverAnswer ? ` (${ru ? 'Маркет' : 'Market'}: ${a.serverAnswer})` : '';
      return `[${formatMsk(a.at, locale, { seconds: true })}] ${a.operator}: ${step}${state}${answer}`;
    }),
    ...(audit.length === 0 ? [ru ? 'Решений через ReturnDesk не было.' : 'No decision was made through ReturnDesk.'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** One part that could not be included, and why. */
export function missingPart(part: 'application' | 'photo' | 'chats' | 'noChat', detail: string, locale: PackLocale): string {
  const ru = locale === 'ru';
  switch (part) {
    case 'application':
      return `${ru ? 'заявление' : 'application'}: ${detail}`;
    case 'photo':
      return `${ru ? 'фото' : 'photo'} ${detail}`;
    case 'chats':
      return `${ru ? 'чаты' : 'chats'}: ${detail}`;
    case 'noChat':
      return ru ? 'чаты: по этому возврату чата нет' : 'chats: there is no chat about this return';
  }
}
