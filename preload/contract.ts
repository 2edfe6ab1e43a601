/**
 * The one declaration of everything that crosses between main and the renderer: every channel's
 * arguments and result, and every event main pushes. Types are inferred from these schemas; main
 * validates every argument against them and every result on the way out. Imports only zod.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared shapes

export const Locale = z.enum(['ru', 'en']);
export const Theme = z.enum(['system', 'light', 'dark']);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

/** Operator preferences: the same in all three modes; never holds the API key. */
export const Settings = z.object({
  operatorName: z.string().max(100),
  /** null follows the operating system's language. */
  locale: Locale.nullable(),
  theme: Theme,
  /** Fast lane: returns that await a decision. */
  pollFastSeconds: z.number().int().min(15).max(3600),
  /** Slow lane: everything else. */
  pollSlowSeconds: z.number().int().min(60).max(86_400),
  backfillDays: z.number().int().min(1).max(180),
  /** Hours before the decision deadline at which to alert, e.g. [24, 6, 1]. */
  alertThresholdsHours: z.array(z.number().positive().max(48)).max(8),
  quietHours: z.object({ enabled: z.boolean(), start: clockTime, end: clockTime }),
  closeToTray: z.boolean(),
  launchAtLogin: z.boolean(),
  /** null watches every store of the key. */
  watchedCampaignIds: z.array(z.number().int().positive()).max(1000).nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = {
  operatorName: '',
  locale: null,
  theme: 'system',
  pollFastSeconds: 60,
  pollSlowSeconds: 600,
  backfillDays: 60,
  alertThresholdsHours: [24, 6, 1],
  quietHours: { enabled: false, start: '22:00', end: '08:00' },
  closeToTray: true,
  launchAtLogin: false,
  watchedCampaignIds: null,
};

export const Transport = z.enum(['ipc', 'websocket']);

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** demo: no API key, data from the built-in sandbox; live: the Market API (or RETURNDESK_BASE_URL). */
  mode: z.enum(['demo', 'live']),
  /** How this renderer reaches main; the only way the renderer may tell desktop from web. */
  transport: Transport,
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
  capabilities: z.object({
    nativeNotifications: z.boolean(),
    tray: z.boolean(),
    nativeDialogs: z.boolean(),
  }),
  /** Where main keeps its data; shown so operators and support can find it. */
  dataDir: z.string(),
  /** Host of the Market API in use (never with credentials). */
  apiHost: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

// ---------------------------------------------------------------------------------------------
// Errors and results

export const BridgeErrorCode = z.enum([
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'INVALID_ARGUMENTS',
  'HANDLER_FAILED',
  'INVALID_RESULT',
  'TRANSPORT',
  'NOT_FOUND',
  'CONFLICT',
  'AUTH',
  'UNAVAILABLE',
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

export const BridgeError = z.object({
  code: BridgeErrorCode,
  message: z.string(),
  /** For INVALID_ARGUMENTS: which field broke which rule. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type BridgeError = z.infer<typeof BridgeError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

// ---------------------------------------------------------------------------------------------
// Channels (renderer → main). Names are `group.method`; the preload exposes them as
// window.returnDesk.group.method(args).

const NoArgs = z.undefined();

export const PingArgs = z.object({
  text: z.string().max(200),
  /** How many `app.pong` events main should push back, 100 ms apart. */
  count: z.number().int().min(0).max(10).default(1),
});

export const channels = {
  'app.info': { args: NoArgs, result: AppInfo },
  /** The renderer has subscribed: main flushes events it held back for this window. */
  'app.ready': { args: NoArgs, result: z.object({ queued: z.number().int() }) },
  'app.ping': { args: PingArgs, result: z.object({ text: z.string(), receivedAt: z.string() }) },
  'settings.get': { args: NoArgs, result: Settings },
  'settings.set': { args: SettingsPatch, result: Settings },
} as const;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)

export const events = {
  'app.pong': z.object({ seq: z.number().int(), text: z.string() }),
  'settings.changed': Settings,
} as const;

// ---------------------------------------------------------------------------------------------
// Types derived from the declarations above

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelArgs<C extends ChannelName> = z.input<Channels[C]['args']>;
export type ParsedArgs<C extends ChannelName> = z.output<Channels[C]['args']>;
export type ChannelResult<C extends ChannelName> = z.output<Channels[C]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type Invoker<C extends ChannelName> = undefined extends ChannelArgs<C>
  ? (args?: ChannelArgs<C>) => Promise<Result<ChannelResult<C>>>
  : (args: ChannelArgs<C>) => Promise<Result<ChannelResult<C>>>;
type GroupApi<G extends string> = {
  [C in ChannelName as C extends `${G}.${infer M}` ? M : never]: Invoker<C>;
};

/** What `window.returnDesk` offers, in every transport. */
export type ReturnDeskApi = { [G in GroupOf<ChannelName>]: GroupApi<G> } & {
  /** Subscribes to an event from main; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Wire format of messages on the WebSocket transport (the IPC transport uses Electron's framing). */
export const WireRequest = z.object({ id: z.number().int().nonnegative(), channel: z.string().max(100), args: z.unknown().optional() });
export const WireMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
