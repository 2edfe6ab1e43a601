/**
 * POST v2/businesses/{businessId}/chats/file/send?chatId=… (multipart/form-data, field "file"):
 * the one Market call MarketClient lacks. It waits its turn in the same per-key scheduler and is
 * never retried (sending a file twice shows it twice to the buyer).
 */
import { marketError, type MarketError } from '../market/errors.ts';
import type { KeyScheduler, Priority } from '../market/scheduler.ts';
import { redact } from '../log.ts';

export interface ChatFileTarget {
  baseUrl: string;
  apiKey: string;
  scheduler: KeyScheduler;
}

/** Chat files are limited to 5 MB by the Market. */
export const MAX_CHAT_FILE_BYTES = 5 * 1024 * 1024;

function statusError(status: number, text: string, apiKey: string): MarketError {
  let serverMessage: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    serverMessage = body.errors?.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    serverMessage = text.slice(0, 300);
  }
  const base = { method: 'sendFileToChat', status, serverMessage: serverMessage ? redact(serverMessage, [apiKey]) : undefined };
  if (status === 401) return marketError({ ...base, kind: 'auth' });
  if (status === 403) return marketError({ ...base, kind: 'forbidden' });
  if (status === 404) return marketError({ ...base, kind: 'not-found' });
  if (status === 420 || status === 429) return marketError({ ...base, kind: 'rate-limited' });
  if (status >= 500) return marketError({ ...base, kind: 'unknown-outcome' });
  return marketError({ ...base, kind: 'bad-request' });
}

/** Sends one file to a chat. */
export async function sendChatFile(
  target: ChatFileTarget,
  businessId: number,
  chatId: number,
  file: { name: string; mime: string; data: Buffer },
  priority: Priority = 'interactive',
): Promise<void> {
  if (!Number.isSafeInteger(businessId) || businessId < 1) throw new Error('businessId must be a positive integer');
  if (!Number.isSafeInteger(chatId) || chatId < 1) throw new Error('chatId must be a positive integer');
  if (file.data.length === 0 || file.data.length > MAX_CHAT_FILE_BYTES) throw new Error(`file must be 1 byte to ${MAX_CHAT_FILE_BYTES / 1048576} MB`);
  const url = `${target.baseUrl.replace(/\/+$/, '')}/v2/businesses/${businessId}/chats/file/send?chatId=${chatId}`;
  await target.scheduler.run('sendFileToChat', priority, async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.mime }), file.name);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'Api-Key': target.apiKey, Accept: 'application/json' }, body: form, redirect: 'error' });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      // Refused before sending: safe to say "not sent"; anything else may have reached the Market.
      throw marketError({ kind: code === 'ECONNREFUSED' ? 'network' : 'unknown-outcome', method: 'sendFileToChat', cause: code ?? 'ERR_NETWORK' });
    }
    const text = await response.text();
    if (!response.ok) throw statusError(response.status, text, target.apiKey);
  });
}
