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
  /**
   * The Market's push notifications (POST …/notification): off unless turned on. When on, main listens on
   * `port` and answers `path`; a notification about a return or a chat syncs its store at once.
   */
  pushReceiver: z.object({
    enabled: z.boolean(),
    port: z.number().int().min(1024, 'use a port from 1024 up').max(65535),
    path: z
      .string()
      .max(200)
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'a path starts with / and holds letters, digits and . _ ~ / -'),
    /** Listen on every network interface (the Market must reach this computer) instead of this computer only. */
    allInterfaces: z.boolean(),
  }),
  /** Seconds a new decision waits in the outbox before it leaves for the Market, so it can be taken back (0: at once). */
  decisionHoldSeconds: z.number().int().min(0).max(30),
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
  pushReceiver: { enabled: false, port: 8787, path: '/notification', allInterfaces: false },
  decisionHoldSeconds: 5,
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
  /** The language of the system main runs on: the page and main's own texts speak it while settings.locale is null. */
  systemLocale: Locale,
});
export type AppInfo = z.infer<typeof AppInfo>;

// ---------------------------------------------------------------------------------------------
// Returns, stores and sync (views of the local store; enums stay open strings: the API grows)

export const Money = z.object({ value: z.number(), currencyId: z.string() });
export type Money = z.infer<typeof Money>;

/**
 * Money of an order line or of a return position as the Market counts it (ItemPriceDTO): every amount
 * is the total for all units, never a unit price.
 */
export const LineMoney = z.object({
  /** What the buyer paid in money. */
  payment: Money.nullable(),
  /** What the buyer paid with Plus points. */
  cashback: Money.nullable(),
  /** The Market's reward to the seller for its discounts. */
  subsidy: Money.nullable(),
  /** payment + cashback + subsidy: the goods before the Market's discounts; null when unknown or in mixed currencies. */
  total: Money.nullable(),
});
export type LineMoney = z.infer<typeof LineMoney>;

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

/**
 * How counts and the status filters name "no status": non-purchases have no refund status (the
 * Market's RefundStatusType describes the refund of a return); a fresh return may have no shipment
 * status yet. Not a value the Market sends.
 */
export const NO_STATUS = 'NONE';

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
    createdFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .optional(),
    createdTo: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .optional(),
    /** An order id, a return id, a shop SKU or words of a product name, in any case; searched over every return. */
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
  /** This position's share of its order line (`count` of the line's units); null when the order is not stored. */
  position: LineMoney.nullable(),
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
      /** The line's amounts: totals for all `count` units. */
      money: LineMoney,
      marked: z.boolean(),
    }),
  ),
});
export type OrderView = z.infer<typeof OrderView>;

/** What one return of the order takes back from it. */
export const OrderTakeBack = z.object({
  returnId: z.number().int(),
  returnType: z.string(),
  refundStatus: z.string().nullable(),
  shipmentStatus: z.string().nullable(),
  /**
   * refund: the return's refund amount (`amount`); lines: a non-purchase without one, valued by its order
   * lines; foreign: an amount in another currency, not summed; unknown: neither is known.
   */
  basis: z.enum(['refund', 'lines', 'foreign', 'unknown']),
  amount: Money.nullable(),
  /** The return still awaits a decision: its amount may change. */
  pending: z.boolean(),
});
export type OrderTakeBack = z.infer<typeof OrderTakeBack>;

/** The order's money the way the Market counts it: its cost minus what every one of its returns takes back. */
export const OrderBalance = z.object({
  currencyId: z.string(),
  /** payment + cashback + subsidy of the order's goods (OrderPriceDTO); null when the order is not stored. */
  cost: z.object({ payment: z.number(), cashback: z.number(), subsidy: z.number(), total: z.number() }).nullable(),
  /** Every return of the order, the open one included, oldest first. */
  takeBacks: z.array(OrderTakeBack),
  /** The sum of the take-backs in `currencyId`. */
  takenBack: z.number(),
  /** cost.total − takenBack; null when the cost is unknown. */
  remains: z.number().nullable(),
});
export type OrderBalance = z.infer<typeof OrderBalance>;

export const ReturnDetail = z.object({
  row: InboxRow,
  items: z.array(ReturnItemView),
  order: OrderView.nullable(),
  /** Other returns of the same order. */
  siblings: z.array(InboxRow),
  /** The order's cost, what each of its returns takes back, and what remains. */
  money: OrderBalance,
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
  /** The receiver of the Market's push notifications: off, listening (where), or failed to start (why). */
  push: z.object({
    state: z.enum(['off', 'listening', 'failed']),
    url: z.string().nullable(),
    error: z.string().nullable(),
    /** When the last notification arrived. */
    lastEventAt: isoTime.nullable(),
  }),
  /** The Market's clock against this workstation's, from the Date headers of its answers; deadlines count in the Market's time. */
  marketClock: z.object({
    /** Market time minus workstation time, ms (positive: the Market is ahead). */
    offsetMs: z.number().int(),
    /** The offset is large enough to tell the operator. */
    large: z.boolean(),
    measuredAt: isoTime.nullable(),
  }),
  /** Set while writes fail because the disk is full: the folder, SQLite's words and since when. */
  diskFull: z.object({ folder: z.string(), detail: z.string(), since: isoTime }).nullable(),
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
  /** The items to decide on, with the position's amount the compensation limit (maxPercent) is a share of. */
  items: z.array(
    z.object({ returnItemId: z.number().int(), shopSku: z.string(), name: z.string().nullable(), count: z.number().int(), position: LineMoney.nullable() }),
  ),
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
  /** While a new decision is held so the operator can take it back: when it may leave. Null once it may go. */
  holdUntil: isoTime.nullable(),
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
// Reports, analytics and exports. Days are YYYY-MM-DD of Moscow time, inclusive.

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
/** Longest period analytics and reports accept, in days. */
export const MAX_PERIOD_DAYS = 731;
const periodDays = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
const isCalendarDay = (day: string): boolean => {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
};
const periodRules = <T extends z.ZodType<{ from: string; to: string }>>(schema: T) =>
  schema
    .refine((p) => isCalendarDay(p.from), { message: 'not a calendar date', path: ['from'] })
    .refine((p) => isCalendarDay(p.to), { message: 'not a calendar date', path: ['to'] })
    .refine((p) => p.from <= p.to, { message: 'the end date is before the start date', path: ['to'] })
    .refine((p) => periodDays(p.from, p.to) <= MAX_PERIOD_DAYS, { message: `the period is longer than ${MAX_PERIOD_DAYS} days`, path: ['to'] });

export const AnalyticsQuery = periodRules(
  z
    .object({
      from: isoDay,
      to: isoDay,
      /** Empty or absent: every store. */
      campaignIds: z.array(z.number().int().positive()).max(1000).optional(),
      bucket: z.enum(['day', 'week']).default('day'),
    })
    .strict(),
);
export type AnalyticsQuery = z.input<typeof AnalyticsQuery>;

/** Money in the analytics is roubles only (the Market's currency); other currencies are counted, not summed. */
const rub = z.number();

export const AnalyticsResult = z.object({
  query: z.object({ from: isoDay, to: isoDay, campaignIds: z.array(z.number().int()), bucket: z.enum(['day', 'week']) }),
  computedAt: isoTime,
  totals: z.object({
    returns: z.number().int(),
    nonPurchases: z.number().int(),
    units: z.number().int(),
    refunded: rub,
    compensation: rub,
    /** Returns (not non-purchases) whose 48-hour window has ended. */
    decisionDue: z.number().int(),
    deadlinesMissed: z.number().int(),
    /** Amounts in a currency other than roubles: counted here, left out of every sum. */
    foreignCurrencyAmounts: z.number().int(),
  }),
  timeline: z.array(z.object({ bucket: isoDay, returns: z.number().int(), nonPurchases: z.number().int(), refunded: rub })),
  reasons: z.array(z.object({ reason: z.string(), subreason: z.string(), items: z.number().int(), units: z.number().int(), refunded: rub })),
  topSkus: z.array(z.object({ shopSku: z.string(), name: z.string().nullable(), returns: z.number().int(), units: z.number().int(), refunded: rub })),
  decisionMix: z.array(z.object({ decisionType: z.string(), operatorItems: z.number().int(), marketItems: z.number().int() })),
  timeToDecision: z.object({
    decided: z.number().int(),
    medianHours: z.number().nullable(),
    averageHours: z.number().nullable(),
    p90Hours: z.number().nullable(),
    /** Returns decided outside ReturnDesk: the Market gives no decision time, so they are not timed. */
    untimed: z.number().int(),
    histogram: z.array(z.object({ range: z.string(), returns: z.number().int() })),
  }),
  deadlines: z.array(
    z.object({
      returnId: z.number().int(),
      orderId: z.number().int(),
      campaignId: z.number().int(),
      createdAt: isoTime,
      deadline: isoTime,
      refundStatus: z.string().nullable(),
      why: z.string(),
    }),
  ),
  stores: z.array(
    z.object({
      campaignId: z.number().int(),
      name: z.string().nullable(),
      returns: z.number().int(),
      nonPurchases: z.number().int(),
      refunded: rub,
      compensation: rub,
      decisionDue: z.number().int(),
      deadlinesMissed: z.number().int(),
      medianHoursToDecision: z.number().nullable(),
    }),
  ),
});
export type AnalyticsResult = z.infer<typeof AnalyticsResult>;

/** Tables of the analytics screen that can be exported as CSV. */
export const AnalyticsTable = z.enum(['timeline', 'reasons', 'topSkus', 'decisionMix', 'timeToDecision', 'deadlines', 'stores', 'money']);
export type AnalyticsTable = z.infer<typeof AnalyticsTable>;

export const OrderMoneyQuery = periodRules(
  z
    .object({
      from: isoDay,
      to: isoDay,
      campaignIds: z.array(z.number().int().positive()).max(1000).optional(),
      sort: z.enum(['net', 'refunded', 'cost', 'orderId', 'returns']).default('refunded'),
      descending: z.boolean().default(true),
      offset: z.number().int().min(0).max(1_000_000).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
);
export type OrderMoneyQuery = z.input<typeof OrderMoneyQuery>;

export const OrderMoneyRow = z.object({
  orderId: z.number().int(),
  campaignId: z.number().int(),
  returns: z.number().int(),
  /** Cost of the order (payment + Plus points + the Market's subsidy); null when the order is not in the local store. */
  cost: rub.nullable(),
  /** What the order's returns take back: refund amounts, and the lines of non-purchases without one. */
  refunded: rub,
  /** cost − refunded; null when the cost is unknown. */
  net: rub.nullable(),
  /** A return of the order still awaits a decision: its amount may change. */
  pending: z.boolean(),
});
export type OrderMoneyRow = z.infer<typeof OrderMoneyRow>;

export const OrderMoneyPage = z.object({
  rows: z.array(OrderMoneyRow),
  total: z.number().int(),
  totals: z.object({ orders: z.number().int(), ordersWithCost: z.number().int(), cost: rub, refunded: rub, net: rub, refundedWithoutCost: rub }),
});
export type OrderMoneyPage = z.infer<typeof OrderMoneyPage>;

/** Where a file goes: a folder chosen in the native dialog this session, or null for the default folder. */
const TargetFolder = z.string().min(1).max(4096).nullable().default(null);

export const ExportResult = z.object({
  path: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  /** A link to download the file through main (this launch's token): for a browser, which cannot open the serving machine's folders. */
  downloadUrl: z.string().nullable(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const ReportRequest = periodRules(
  z
    .object({
      from: isoDay,
      to: isoDay,
      campaignIds: z.array(z.number().int().positive()).min(1, 'choose at least one store').max(1000),
      returnType: z.enum(['UNREDEEMED', 'RETURN']).optional(),
      shipmentStatuses: z.array(z.string().min(1).max(60)).max(30).optional(),
      format: z.enum(['FILE', 'CSV', 'JSON']).default('FILE'),
      folder: TargetFolder,
    })
    .strict(),
);
export type ReportRequest = z.input<typeof ReportRequest>;

export const ReportJob = z.object({
  jobId: z.string(),
  reportId: z.string().nullable(),
  state: z.enum(['requesting', 'generating', 'downloading', 'done', 'empty', 'failed', 'timeout', 'cancelled']),
  /** The Market's status and sub-status, verbatim. */
  serverStatus: z.string().nullable(),
  subStatus: z.string().nullable(),
  /** 0..1, estimated from the Market's estimatedGenerationTime; 1 when done. */
  progress: z.number().min(0).max(1),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  polls: z.number().int(),
  path: z.string().nullable(),
  bytes: z.number().int().nullable(),
  /** Why it failed or is empty: the server's own words when it gave any. */
  message: z.string().nullable(),
  /**
   * The file is the Market's, saved as sent, and a spreadsheet may run some of its cells as formulas:
   * the count found in a CSV, or null for an archive of CSV sheets this app does not open. Null when
   * there is nothing to warn about (JSON, XLSX, a CSV without such cells).
   */
  spreadsheetWarning: z.object({ formulaCells: z.number().int().nullable() }).nullable(),
  /** Once saved: a link to download the file through main, for a browser. */
  downloadUrl: z.string().nullable(),
});
export type ReportJob = z.infer<typeof ReportJob>;

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
  /** When a call to the Market failed: how (unreachable, refused key, limit…), for the UI to say in the operator's words; `message` keeps the details. */
  marketKind: z
    .enum(['auth', 'forbidden', 'not-found', 'bad-request', 'rate-limited', 'server', 'network', 'timeout', 'malformed', 'unknown-outcome'])
    .optional(),
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

// ---------------------------------------------------------------------------------------------
// Evidence: buyer photos, catalogue pictures, the application PDF, chats, disputes.
// Files reach the renderer only as relative media URLs (`media/<kind>/<sha256>?k=<token>`) that
// main serves from its cache; the renderer never touches the network.

/** Why a photo or document cannot be shown. */
export const MediaProblem = z.enum(['not-an-image', 'truncated', 'too-large', 'not-a-pdf', 'unavailable', 'not-found']);
export type MediaProblem = z.infer<typeof MediaProblem>;

const returnIdArg = z.number().int().positive();
const imageHashArg = z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, 'expected the Market image hash');

/** A file in main's cache, ready to show. */
export const MediaFileView = z.object({
  sha256: z.string(),
  mime: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Relative media URL with the launch token. */
  url: z.string(),
});
export type MediaFileView = z.infer<typeof MediaFileView>;

export const PhotoView = z.object({
  itemId: z.number().int().nullable(),
  imageHash: z.string(),
  /** cached: on disk; missing: not fetched yet; failed: fetched and refused (see problem). */
  state: z.enum(['cached', 'missing', 'failed']),
  file: MediaFileView.nullable(),
  thumb: MediaFileView.nullable(),
  /**
   * What the viewer shows at screen size: a copy fitting 2560×1600, or the original itself (same URL)
   * when it is no larger; null until the copy is made. Zoomed past its pixels, the viewer loads the original.
   */
  screen: MediaFileView.nullable(),
  problem: MediaProblem.nullable(),
  /** The reason in words, for the broken tile. */
  reason: z.string().nullable(),
});
export type PhotoView = z.infer<typeof PhotoView>;

export const ItemPhotos = z.object({
  idx: z.number().int(),
  shopSku: z.string(),
  name: z.string().nullable(),
  returnItemId: z.number().int().nullable(),
  photos: z.array(PhotoView),
});
export type ItemPhotos = z.infer<typeof ItemPhotos>;

export const CatalogPictures = z.object({
  shopSku: z.string(),
  pictures: z.array(
    z.object({ file: MediaFileView.nullable(), screen: MediaFileView.nullable(), problem: MediaProblem.nullable(), reason: z.string().nullable() }),
  ),
});
export type CatalogPictures = z.infer<typeof CatalogPictures>;

export const ApplicationView = z.object({
  returnId: z.number().int(),
  /** none: non-purchases have no application. */
  state: z.enum(['cached', 'failed', 'none']),
  file: MediaFileView.nullable(),
  fileName: z.string(),
  problem: MediaProblem.nullable(),
  reason: z.string().nullable(),
});
export type ApplicationView = z.infer<typeof ApplicationView>;

export const ChatView = z.object({
  chatId: z.number().int(),
  /** CHAT with the buyer, ARBITRAGE in a dispute; other values are shown as unknown. */
  type: z.string(),
  status: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  customerName: z.string().nullable(),
});
export type ChatView = z.infer<typeof ChatView>;

export const ChatMessageView = z.object({
  messageId: z.number().int(),
  createdAt: isoTime,
  sender: z.string(),
  text: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), size: z.number() })),
});
export type ChatMessageView = z.infer<typeof ChatMessageView>;

export const ReturnChats = z.object({
  returnId: z.number().int(),
  /** Chats about returns exist for FBY, FBS and Express; DBS answers through the order chat. */
  supported: z.boolean(),
  chats: z.array(ChatView),
});
export type ReturnChats = z.infer<typeof ReturnChats>;

export const DisputeView = z.object({ row: InboxRow, arbitrageChat: ChatView.nullable() });
export type DisputeView = z.infer<typeof DisputeView>;

export const EvidencePack = z.object({
  /** False when the operator cancelled the folder dialog. */
  saved: z.boolean(),
  folder: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), size: z.number().int() })),
  /** Parts that could not be included, with the reason (offline, no application…). */
  missing: z.array(z.string()),
  /** The pack as one ZIP file, to download through main (a browser cannot open the serving machine's folder). */
  downloadUrl: z.string().nullable(),
});
export type EvidencePack = z.infer<typeof EvidencePack>;

const evidenceChannels = {
  /** The per-launch token media URLs carry. */
  'media.token': { args: NoArgs, result: z.object({ token: z.string() }) },
  /** Per item, the return's photos and their cache state (no network). */
  'photos.list': { args: z.object({ returnId: returnIdArg }).strict(), result: z.object({ returnId: z.number().int(), items: z.array(ItemPhotos) }) },
  /**
   * Ensures a photo, its thumbnail and its screen-sized copy are cached; answers once the photo is
   * ('photo'), its thumbnail is ('thumb'), its screen-sized copy is, made behind the thumbnails
   * ('screen') or first of all ('view': the viewer shows it now). A refused file comes back as state
   * "failed" with the reason.
   */
  'photos.fetch': {
    args: z
      .object({
        returnId: returnIdArg,
        itemId: z.number().int().positive(),
        imageHash: imageHashArg,
        kind: z.enum(['photo', 'thumb', 'screen', 'view']).default('photo'),
      })
      .strict(),
    result: PhotoView,
  },
  /** Fetches the photos of these returns in the background (the next ones in the inbox). */
  'photos.prefetch': { args: z.object({ returnIds: z.array(returnIdArg).max(20) }).strict(), result: z.object({ queued: z.number().int() }) },
  /** The products' catalogue pictures, to compare with the buyer's photos. */
  'photos.catalog': { args: z.object({ returnId: returnIdArg }).strict(), result: z.array(CatalogPictures) },
  'application.get': { args: z.object({ returnId: returnIdArg }).strict(), result: ApplicationView },
  /** The cached PDF's bytes (base64) for pdf.js: the desktop CSP allows no fetch at all. */
  'application.data': { args: z.object({ returnId: returnIdArg }).strict(), result: z.object({ base64: z.string() }) },
  /** Desktop: saves the PDF where the operator chooses in a native dialog. */
  'application.saveAs': { args: z.object({ returnId: returnIdArg }).strict(), result: z.object({ saved: z.boolean(), path: z.string().nullable() }) },
  'chats.forReturn': { args: z.object({ returnId: returnIdArg }).strict(), result: ReturnChats },
  /** Opens (or finds) the chat with the buyer about this return. */
  'chats.open': { args: z.object({ returnId: returnIdArg }).strict(), result: ChatView },
  'chats.history': { args: z.object({ returnId: returnIdArg, chatId: z.number().int().positive() }).strict(), result: z.array(ChatMessageView) },
  'chats.send': {
    args: z.object({ returnId: returnIdArg, chatId: z.number().int().positive(), text: z.string().trim().min(1, 'the message is empty').max(4096) }).strict(),
    result: z.array(ChatMessageView),
  },
  /** Attaches one of the return's cached photos to the chat. */
  'chats.sendPhoto': {
    args: z.object({ returnId: returnIdArg, chatId: z.number().int().positive(), itemId: z.number().int().positive(), imageHash: imageHashArg }).strict(),
    result: z.array(ChatMessageView),
  },
  /** Every return in PREMODERATION_DISPUTE, with its arbitrage chat when known. */
  'disputes.list': { args: NoArgs, result: z.array(DisputeView) },
  /** Saves application, photos, chat transcripts and decision history as one folder. */
  'evidence.savePack': { args: z.object({ returnId: returnIdArg, destination: z.enum(['choose', 'dataDir']) }).strict(), result: EvidencePack },
} as const;

// ---------------------------------------------------------------------------------------------
// Diagnostics: text support can read, for the "copy diagnostics" button. No secrets.

export const Diagnostics = z.object({
  /** Plain text to put on the clipboard as is. */
  text: z.string(),
  generatedAt: isoTime,
  /** Warning and error lines of the log included (redacted). */
  recentErrors: z.number().int(),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

const diagnosticsChannels = {
  /** Versions, settings (no secrets), sync and outbox status and the last warnings/errors of the log, as text. */
  'diagnostics.get': {
    args: z
      .object({ logLines: z.number().int().min(0).max(500).default(50) })
      .strict()
      .optional(),
    result: Diagnostics,
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Alerts: every alert shown is kept; it waits until a screen acknowledges it, a critical one until dismissed.

/** What a click on an alert opens: one return, or the inbox filtered to the group. */
export const AlertTarget = z.union([z.object({ returnId: z.number().int() }), z.object({ filter: z.enum(['awaiting', 'disputes', 'outbox']) })]);
export type AlertTarget = z.infer<typeof AlertTarget>;

/** The kinds of alert this version raises; a kept alert's kind stays an open string, since kinds grow. */
export const AlertKind = z.enum([
  'newAwaiting',
  'deadline',
  'expired',
  'undelivered',
  'undeliveredExpired',
  'pickup',
  'dispute',
  'disputeFinished',
  'chatMessage',
  'outboxFailed',
  'outboxConflict',
]);
export type AlertKind = z.infer<typeof AlertKind>;

/** Why a queued decision has not reached the Market yet. */
export const UndeliveredReason = z.enum(['unreachable', 'server-error', 'rate-limited', 'auth', 'garbage', 'unknown-outcome', 'waiting']);
export type UndeliveredReason = z.infer<typeof UndeliveredReason>;

/** A return as an alert names it. */
export const AlertReturnRef = z.object({ returnId: z.number().int(), orderId: z.number().int(), campaignName: z.string().max(500).nullable() });
export type AlertReturnRef = z.infer<typeof AlertReturnRef>;

/** What an alert says, kept beside it so its words are written in the operator's language each time it is shown. */
export const AlertFacts = z.object({
  /** Returns in the group. */
  count: z.number().int().min(0),
  /** The most urgent (or the newest) return of the group. */
  first: AlertReturnRef,
  /** Time left when it was raised until the deadline that matters for its kind (decision or pickup), ms. */
  timeLeftMs: z.number().nullable(),
  /** Deadline alerts: the largest threshold crossed in the group, minutes. */
  thresholdMinutes: z.number().nullable(),
  /** The Market's or the outbox's message of a failed decision, as given. */
  message: z.string().max(500).nullable(),
  /** Undelivered decisions: why the first of the group has not gone out. */
  reason: UndeliveredReason.nullable(),
});
export type AlertFacts = z.infer<typeof AlertFacts>;

export const AlertRecord = z.object({
  id: z.number().int(),
  /** deadline, expired, undelivered, undeliveredExpired, dispute, disputeFinished, chatMessage, outboxFailed, outboxConflict, newAwaiting, pickup; open, since kinds grow. */
  kind: z.string(),
  /** The words in the language spoken when it was raised: shown only when `facts` are missing (an alert kept by an older version) or of a kind this version does not know. */
  title: z.string(),
  body: z.string(),
  /** What it says, written in words when shown; null for alerts kept before facts were. */
  facts: AlertFacts.nullable(),
  /** Critical alerts (expiry, conflict, the last threshold) stay on screen until dismissed. */
  urgency: z.enum(['normal', 'critical']),
  target: AlertTarget,
  returnIds: z.array(z.number().int()).max(100_000),
  /** When it was raised, on the Market's clock. */
  at: isoTime,
  acknowledgedAt: isoTime.nullable(),
  dismissedAt: isoTime.nullable(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

const AlertIds = z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }).strict();

const alertChannels = {
  /** Alerts a screen has still to show: not yet acknowledged, and critical ones not dismissed; oldest first. */
  'alerts.pending': { args: NoArgs, result: z.array(AlertRecord) },
  /** This screen showed them. */
  'alerts.acknowledge': { args: AlertIds, result: z.object({ changed: z.number().int() }) },
  /** The operator closed them. */
  'alerts.dismiss': { args: AlertIds, result: z.object({ changed: z.number().int() }) },
  /** The alert history, newest first. */
  'alerts.history': {
    args: z
      .object({ limit: z.number().int().min(1).max(500).default(100), beforeId: z.number().int().positive().optional() })
      .strict()
      .optional(),
    result: z.object({ alerts: z.array(AlertRecord), total: z.number().int() }),
  },
} as const;

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
  'apiKey.set': {
    args: z
      .object({
        key: z
          .string()
          .trim()
          .min(8, 'the key is too short')
          .max(512)
          .regex(/^[\x21-\x7e]+$/, 'the key has spaces or characters a key never has'),
      })
      .strict(),
    result: ApiKeyStatus,
  },
  'apiKey.remove': { args: NoArgs, result: ApiKeyStatus },

  'decisions.available': { args: z.object({ returnId: z.number().int().positive() }).strict(), result: AvailableDecisions },
  'decisions.validate': { args: z.object({ draft: DecisionDraft }).strict(), result: z.object({ issues: z.array(DraftIssue) }) },
  /** Queues the decision durably; the result is the committed outbox entry. */
  'decisions.submit': { args: z.object({ draft: DecisionDraft }).strict(), result: OutboxEntry },
  /** Replaces a decision that is still queued (not yet sending). */
  'decisions.edit': { args: z.object({ outboxId: z.number().int().positive(), draft: DecisionDraft }).strict(), result: OutboxEntry },
  'decisions.cancel': { args: z.object({ outboxId: z.number().int().positive() }).strict(), result: OutboxEntry },
  'outbox.list': {
    args: z
      .object({ returnId: z.number().int().positive().optional(), states: z.array(OutboxState).max(6).optional() })
      .strict()
      .optional(),
    result: z.array(OutboxEntry),
  },
  /** Sends queued decisions now instead of waiting for the next retry. */
  'outbox.retry': {
    args: z.object({ outboxId: z.number().int().positive().optional() }).strict().optional(),
    result: z.object({ scheduled: z.number().int() }),
  },
  'audit.list': {
    args: z.object({ returnId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    result: z.array(AuditEntry),
  },

  // Reports, analytics and exports
  'analytics.get': { args: z.object({ query: AnalyticsQuery }).strict(), result: AnalyticsResult },
  'analytics.orderMoney': { args: z.object({ query: OrderMoneyQuery }).strict(), result: OrderMoneyPage },
  /** Desktop: the native folder dialog (null when cancelled). Web: no dialog, the default folder, native false. */
  'files.chooseFolder': { args: NoArgs, result: z.object({ folder: z.string().nullable(), native: z.boolean(), defaultFolder: z.string() }) },
  /** Opens a file ReturnDesk wrote this session (desktop); web mode answers opened: false with the path. */
  /** `confirmed`: the operator has read the report's spreadsheet warning and opens it anyway. */
  'files.open': {
    args: z.object({ path: z.string().min(1).max(4096), confirmed: z.boolean().optional() }).strict(),
    result: z.object({ opened: z.boolean(), path: z.string() }),
  },
  'exports.inbox': { args: z.object({ filter: InboxFilter, folder: TargetFolder }).strict(), result: ExportResult },
  'exports.audit': { args: z.object({ folder: TargetFolder }).strict(), result: ExportResult },
  'exports.analytics': { args: z.object({ query: AnalyticsQuery, table: AnalyticsTable, folder: TargetFolder }).strict(), result: ExportResult },
  /** Orders the united returns report; progress arrives as `reports.progress` events. */
  'reports.start': { args: z.object({ request: ReportRequest }).strict(), result: ReportJob },
  'reports.status': { args: z.object({ jobId: z.string().min(1).max(100) }).strict(), result: ReportJob },
  'reports.cancel': { args: z.object({ jobId: z.string().min(1).max(100) }).strict(), result: ReportJob },
  // Evidence: photos, application, chats, disputes — declared in their section above.
  ...evidenceChannels,
  ...diagnosticsChannels,
  ...alertChannels,
} as const;

// ---------------------------------------------------------------------------------------------
// Events (main → renderer)

export const events = {
  'app.pong': z.object({ seq: z.number().int(), text: z.string() }),
  'settings.changed': Settings,
  /**
   * Returns were added or changed in the local store. `rowsOnly`: only what their rows show changed (their orders were
   * written), not what filters, counts or the list's order read — a list holding none of them needs nothing read again.
   */
  'returns.changed': z.object({ returnIds: z.array(z.number().int()).max(10_000), full: z.boolean(), rowsOnly: z.boolean().optional() }),
  'status.changed': GlobalStatus,
  'stores.changed': z.array(StoreView),
  'outbox.changed': OutboxEntry,
  /** An alert was raised (and kept): every screen shows it; desktop shows a native notification too. */
  'alerts.notification': AlertRecord,
  /** Alerts were acknowledged or dismissed (by this screen or another): drop dismissed ones. */
  'alerts.changed': z.object({ ids: z.array(z.number().int()).max(500), dismissed: z.boolean() }),
  /** The operator clicked a native notification: show this return or list. */
  'app.navigate': AlertTarget,
  /** A united returns report moved on. */
  'reports.progress': ReportJob,
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
type Invoker<C extends ChannelName> =
  undefined extends ChannelArgs<C> ? (args?: ChannelArgs<C>) => Promise<Result<ChannelResult<C>>> : (args: ChannelArgs<C>) => Promise<Result<ChannelResult<C>>>;
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
