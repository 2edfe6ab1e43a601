/**
 * The push receiver as an opt-in setting: started, moved or stopped to match `settings.pushReceiver`,
 * with its state (off, listening where, or why it could not start) for the status bar and settings.
 */
import type { GlobalStatus, Settings } from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import { startPushReceiver, type PushReceiver, type ReturnEvent } from './receiver.ts';

export type PushState = GlobalStatus['push'];

export interface PushServiceOptions {
  settings: () => Settings['pushReceiver'];
  onEvent: (event: ReturnEvent) => Promise<void>;
  /** The state changed (started, stopped, failed, a notification arrived). */
  onChange: () => void;
  logger: Logger;
  version: string;
  /** The operator's language, for why the receiver could not start. */
  locale: () => 'ru' | 'en';
  clock?: { now(): number };
}

/** Why a receiver could not listen, in words the operator can act on. */
function startError(error: unknown, port: number, locale: 'ru' | 'en'): string {
  const code = (error as { code?: string } | null)?.code;
  const ru = locale === 'ru';
  if (code === 'EADDRINUSE')
    return ru ? `порт ${port} уже занят другой программой; выберите другой порт` : `port ${port} is already in use by another program; choose another port`;
  if (code === 'EACCES')
    return ru
      ? `этот компьютер не разрешает слушать порт ${port}; выберите другой порт`
      : `this computer does not allow listening on port ${port}; choose another port`;
  if (code === 'EADDRNOTAVAIL') return ru ? 'у этого компьютера нет такого сетевого адреса' : 'this computer has no such network address';
  return error instanceof Error ? error.message : String(error);
}

export class PushService {
  readonly #o: PushServiceOptions;
  #receiver: PushReceiver | null = null;
  #key = JSON.stringify(null);
  #state: PushState = { state: 'off', url: null, error: null, lastEventAt: null };
  #applying: Promise<void> = Promise.resolve();

  constructor(options: PushServiceOptions) {
    this.#o = options;
  }

  state(): PushState {
    return this.#state;
  }

  /** Brings the receiver in line with the settings; calls are applied one after another. */
  apply(): Promise<void> {
    this.#applying = this.#applying.then(() => this.#apply());
    return this.#applying;
  }

  async close(): Promise<void> {
    await this.#applying;
    await this.#stop();
    this.#key = JSON.stringify(null);
  }

  async #apply(): Promise<void> {
    const wanted = this.#o.settings();
    const key = JSON.stringify(wanted.enabled ? wanted : null);
    if (key === this.#key) return;
    await this.#stop();
    this.#key = key;
    if (!wanted.enabled) {
      this.#set({ state: 'off', url: null, error: null });
      return;
    }
    const host = wanted.allInterfaces ? '0.0.0.0' : '127.0.0.1';
    try {
      this.#receiver = await startPushReceiver({
        port: wanted.port,
        host,
        path: wanted.path,
        name: 'ReturnDesk',
        version: this.#o.version,
        logger: this.#o.logger,
        onReturnEvent: (event) => {
          this.#set({ lastEventAt: new Date((this.#o.clock ?? Date).now()).toISOString() });
          return this.#o.onEvent(event);
        },
      });
      this.#set({ state: 'listening', url: `${this.#receiver.url}${this.#receiver.path}`, error: null });
    } catch (error) {
      const message = startError(error, wanted.port, this.#o.locale());
      this.#o.logger.warn('push: the receiver could not start', { port: wanted.port, reason: message });
      this.#set({ state: 'failed', url: null, error: message });
    }
  }

  async #stop(): Promise<void> {
    const receiver = this.#receiver;
    this.#receiver = null;
    if (receiver) await receiver.close().catch((error: unknown) => this.#o.logger.warn('push: the receiver did not close cleanly', { error: String(error) }));
  }

  #set(patch: Partial<PushState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#o.onChange();
  }
}
