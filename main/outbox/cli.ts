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
import { composeMarket } from '../composition.ts';
import type { MarketClient, MarketClientOptions } from '../market/client.ts';
import { describeError } from '../market/errors.ts';
import { systemClock, type Clock } from '../market/scheduler.ts';
import { openStore, storePath, type Store } from '../store/store.ts';
import { DraftRejectedError, ReturnNotKnownError } from './errors.ts';
import { itemsSummary } from './draft.ts';
import type { Outbox, OutboxOptions, OutboxStatus } from './outbox.ts';
import { outboxStateWords } from '../../preload/decision-rules.ts';

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
  if (!/^\d{1,18}$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw new Error(`${name} must be a positive integer, got "${text}"`);
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

/** The store and the key's parts, assembled as the app does; `close` stops them before the store closes. */
function open(options: OutboxCliOptions): { store: Store; outbox: Outbox; client: MarketClient; close(): Promise<void> } {
  const store = openStore(storePath(options.dataDir));
  try {
    const parts = composeMarket({
      endpoint: { baseUrl: options.baseUrl, apiKey: options.apiKey },
      store,
      logger: options.logger ?? silentLogger,
      clock: options.clock ?? systemClock,
      ...(options.client ? { client: options.client } : {}),
      outbox: { ...options.outbox, locale: () => options.locale ?? 'en' },
    });
    return {
      store,
      outbox: parts.outbox,
      client: parts.client,
      async close() {
        await parts.stop();
        store.close();
      },
    };
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
  const { store, outbox, close } = open(options);
  try {
    const known = store.getReturn(returnId) !== undefined;
    const unknown = (): CliResult => ({
      code: 3,
      text: write(`Return ${returnId} is not in the local store: check the id, or run "sync --once" to fetch it. Nothing was queued.\n`),
    });
    const itemIds = returnItemIds(store, returnId);
    const parsed = parseDecideArgs(options, itemIds.length === 1 ? itemIds[0] : undefined);
    if ('error' in parsed) {
      // A missing --item of a return nobody knows is about the return, not the arguments.
      if (!known && parsed.error.startsWith('--item is required')) return unknown();
      const items =
        itemIds.length > 1
          ? `\nReturn ${returnId} has ${itemIds.length} items: ${itemIds.join(', ')}; give one --item ID:TYPE[:REASON[:COMPENSATION]] for each.`
          : '';
      return { code: 2, text: write(`${parsed.error}${items}\n`) };
    }
    if (!known) return unknown();
    try {
      const { entry, checkedAgainst } = await outbox.submitChecked(parsed.draft, options.operator);
      const checked =
        checkedAgainst.source === 'market'
          ? 'Checked against the decisions the Market allows now.'
          : `Checked against the decisions the Market allowed at ${checkedAgainst.fetchedAt}, kept by sync; the Market was not asked now.`;
      const text = [
        `Queued decision #${entry.id} for return ${entry.returnId} (order ${entry.orderId}, store ${entry.campaignId}): ${itemsSummary(entry.draft)}.`,
        checked,
        'It is saved here and not sent yet: "outbox drain" (or the running app) delivers it once the Market answers.',
      ].join('\n');
      return { code: 0, entry, text: write(`${text}\n`) };
    } catch (error) {
      if (error instanceof DraftRejectedError) {
        // Unknown options with the Market unreachable is a failure to check, not a refusal by the rules.
        const unchecked = error.issues.some((i) => i.rule === 'return.availableUnknown');
        const head = unchecked ? 'Not queued: the decision cannot be checked now' : 'Refused; nothing was queued';
        return { code: unchecked ? 1 : 3, issues: error.issues, text: write(`${head}:\n${issueLines(error.issues).join('\n')}\n`) };
      }
      if (error instanceof ReturnNotKnownError) return { code: 3, text: write(`${error.message}\n`) };
      const d = describeError(error);
      return { code: 1, text: write(`Could not queue the decision: ${d.kind}: ${d.message}\n`) };
    }
  } finally {
    await close();
  }
}

function returnItemIds(store: Store, returnId: number): number[] {
  return (store.returnDetail(returnId)?.items ?? []).map((i) => i.returnItemId).filter((x): x is number => x !== null);
}

export function formatEntries(entries: readonly OutboxEntry[], locale: RuleLocale = 'en'): string[] {
  if (entries.length === 0) return [locale === 'ru' ? 'Очередь решений пуста.' : 'The outbox is empty.'];
  return entries.map((e) => {
    const state = outboxStateWords(e.state, locale).padEnd(12);
    const extra = [e.explanation, e.serverMessage ? `server: ${e.serverMessage}` : null].filter(Boolean).join(' | ');
    return `#${String(e.id).padEnd(5)} ${state} return ${e.returnId} order ${e.orderId} store ${e.campaignId} by ${e.operator} attempts ${e.attempts}: ${itemsSummary(e.draft)}${extra ? ` — ${extra}` : ''}`;
  });
}

/** The counts; `online` only where this run talked to the Market (a listing does not). */
function formatStatus(s: OutboxStatus, connection: boolean): string {
  const counts = `queued ${s.queued}, sending ${s.sending}, failed ${s.failed}, conflict ${s.conflict}, quarantined ${s.quarantined}`;
  return connection ? `${counts}; the Market ${s.online ? 'answered' : 'could not be reached'}` : counts;
}

/** `outbox list [--return ID] [--state S…]`: the queue from the local store (no network). */
export function runOutboxList(
  options: Pick<OutboxCliOptions, 'dataDir' | 'out' | 'locale'> & { returnId?: number; states?: readonly string[] },
): CliResult & { entries: OutboxEntry[] } {
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
  // Listing needs no key and no network; nothing was started, so closing the store is all there is to close.
  const { store, outbox } = open({ ...options, apiKey: 'offline-listing' });
  try {
    const entries = outbox.list({ returnId: options.returnId, states });
    const quarantined = outbox.quarantined();
    const filtered = options.returnId !== undefined || states.length > 0;
    const lines =
      entries.length === 0 && filtered
        ? [
            `No decision in the outbox${options.returnId !== undefined ? ` for return ${options.returnId}` : ''}${states.length ? ` in state ${states.join(' or ')}` : ''}.`,
          ]
        : formatEntries(entries, options.locale);
    for (const q of quarantined) lines.push(`#${q.id} QUARANTINED (unreadable, kept, not sent): ${q.reason}`);
    lines.push(`All: ${formatStatus(outbox.status(), false)} (read from the local store; "outbox drain" sends).`);
    const text = `${lines.join('\n')}\n`;
    options.out?.write(text);
    return { code: 0, entries, text };
  } finally {
    store.close();
  }
}

/**
 * `outbox drain [--timeout S]`: sends until nothing is queued or sending, or the timeout; prints each
 * change as it happens, then the outcome. Exit 0 only when every decision it handled was delivered.
 */
export async function runOutboxDrain(
  options: OutboxCliOptions & { timeoutMs?: number; operator?: string },
): Promise<CliResult & { drained: boolean; status: OutboxStatus; entries: OutboxEntry[] }> {
  const { outbox, client, close } = open(options);
  const timeoutMs = options.timeoutMs ?? 120_000;
  const handled = new Map<number, OutboxEntry>();
  const lines: string[] = [];
  const say = (line: string): void => {
    lines.push(line);
    options.out?.write(`${line}\n`);
  };
  const onChanged = (entry: OutboxEntry): void => {
    handled.set(entry.id, entry);
    const words = outboxStateWords(entry.state, options.locale ?? 'en');
    say(
      `  #${entry.id} return ${entry.returnId}: ${words}${entry.explanation ? ` — ${entry.explanation}` : ''}${entry.serverMessage ? ` | server: ${entry.serverMessage}` : ''}`,
    );
  };
  const onStatus = (status: OutboxStatus): void => say(status.online ? '  The Market answers again.' : '  The Market cannot be reached; waiting for it.');
  try {
    const before = outbox.status();
    const waiting = before.queued + before.sending;
    if (waiting === 0) {
      say('Nothing to send: no decision is queued or sending.');
      say(`All: ${formatStatus(outbox.status(), false)}.`);
      return { code: 0, drained: true, status: outbox.status(), entries: [], text: `${lines.join('\n')}\n` };
    }
    say(`Sending ${waiting} decision(s) (queued ${before.queued}, sending ${before.sending}); waiting up to ${Math.round(timeoutMs / 1000)} s.`);
    // A refused key stops every request of the key until it changes: waiting out the timeout would change nothing.
    const giveUp = new AbortController();
    const onChangedCheck = (): void => {
      if (client.scheduler.halted) giveUp.abort();
    };
    // The operator asked to send now: what waits for a backed-off retry goes at once (after a re-read where its outcome is unknown).
    outbox.retry(undefined, options.operator);
    outbox.on('changed', onChanged);
    outbox.on('changed', onChangedCheck);
    outbox.on('status', onStatus);
    outbox.start();
    const drained = await outbox.whenIdle(timeoutMs, giveUp.signal);
    outbox.off('changed', onChangedCheck);
    await outbox.stop();
    const status = outbox.status();
    const ids = new Set([...handled.keys(), ...outbox.list({ states: ['queued', 'sending'] }).map((e) => e.id)]);
    const entries = [...ids].map((id) => outbox.get(id)).filter((e): e is OutboxEntry => e !== undefined);
    const notDelivered = entries.filter((e) => e.state !== 'delivered' && e.state !== 'cancelled');
    if (drained && notDelivered.length === 0) say(`Done: ${entries.length} decision(s) delivered to the Market.`);
    else if (drained) say(`Done, but ${notDelivered.length} of ${entries.length} decision(s) were not delivered (below): they need the operator.`);
    else if (client.scheduler.halted) {
      say(
        `Stopped: the Market refused the API key (${client.scheduler.halted.message}). ${status.queued + status.sending} decision(s) stay in the outbox until the key is fixed (RETURNDESK_API_KEY or the app's settings).`,
      );
    } else {
      const why = status.online ? 'the Market answers, but asked to wait or has not confirmed them yet (below)' : 'the Market cannot be reached';
      say(
        `Timed out after ${Math.round(timeoutMs / 1000)} s with ${status.queued + status.sending} decision(s) still waiting: ${why}. They stay in the outbox: run "outbox drain" again or keep the app running.`,
      );
    }
    for (const line of formatEntries(entries, options.locale)) say(line);
    say(`All: ${formatStatus(status, true)}.`);
    return { code: drained && notDelivered.length === 0 ? 0 : 1, drained, status, entries, text: `${lines.join('\n')}\n` };
  } finally {
    outbox.off('changed', onChanged);
    outbox.off('status', onStatus);
    await close();
  }
}
