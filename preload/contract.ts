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
// Returns, stores and sync (views of the local store; enums stay open strings: the API grows)

export const Money = z.object({ value: z.number(), currencyId: z.string() });
export type Money = z.infer<typeof Money>;

export const OutboxState = z.enum(['queued', 'sending', 'delivered', 'failed', 'conflict', 'cancelled']);
export type OutboxState = z.infer<typeof OutboxState>;

const isoTime = z.string();

/** One row of the inbox. */
export const InboxRow = z.object({
  returnId: z.number().int(),
  orderId: z.number().int(),
  campaignId: z.number().int(),
  campaignName: z.string().nullable(),
  placementType: z.string().nullable(),
  /** UNREDEEMED (non-purchase) or RETURN; other values are shown as unknown. */
  returnType: z.string(),
  refundStatus: z.string().nullable(),
  shipmentStatus: z.string().nullable(),
  createdAt: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  /** Set only while the return awaits a decision that is not yet queued or delivered. */
  decisionDeadline: isoTime.nullable(),
  pickupTill: isoTime.nullable(),
  amount: Money.nullable(),
  fastReturn: z.boolean(),
  hasMarkedGoods: z.boolean(),
  photoCount: z.number().int(),
  itemCount: z.number().int(),
  skus: z.array(z.string()),
  awaitingDecision: z.boolean(),
  /** State of this return's latest decision in the outbox, if any. */
  outboxState: OutboxState.nullable(),
});
export type InboxRow = z.infer<typeof InboxRow>;

export const InboxFilter = z
  .object({
    awaitingDecision: z.boolean().optional(),
    inDispute: z.boolean().optional(),
    campaignIds: z.array(z.number().int().positive()).max(1000).optional(),
    returnType: z.string().max(40).optional(),
    refundStatuses: z.array(z.string().max(60)).max(30).optional(),
    shipmentStatuses: z.array(z.string().max(60)).max(30).optional(),
    fastReturn: z.boolean().optional(),
    hasPhotos: z.boolean().optional(),
    /** Creation date range, inclusive, ISO dates (YYYY-MM-DD). */
    createdFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').optional(),
    createdTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').optional(),
    /** An order id, a return id or a shop SKU. */
    search: z.string().max(200).optional(),
  })
  .strict()
  .refine((f) => !f.createdFrom || !f.createdTo || f.createdFrom <= f.createdTo, { message: 'the end date is before the start date', path: ['createdTo'] });
export type InboxFilter = z.infer<typeof InboxFilter>;

export const InboxCounts = z.object({
  total: z.number().int(),
  awaitingDecision: z.number().int(),
  inDispute: z.number().int(),
  fastReturn: z.number().int(),
  withPhotos: z.number().int(),
  byCampaign: z.record(z.string(), z.number().int()),
  byType: z.record(z.string(), z.number().int()),
  byRefundStatus: z.record(z.string(), z.number().int()),
  byShipmentStatus: z.record(z.string(), z.number().int()),
});
export type InboxCounts = z.infer<typeof InboxCounts>;

export const ItemDecisionView = z.object({
  returnItemId: z.number().int().nullable(),
  decisionType: z.string().nullable(),
  reasonType: z.string().nullable(),
  subreasonType: z.string().nullable(),
  count: z.number().int().nullable(),
  comment: z.string().nullable(),
  amount: Money.nullable(),
  partnerCompensation: Money.nullable(),
});

export const ReturnItemView = z.object({
  idx: z.number().int(),
  shopSku: z.string(),
  marketSku: z.number().int().nullable(),
  /** Product name from the order, when known. */
  name: z.string().nullable(),
  count: z.number().int(),
  returnItemId: z.number().int().nullable(),
  decisions: z.array(ItemDecisionView),
  photos: z.array(z.object({ returnItemId: z.number().int().nullable(), imageHash: z.string() })),
  instances: z.array(z.object({ cis: z.string().nullable(), imei: z.string().nullable(), status: z.string().nullable(), stockType: z.string().nullable() })),
  tracks: z.array(z.string()),
});
export type ReturnItemView = z.infer<typeof ReturnItemView>;

export const OrderView = z.object({
  id: z.number().int(),
  status: z.string().nullable(),
  substatus: z.string().nullable(),
  createdAt: isoTime.nullable(),
  items: z.array(
    z.object({
      itemId: z.number().int(),
      offerId: z.string(),
      offerName: z.string().nullable(),
      count: z.number().int().nullable(),
      /** Count originally ordered, when the seller removed units (count 0 = removed). */
      initialCount: z.number().int().nullable(),
      price: Money.nullable(),
      marked: z.boolean(),
    }),
  ),
  /** Cost of the order's items as the Market reports it. */
  itemsTotal: Money.nullable(),
});
export type OrderView = z.infer<typeof OrderView>;

export const ReturnDetail = z.object({
  row: InboxRow,
  items: z.array(ReturnItemView),
  order: OrderView.nullable(),
  /** Other returns of the same order. */
  siblings: z.array(InboxRow),
  pickupPoint: z.object({ name: z.string().nullable(), address: z.string().nullable(), instruction: z.string().nullable() }).nullable(),
});
export type ReturnDetail = z.infer<typeof ReturnDetail>;

export const StoreView = z.object({
  campaignId: z.number().int(),
  name: z.string().nullable(),
  businessId: z.number().int().nullable(),
  placementType: z.string().nullable(),
  watched: z.boolean(),
  lastSuccess: isoTime.nullable(),
  lastError: z.string().nullable(),
  syncing: z.boolean(),
  returnsKnown: z.number().int(),
});
export type StoreView = z.infer<typeof StoreView>;

/** Everything the status bar shows, at all times. */
export const GlobalStatus = z.object({
  mode: z.enum(['demo', 'live']),
  online: z.boolean(),
  /** Set when the Market refused the key: the operator must fix it in settings. */
  authProblem: z.string().nullable(),
  lastSync: isoTime.nullable(),
  syncing: z.boolean(),
  awaitingDecision: z.number().int(),
  urgent: z.number().int(),
  outbox: z.object({ queued: z.number().int(), sending: z.number().int(), failed: z.number().int(), conflict: z.number().int() }),
  /** Returns the client could not read (kept as skips, shown so nothing is silently lost). */
  unreadable: z.number().int(),
});
export type GlobalStatus = z.infer<typeof GlobalStatus>;

export const ApiKeyStatus = z.object({
  set: z.boolean(),
  /** At most the last four characters, never the key. */
  last4: z.string().max(4).nullable(),
  source: z.enum(['vault', 'env', 'none']),
  /** False where the OS offers no encryption: the key then cannot be stored. */
  encryptionAvailable: z.boolean(),
});
export type ApiKeyStatus = z.infer<typeof ApiKeyStatus>;

// ---------------------------------------------------------------------------------------------
// Decisions and the outbox (rules shared with the form live in preload/decision-rules.ts)

/** What the Market allows for one return (POST v1/businesses/{businessId}/returns/decisions). */
export const AvailableDecision = z.object({
  decisionType: z.string(),
  /** Only for DECLINE_REFUND: the reasons the seller may give. */
  reasonTypes: z.array(z.string()),
  /** Only for PARTIAL_MONEY_REFUND. */
  compensationBounds: z.object({ min: Money, max: Money, maxPercent: z.number() }).nullable(),
});
export type AvailableDecision = z.infer<typeof AvailableDecision>;

export const AvailableDecisions = z.object({
  returnId: z.number().int(),
  decisions: z.array(AvailableDecision),
  /** The items to decide on, with what the compensation limits are computed from. */
  items: z.array(z.object({ returnItemId: z.number().int(), shopSku: z.string(), name: z.string().nullable(), count: z.number().int(), price: Money.nullable() })),
  /** Read from the Market now, or from the local cache when offline. */
  source: z.enum(['market', 'cache']),
  fetchedAt: isoTime,
});
export type AvailableDecisions = z.infer<typeof AvailableDecisions>;

export const ItemDecisionDraft = z
  .object({
    returnItemId: z.number().int().positive(),
    decisionType: z.string().min(1).max(60),
    reasonType: z.string().max(80).optional(),
    comment: z.string().max(2000).optional(),
    /** Roubles; only for PARTIAL_MONEY_REFUND. */
    compensation: z.number().positive().max(100_000_000).optional(),
  })
  .strict();
export type ItemDecisionDraft = z.infer<typeof ItemDecisionDraft>;

export const DecisionDraft = z.object({ returnId: z.number().int().positive(), items: z.array(ItemDecisionDraft).min(1).max(200) }).strict();
export type DecisionDraft = z.infer<typeof DecisionDraft>;

/** One broken rule: which item and field, which rule, with values for the message. */
export const DraftIssue = z.object({
  returnItemId: z.number().int().nullable(),
  field: z.enum(['items', 'decisionType', 'reasonType', 'comment', 'compensation', 'return']),
  rule: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** The rule in words, in the operator's language. */
  message: z.string(),
});
export type DraftIssue = z.infer<typeof DraftIssue>;

export const OutboxEntry = z.object({
  id: z.number().int(),
  returnId: z.number().int(),
  orderId: z.number().int(),
  campaignId: z.number().int(),
  state: OutboxState,
  draft: DecisionDraft,
  operator: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  attempts: z.number().int(),
  nextAttemptAt: isoTime.nullable(),
  /** The server's own words for failed and conflict states, kept verbatim. */
  serverMessage: z.string().nullable(),
  /** Our explanation of the state, in the operator's language. */
  explanation: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  operator: z.string(),
  returnId: z.number().int(),
  orderId: z.number().int().nullable(),
  campaignId: z.number().int().nullable(),
  outboxId: z.number().int().nullable(),
  action: z.string(),
  state: z.string().nullable(),
  payload: z.string().nullable(),
  serverAnswer: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

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

  'returns.list': {
    args: z.object({ filter: InboxFilter, offset: z.number().int().min(0).max(1_000_000), limit: z.number().int().min(1).max(500) }).strict(),
    result: z.object({ rows: z.array(InboxRow), total: z.number().int() }),
  },
  'returns.counts': { args: z.object({ filter: InboxFilter }).strict(), result: InboxCounts },
  'returns.get': { args: z.object({ returnId: z.number().int().positive() }).strict(), result: ReturnDetail },

  'stores.list': { args: NoArgs, result: z.array(StoreView) },
  'stores.setWatched': { args: z.object({ campaignId: z.number().int().positive(), watched: z.boolean() }).strict(), result: z.array(StoreView) },
  'sync.now': { args: z.object({ campaignId: z.number().int().positive().optional() }).strict().optional(), result: z.object({ started: z.boolean() }) },
  'status.get': { args: NoArgs, result: GlobalStatus },

  'apiKey.status': { args: NoArgs, result: ApiKeyStatus },
  'apiKey.set': { args: z.object({ key: z.string().trim().min(8, 'the key is too short').max(512).regex(/^[\x21-\x7e]+$/, 'the key has spaces or characters a key never has') }).strict(), result: ApiKeyStatus },
  'apiKey.remove': { args: NoArgs, result: ApiKeyStatus },

  'decisions.available': { args: z.object({ returnId: z.number().int().positive() }).strict(), result: AvailableDecisions },
  'decisions.validate': { args: z.object({ draft: DecisionDraft }).strict(), result: z.object({ issues: z.array(DraftIssue) }) },
  /** Queues the decision durably; the result is the committed outbox entry. */
  'decisions.submit': { args: z.object({ draft: DecisionDraft }).strict(), result: OutboxEntry },
  /** Replaces a decision that is still queued (not yet sending). */
  'decisions.edit': { args: z.object({ outboxId: z.number().int().positive(), draft: DecisionDraft }).strict(), result: OutboxEntry },
  'decisions.cancel': { args: z.object({ outboxId: z.number().int().positive() }).strict(), result: OutboxEntry },
  'outbox.list': {
    args: z.object({ returnId: z.number().int().positive().optional(), states: z.array(OutboxState).max(6).optional() }).strict().optional(),
    result: z.array(OutboxEntry),
  },
  /** Sends queued decisions now instead of waiting for the next retry. */
  'outbox.retry': { args: z.object({ outboxId: z.number().int().positive().optional() }).strict().optional(), result: z.object({ scheduled: z.number().int() }) },
  'audit.list': { args: z.object({ returnId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(5000).default(500) }).strict(), result: z.array(AuditEntry) },
} as const;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)

export const events = {
  'app.pong': z.object({ seq: z.number().int(), text: z.string() }),
  'settings.changed': Settings,
  /** Returns were added or changed in the local store. */
  'returns.changed': z.object({ returnIds: z.array(z.number().int()).max(10_000), full: z.boolean() }),
  'status.changed': GlobalStatus,
  'stores.changed': z.array(StoreView),
  'outbox.changed': OutboxEntry,
  /** An alert for the browser tab or the in-app toast (desktop shows native notifications too). */
  'alerts.notification': z.object({
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    urgency: z.enum(['normal', 'critical']),
    target: z.union([z.object({ returnId: z.number().int() }), z.object({ filter: z.enum(['awaiting', 'disputes', 'outbox']) })]),
    at: isoTime,
  }),
  /** The operator clicked a native notification: show this return or list. */
  'app.navigate': z.union([z.object({ returnId: z.number().int() }), z.object({ filter: z.enum(['awaiting', 'disputes', 'outbox']) })]),
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
