import type { z } from 'zod';
import {
  BridgeErrorCode as BridgeErrorCodeSchema,
  channels,
  events,
  isChannelName,
  type BridgeError,
  type BridgeErrorCode,
  type ChannelName,
  type ChannelResult,
  type EventName,
  type EventPayload,
  type ParsedArgs,
  type Result,
} from '../../preload/contract.ts';
import type { Logger } from '../log.ts';
import { MarketError } from '../market/errors.ts';

/** Who sent a message: enough for the transport-specific trust check and for logs. */
export interface Sender {
  transport: 'ipc' | 'websocket';
  /** Stable id of the window or connection, used to route its queued events. */
  id: string;
  /** Origin or URL of the sending frame, as the transport saw it. */
  origin: string;
  /** False when the message came from a sub-frame. */
  mainFrame: boolean;
}

export interface HandlerContext {
  sender: Sender;
}

export type Handler<C extends ChannelName> = (args: ParsedArgs<C>, context: HandlerContext) => ChannelResult<C> | Promise<ChannelResult<C>>;

export type Handlers = { [C in ChannelName]: Handler<C> };

/** An error a handler throws on purpose, to answer with a specific code, message and issues. */
export class DomainError extends Error {
  readonly bridgeCode: BridgeErrorCode;
  readonly issues: BridgeError['issues'];
  constructor(code: BridgeErrorCode, message: string, issues?: BridgeError['issues']) {
    super(message);
    this.name = 'DomainError';
    this.bridgeCode = code;
    this.issues = issues;
  }
}

/** Any error that names its bridge code (DomainError, the outbox's refusals) answers with that code. */
function bridgeCodeOf(error: unknown): BridgeErrorCode | null {
  const code = (error as { bridgeCode?: unknown } | null)?.bridgeCode;
  const parsed = BridgeErrorCodeSchema.safeParse(code);
  return parsed.success ? parsed.data : null;
}

export interface Router {
  /** Validates and runs one call. Never throws: every failure becomes `{ ok: false }`. */
  dispatch(channel: unknown, args: unknown, sender: Sender): Promise<Result<unknown>>;
}

export interface RouterOptions {
  handlers: Handlers;
  logger: Logger;
  /** Transport-specific trust check (our window, our origin, main frame). */
  isTrusted: (sender: Sender) => boolean;
}

function fail(code: BridgeErrorCode, message: string, issues?: BridgeError['issues']): Result<never> {
  return { ok: false, error: issues ? { code, message, issues } : { code, message } };
}

function describeIssues(error: z.ZodError): NonNullable<BridgeError['issues']> {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(arguments)',
    message: issue.message,
  }));
}

/** Builds the one entry point through which every renderer call reaches a handler. */
export function createRouter({ handlers, logger, isTrusted }: RouterOptions): Router {
  return {
    async dispatch(channel, rawArgs, sender) {
      if (!isChannelName(channel)) {
        // Never String() an arbitrary value: an object without toString would throw here.
        const name = typeof channel === 'string' ? channel.slice(0, 100) : `(a ${channel === null ? 'null' : typeof channel}, not a channel name)`;
        logger.warn('ipc: unknown channel refused', { channel: name, sender: sender.id });
        return fail('UNKNOWN_CHANNEL', `There is no channel named "${name}".`);
      }
      if (!isTrusted(sender)) {
        logger.warn('ipc: untrusted sender refused', { channel, origin: sender.origin, mainFrame: sender.mainFrame });
        return fail('FORBIDDEN_SENDER', 'This sender is not allowed to call ReturnDesk.');
      }
      const spec = channels[channel];
      const parsed = spec.args.safeParse(rawArgs);
      if (!parsed.success) {
        const issues = describeIssues(parsed.error);
        logger.warn('ipc: arguments refused', { channel, issues });
        const first = issues[0];
        return fail('INVALID_ARGUMENTS', `Invalid arguments for ${channel}: ${first ? `${first.path}: ${first.message}` : 'unreadable'}`, issues);
      }
      let value: unknown;
      try {
        const handler = handlers[channel] as (args: unknown, context: HandlerContext) => unknown;
        value = await handler(parsed.data, { sender });
      } catch (error) {
        if (error instanceof MarketError) {
          logger.info('ipc: the Market call failed', { channel, kind: error.kind, status: error.status });
          const code: BridgeErrorCode = error.kind === 'auth' || error.kind === 'forbidden' ? 'AUTH' : error.kind === 'not-found' ? 'NOT_FOUND' : 'UNAVAILABLE';
          return { ok: false, error: { code, message: error.message, marketKind: error.kind } };
        }
        const code = bridgeCodeOf(error);
        if (code && error instanceof Error) {
          logger.info('ipc: handler refused', { channel, code, message: error.message });
          return fail(code, error.message, error instanceof DomainError ? error.issues : undefined);
        }
        logger.error('ipc: handler failed', { channel, error: error instanceof Error ? error : String(error) });
        return fail('HANDLER_FAILED', `${channel} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Results are parsed too: the contract strips anything a handler should not have sent.
      const result = spec.result.safeParse(value);
      if (!result.success) {
        logger.error('ipc: handler returned a value outside the contract', { channel, issues: describeIssues(result.error) });
        return fail('INVALID_RESULT', `${channel} produced an invalid result.`);
      }
      return { ok: true, value: result.data };
    },
  };
}

type Listener = (event: EventName, payload: unknown) => void;

interface Subscriber {
  ready: boolean;
  queue: Array<[EventName, unknown]>;
  /** Bytes of the queued payloads as JSON: what the queue costs main. */
  queuedBytes: number;
  send: Listener;
  onOverflow: (() => void) | undefined;
}

/**
 * Main→renderer events, validated against the contract. Each subscriber (a window or a socket)
 * holds events back until it says it is ready, so nothing emitted during start-up is lost — up to a
 * bound: a subscriber that never gets ready (a socket that authenticated and then only asks for
 * events) is dropped and its transport closed, instead of growing main without limit.
 */
export class EventHub {
  readonly #subscribers = new Map<string, Subscriber>();
  readonly #logger: Logger;
  static readonly MAX_QUEUE = 500;
  static readonly MAX_QUEUE_BYTES = 4 * 1024 * 1024;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      this.#logger.error('events: payload outside the contract, not sent', { event });
      return;
    }
    for (const [id, subscriber] of [...this.#subscribers]) this.#deliver(id, subscriber, event, parsed.data);
  }

  /** Emits to one subscriber only (e.g. the window that asked for a ping). */
  emitTo<E extends EventName>(id: string, event: E, payload: EventPayload<E>): void {
    const subscriber = this.#subscribers.get(id);
    const parsed = events[event].safeParse(payload);
    if (!subscriber || !parsed.success) return;
    this.#deliver(id, subscriber, event, parsed.data);
  }

  /**
   * Adds a window or socket. `onOverflow` is called (once) when it let too many events pile up before
   * saying it is ready; it is unsubscribed then, and the transport should close or reload it.
   */
  subscribe(id: string, send: Listener, onOverflow?: () => void): () => void {
    const subscriber: Subscriber = { ready: false, queue: [], queuedBytes: 0, send, onOverflow };
    this.#subscribers.set(id, subscriber);
    return () => {
      if (this.#subscribers.get(id) === subscriber) this.#subscribers.delete(id);
    };
  }

  /** Marks a subscriber ready and flushes what it missed; returns how many were flushed. */
  ready(id: string): number {
    const subscriber = this.#subscribers.get(id);
    if (!subscriber) return 0;
    subscriber.ready = true;
    const queued = subscriber.queue.splice(0);
    subscriber.queuedBytes = 0;
    for (const [event, payload] of queued) subscriber.send(event, payload);
    return queued.length;
  }

  #deliver(id: string, subscriber: Subscriber, event: EventName, payload: unknown): void {
    if (subscriber.ready) {
      subscriber.send(event, payload);
      return;
    }
    subscriber.queue.push([event, payload]);
    subscriber.queuedBytes += JSON.stringify(payload ?? null).length;
    if (subscriber.queue.length <= EventHub.MAX_QUEUE && subscriber.queuedBytes <= EventHub.MAX_QUEUE_BYTES) return;
    this.#subscribers.delete(id);
    this.#logger.warn('events: a subscriber that never got ready overflowed its queue; dropped', {
      subscriber: id,
      events: subscriber.queue.length,
      bytes: subscriber.queuedBytes,
    });
    subscriber.queue = [];
    try {
      subscriber.onOverflow?.();
    } catch (error) {
      this.#logger.error('events: closing an overflowed subscriber failed', { subscriber: id, error: error instanceof Error ? error : String(error) });
    }
  }
}
