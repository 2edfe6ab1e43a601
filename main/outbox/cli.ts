/**
 * CLI pieces: `decide` queues a decision exactly as the UI does (same checks, same outbox), and
 * `outbox list|drain` shows or sends the queue.
 *
 * Items of `decide`:
 *   single item:  --item ID --type TYPE [--reason R] [--comment C] [--compensation N]
 *                 (--item may be left out when the return has exactly one item)
 *   several:      --item ID:TYPE[:REASON[:COMPENSATION]] once per item, and --comment ID=TEXT
 *                 once per item that needs a comment (REFUND_MONEY_INCLUDING_SHIPMENT, REPAIR,
 *                 DECLINE_REFUND, OTHER_DECISION). An empty REASON keeps its place: 12:PARTIAL_MONEY_REFUND::150.
 */
import type { DecisionDraft, DraftIssue, OutboxEntry, OutboxState } from '../../preload/contract.ts';
import { OutboxState as OutboxStateSchema } from '../../preload/contract.ts';
import type { RuleLocale } from '../../preload/decision-rules.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { MarketClient, type MarketClientOptions } from '../market/client.ts';
import { describeError } from '../market/errors.ts';
import { systemClock, type Clock } from '../market/scheduler.ts';
import { openStore, storePath, type Store } from '../store/store.ts';
import { DraftRejectedError, ReturnNotKnownError } from './errors.ts';
import { Outbox, itemsSummary, type OutboxOptions, type OutboxStatus } from './outbox.ts';
import { STATE_WORDS } from './texts.ts';

export interface Output {
  write(text: string): unknown;
}

export interface OutboxCliOptions {
  dataDir: string;
  apiKey: string;
  /** Production when undefined. */
  baseUrl?: string;
  logger?: Logger;
  out?: Output;
  clock?: Clock;
  locale?: RuleLocale;
  client?: Partial<Omit<MarketClientOptions, 'apiKey' | 'baseUrl' | 'logger' | 'clock'>>;
  outbox?: Partial<Omit<OutboxOptions, 'store' | 'client' | 'clock' | 'logger'>>;
}

export interface DecideArgs {
  returnId: number | string;
  /** `ID` (with --type) or `ID:TYPE[:REASON[:COMPENSATION]]`, repeatable. */
  item?: string | readonly string[];
  type?: string;
  reason?: string;
  /** The comment (single item) or `ID=TEXT` per item. */
  comment?: string | readonly string[];
  compensation?: number | string;
  operator?: string;
}

export interface CliResult {
  /** 0 done, 1 failure, 2 bad arguments, 3 refused by the rules or the state of the return. */
  code: number;
  text: string;
}

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

function positiveInt(text: string, name: string): number {
  if (!/^\d{1,18}$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return Number(text);
}

function amount(text: string, name: string): number {
  const value = Number(text.trim().replace(',', '.'));
  if (!text.trim() || !Number.isFinite(value)) throw new Error(`${name} must be a number of roubles, got "${text}"`);
  return value;
}

/**
 * Builds the draft from the arguments, or says which argument is wrong. `singleItemId` is used when
 * --item is left out (the return's only item).
 */
export function parseDecideArgs(args: DecideArgs, singleItemId?: number): { draft: DecisionDraft } | { error: string } {
  try {
    const returnId = positiveInt(String(args.returnId), '--return');
    const specs = list(args.item);
    const comments = list(args.comment);
    const multi = specs.length > 1 || specs.some((s) => s.includes(':'));
    if (!multi) {
      if (!args.type) return { error: '--type is required (or give items as --item ID:TYPE[:REASON[:COMPENSATION]])' };
      let itemId: number;
      if (specs.length === 1) itemId = positiveInt(specs[0]!, '--item');
      else if (singleItemId !== undefined) itemId = singleItemId;
      else return { error: '--item is required: the return has more than one item (or its items are not known yet)' };
      if (comments.length > 1) return { error: 'give one --comment for a single item' };
      return {
        draft: {
          returnId,
          items: [
            {
              returnItemId: itemId,
              decisionType: args.type.trim().toUpperCase(),
              ...(args.reason ? { reasonType: args.reason.trim().toUpperCase() } : {}),
              ...(comments[0] !== undefined ? { comment: comments[0] } : {}),
              ...(args.compensation !== undefined && args.compensation !== '' ? { compensation: amount(String(args.compensation), '--compensation') } : {}),
            },
          ],
        },
      };
    }
    if (args.type || args.reason || args.compensation !== undefined) {
      return { error: 'with --item ID:TYPE… put the reason and compensation into each --item; --type, --reason and --compensation are for a single item' };
    }
    const byItem = new Map<number, string>();
    for (const c of comments) {
      const eq = c.indexOf('=');
      if (eq <= 0) return { error: `--comment must be ID=TEXT when several items are given, got "${c}"` };
      const id = positiveInt(c.slice(0, eq), '--comment item id');
      if (byItem.has(id)) return { error: `--comment for item ${id} is given twice` };
      byItem.set(id, c.slice(eq + 1));
    }
    const items: DecisionDraft['items'] = specs.map((spec) => {
      const [idText = '', type = '', reason = '', compensation = '', ...rest] = spec.split(':');
      if (rest.length) throw new Error(`--item "${spec}" has too many parts: ID:TYPE[:REASON[:COMPENSATION]]`);
      const returnItemId = positiveInt(idText, `--item "${spec}" id`);
      if (!type.trim()) throw new Error(`--item "${spec}" has no decision type: ID:TYPE[:REASON[:COMPENSATION]]`);
      const comment = byItem.get(returnItemId);
      return {
        returnItemId,
        decisionType: type.trim().toUpperCase(),
        ...(reason.trim() ? { reasonType: reason.trim().toUpperCase() } : {}),
        ...(comment !== undefined ? { comment } : {}),
        ...(compensation.trim() ? { compensation: amount(compensation, `--item "${spec}" compensation`) } : {}),
      };
    });
    for (const id of byItem.keys()) {
      if (!items.some((i) => i.returnItemId === id)) return { error: `--comment for item ${id}, which no --item names` };
    }
    return { draft: { returnId, items } };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function open(options: OutboxCliOptions): { store: Store; outbox: Outbox; client: MarketClient } {
  const store = openStore(storePath(options.dataDir));
  try {
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const client = new MarketClient({ ...options.client, apiKey: options.apiKey, baseUrl: options.baseUrl, logger, clock });
    const outbox = new Outbox({ ...options.outbox, store, client, clock, logger, locale: () => options.locale ?? 'en' });
    return { store, outbox, client };
  } catch (error) {
    store.close();
    throw error;
  }
}

function issueLines(issues: readonly DraftIssue[]): string[] {
  return issues.map((i) => `  ${i.returnItemId === null ? '' : `item ${i.returnItemId} `}${i.field} [${i.rule}]: ${i.message}`);
}

/** `decide`: checks and queues one decision; it is sent by the app or by `outbox drain`. */
export async function runDecide(options: OutboxCliOptions & DecideArgs): Promise<CliResult & { entry?: OutboxEntry; issues?: DraftIssue[] }> {
  const write = (text: string): string => {
    options.out?.write(text);
    return text;
  };
  let returnId: number;
  try {
    returnId = positiveInt(String(options.returnId), '--return');
  } catch (error) {
    return { code: 2, text: write(`${(error as Error).message}\n`) };
  }
  const { store, outbox } = open(options);
  try {
    const onlyItem = singleItem(store, returnId);
    const parsed = parseDecideArgs(options, onlyItem);
    if ('error' in parsed) return { code: 2, text: write(`${parsed.error}\n`) };
    try {
      const entry = await outbox.submit(parsed.draft, options.operator);
      const text = `Queued decision #${entry.id} for return ${entry.returnId} (order ${entry.orderId}, store ${entry.campaignId}): ${itemsSummary(entry.draft)}.\nRun "outbox drain" (or keep the app running) to send it.\n`;
      return { code: 0, entry, text: write(text) };
    } catch (error) {
      if (error instanceof DraftRejectedError) {
        return { code: 3, issues: error.issues, text: write(`Refused; nothing was queued:\n${issueLines(error.issues).join('\n')}\n`) };
      }
      if (error instanceof ReturnNotKnownError) return { code: 3, text: write(`${error.message}\n`) };
      const d = describeError(error);
      return { code: 1, text: write(`Could not queue the decision: ${d.kind}: ${d.message}\n`) };
    }
  } finally {
    store.close();
  }
}

function singleItem(store: Store, returnId: number): number | undefined {
  const ids = (store.returnDetail(returnId)?.items ?? []).map((i) => i.returnItemId).filter((x): x is number => x !== null);
  return ids.length === 1 ? ids[0] : undefined;
}

export function formatEntries(entries: readonly OutboxEntry[], locale: RuleLocale = 'en'): string[] {
  if (entries.length === 0) return [locale === 'ru' ? 'Очередь решений пуста.' : 'The outbox is empty.'];
  return entries.map((e) => {
    const state = (STATE_WORDS[locale][e.state] ?? e.state).padEnd(12);
    const extra = [e.explanation, e.serverMessage ? `server: ${e.serverMessage}` : null].filter(Boolean).join(' | ');
    return `#${String(e.id).padEnd(5)} ${state} return ${e.returnId} order ${e.orderId} store ${e.campaignId} by ${e.operator} attempts ${e.attempts}: ${itemsSummary(e.draft)}${extra ? ` — ${extra}` : ''}`;
  });
}

function formatStatus(s: OutboxStatus): string {
  return `queued ${s.queued}, sending ${s.sending}, failed ${s.failed}, conflict ${s.conflict}, quarantined ${s.quarantined}, ${s.online ? 'online' : 'offline'}`;
}

/** `outbox list [--return ID] [--state S…]`: the queue from the local store (no network). */
export function runOutboxList(options: Pick<OutboxCliOptions, 'dataDir' | 'out' | 'locale'> & { returnId?: number; states?: readonly string[] }): CliResult & { entries: OutboxEntry[] } {
  const states: OutboxState[] = [];
  for (const s of options.states ?? []) {
    const parsed = OutboxStateSchema.safeParse(s);
    if (!parsed.success) {
      const text = `--state must be one of ${OutboxStateSchema.options.join(', ')}, got "${s}"\n`;
      options.out?.write(text);
      return { code: 2, entries: [], text };
    }
    states.push(parsed.data);
  }
  // Listing needs no key and no network.
  const { store, outbox } = open({ ...options, apiKey: 'offline-listing' });
  try {
    const entries = outbox.list({ returnId: options.returnId, states });
    const quarantined = outbox.quarantined();
    const lines = formatEntries(entries, options.locale);
    for (const q of quarantined) lines.push(`#${q.id} QUARANTINED (unreadable, kept, not sent): ${q.reason}`);
    lines.push(formatStatus(outbox.status()));
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    return { code: 0, entries, text };
  } finally {
    store.close();
  }
}

/** `outbox drain [--timeout S]`: sends until nothing is queued or sending, or the timeout; prints the states. */
export async function runOutboxDrain(options: OutboxCliOptions & { timeoutMs?: number }): Promise<CliResult & { drained: boolean; status: OutboxStatus; entries: OutboxEntry[] }> {
  const { store, outbox } = open(options);
  try {
    const before = outbox.status();
    outbox.start();
    const drained = await outbox.whenIdle(options.timeoutMs ?? 120_000);
    await outbox.stop();
    const status = outbox.status();
    const touched = outbox.list().filter((e) => Date.parse(e.updatedAt) >= Date.now() - 24 * 3_600_000 || e.state === 'queued' || e.state === 'sending');
    const lines = [
      `Before: queued ${before.queued}, sending ${before.sending}.`,
      drained ? 'Drained: nothing is queued or sending.' : `Timed out with decisions still waiting (${status.online ? 'online' : 'offline'}).`,
      ...formatEntries(touched, options.locale),
      formatStatus(status),
    ];
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    return { code: drained ? 0 : 1, drained, status, entries: touched, text };
  } finally {
    await outbox.stop();
    store.close();
  }
}
