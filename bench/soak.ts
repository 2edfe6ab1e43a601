/**
 * `npm run soak [-- --days 7 --seed N --rate 1200 --no-pace]`: an operator's week on an accelerated sandbox clock
 * (at most --rate; slower while the app falls behind its poll, unless --no-pace).
 * The app (scripts/soak-app.ts: the services web mode runs, behind its WebSocket) works a data folder
 * against the sandbox while returns arrive, buyers write, faults come and go on a schedule, an operator
 * decides during the Moscow working day, and the process is SIGKILLed and started again. Prints the
 * figures beside their goals and writes bench/soak.json; a run that misses a goal keeps its seed there.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UNDELIVERED_GRACE_MS } from '../main/alerts/policy.ts';
import type { AlertRecord, AuditEntry, AvailableDecisions, DecisionDraft, GlobalStatus, InboxRow, OutboxEntry } from '../preload/contract.ts';
import { sandboxAdmin } from '../sandbox/admin-client.ts';
import { startSandbox } from '../sandbox/index.ts';
import { createRng, type Rng } from '../sandbox/rng.ts';
import type { SoakScriptReport, ScheduledFault } from '../sandbox/soak-script.ts';
import { AppExited, loadApp, residentBytes, startApp, type AppProcess, type LoadedApp } from './soak-app-process.ts';
import { overlap, thresholdAlertFigure, thresholdAlertUnit, type Window } from './soak-alerts.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MSK = 3 * HOUR;
/** The app's fast poll and alert tick (default settings). */
const POLL_MS = MINUTE;
/** The slow lane: everything updated since the last listing, non-purchases included (default settings). */
const SLOW_POLL_MS = 10 * MINUTE;

export interface SoakOptions {
  days: number;
  seed: number;
  /** Sandbox milliseconds per real millisecond. */
  rate: number;
  perDay: number;
  kills: number;
  /** Share of awaiting returns the operator decides at once, near the deadline; the rest never. */
  decideNow: number;
  decideNear: number;
  /** Turn the full-disk window on (needs prlimit). */
  diskFull: boolean;
  /** The least time left at which the operator still decides (the Market's ms). */
  minLeadMs: number;
  /** The slowest the clock may run while the app catches up with its poll (sandbox ms per real ms). */
  minRate: number;
  /** Slow the clock while the app falls behind its poll (else it runs at `rate` throughout). */
  pace: boolean;
  log?: (line: string) => void;
}

export const DEFAULTS: SoakOptions = {
  days: 7,
  seed: 1,
  // 7 days in 504 s, and 25 restarts (held at real time while they come up; the next process loads while the last one runs), the drain and the catch-up in the rest of ten minutes.
  rate: 1200,
  perDay: 200,
  kills: 24,
  decideNow: 0.45,
  decideNear: 0.3,
  diskFull: true,
  minLeadMs: HOUR,
  minRate: 50,
  pace: true,
};

export interface Figure {
  name: string;
  value: number | string | null;
  unit: string;
  goal: string;
  met: boolean | null;
}

export interface SoakResult {
  seed: number;
  options: Omit<SoakOptions, 'log'>;
  wallSeconds: number;
  load: number[];
  figures: Figure[];
  counts: Record<string, number>;
  /** What went wrong, each with what the figures need to find it again. */
  defects: string[];
  notes: string[];
  /** Where the wall time went (seconds, and sandbox minutes covered meanwhile), by part of the run. */
  wall: Record<string, { seconds: number; sandboxMinutes: number }>;
  /** Each start of the app: real ms to load (until it waits for the clock), to come up, and to list what it stored. */
  starts: Array<{ day: number; loadMs: number; upMs: number; listMs: number }>;
  /** Each change of pace: when (real s into the run, sandbox day), the rate, and the poll gap that caused it. */
  pace: PaceChange[];
}

export interface PaceChange {
  realS: number;
  day: number;
  from: number;
  to: number;
  /** The widest poll gap of a store at the check, sandbox minutes, and that store. */
  gapMin: number;
  campaignId: number | null;
}

const mskHour = (ms: number): number => new Date(ms + MSK).getUTCHours() + new Date(ms + MSK).getUTCMinutes() / 60;
const mskMidnight = (ms: number): number => Math.floor((ms + MSK) / DAY) * DAY - MSK;
const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Quiet hours of the operator (22:00–08:00 Moscow), as windows over the run. */
function quietWindows(from: number, to: number): Window[] {
  const out: Window[] = [];
  for (let day = mskMidnight(from) - DAY; day < to; day += DAY) out.push({ from: day + 22 * HOUR, to: day + DAY + 8 * HOUR });
  return out;
}

/** The week's long outage (day of the run, Moscow hour it starts, length): see faultSchedule. */
export const LONG_OUTAGE = { day: 4, fromHourMsk: 12, minutes: 180 };

/** The long outage of a run from `start` over `days`, or null in a run shorter than five days. */
export function longOutage(start: number, days: number): Window | null {
  if (days < 5) return null;
  const from = mskMidnight(start) + LONG_OUTAGE.day * DAY + LONG_OUTAGE.fromHourMsk * HOUR;
  return { from, to: from + LONG_OUTAGE.minutes * MINUTE };
}

/** The driver's random stream of a seed: the fault schedule is drawn from it first, then the kills and the operator. */
export const soakRng = (seed: number): Rng => createRng(seed * 7_919 + 17);

/** The week's faults: an offline window and a 5xx burst a day, slow and malformed answers, 420s, a 401 storm. */
export function faultSchedule(rng: Rng, start: number, days: number): ScheduledFault[] {
  const faults: ScheduledFault[] = [];
  const at = (day: number, hour: number): number => mskMidnight(start) + day * DAY + hour * HOUR + rng.int(0, 59) * MINUTE;
  const window = (type: ScheduledFault['type'], from: number, minutes: number, extra: Partial<ScheduledFault> = {}): void => {
    if (from >= start && from < start + days * DAY) faults.push({ type, from, to: from + minutes * MINUTE, ...extra });
  };
  for (let day = 0; day < Math.ceil(days) + 1; day++) {
    window('drop', at(day, rng.int(8, 20)), rng.int(20, 60));
    window('error5xx', at(day, rng.int(0, 23)), rng.int(10, 30), { rate: 0.5, status: 503 });
    window('parallel', at(day, rng.int(0, 23)), 60);
    if (day % 2 === 0) window('latency', at(day, rng.int(9, 18)), 60, { latencyMs: rng.int(2, 10) * 1000, rate: 0.3 });
    if (day % 2 === 1) window('malformed', at(day, rng.int(0, 23)), 20, { rate: 0.2 });
    if (day % 3 === 1) window('budget', at(day, rng.int(10, 16)), 60, { scale: 0.01 });
  }
  // One 401 storm in the week, in working hours (the operator re-enters the key after it).
  window('unauthorized', at(Math.min(2, Math.max(0, Math.ceil(days) - 1)), 11), 20);
  // One long outage in a week's run: the office loses its internet for three hours of an afternoon, while the
  // operator keeps deciding returns near their deadlines — the decisions that cannot go out must be escalated.
  // At a fixed time, drawing nothing from the stream, so the kills and the operator of a seed stay as they were.
  const outage = longOutage(start, days);
  if (outage) window('drop', outage.from, LONG_OUTAGE.minutes);
  return faults.sort((a, b) => a.from - b.from);
}

type Plan = 'now' | 'near' | 'never';

export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const options: SoakOptions = { ...DEFAULTS, ...partial };
  const log = options.log ?? (() => undefined);
  const wallStart = Date.now();
  const rng = soakRng(options.seed);
  const sandbox = await startSandbox({ port: 0, quiet: true, seed: options.seed, returns: 30, startTime: new Date('2026-07-06T06:00:00+03:00') });
  const admin = sandboxAdmin(sandbox.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'returndesk-soak-'));
  const pageDir = mkdtempSync(join(tmpdir(), 'returndesk-soak-renderer-'));
  const defects: string[] = [];
  const notes: string[] = [];
  const counts: Record<string, number> = {};
  const bump = (name: string, by = 1): void => void (counts[name] = (counts[name] ?? 0) + by);
  // Where the wall time went: real and sandbox ms by what the clock was doing, and each change of pace with its cause.
  const wall: Record<string, { realMs: number; sandboxMs: number }> = {};
  const spent = (part: string, realMs: number, sandboxMs = 0): void => {
    const w = (wall[part] ??= { realMs: 0, sandboxMs: 0 });
    w.realMs += realMs;
    w.sandboxMs += sandboxMs;
  };
  const paceLog: PaceChange[] = [];
  const appStarts: SoakResult['starts'] = [];
  let app: AppProcess | null = null;
  let spare: LoadedApp | null = null;
  try {
    // The sandbox clock runs at `rate` while the app runs, and at real time while it loads (a restart then
    // costs the Market's week the downtime chosen for it, not the seconds Node takes to load on a busy machine).
    let clock = { sandboxMs: 0, realMs: 0, rate: 1 };
    const setRate = async (rate: number): Promise<typeof clock> => {
      const answer = await fetch(`${sandbox.url}/_sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rate }),
      });
      const info = (await answer.json()) as { nowMs: number; realTime: number; rate: number };
      clock = { sandboxMs: info.nowMs, realMs: info.realTime, rate: info.rate };
      return clock;
    };
    await setRate(1);
    const now = (): number => clock.sandboxMs + (Date.now() - clock.realMs) * clock.rate;
    const start = now();
    const end = start + options.days * DAY;
    const faults = faultSchedule(rng, start, options.days);
    const scripted = await fetch(`${sandbox.url}/_sandbox/soak`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: options.seed, days: options.days, perDay: options.perDay, faults }),
    });
    if (!scripted.ok) throw new Error(`the sandbox refused the soak script: ${await scripted.text()}`);

    // What the app tells its screens, as they happen.
    const firstSeen = new Map<number, number>();
    const statusSeen = { diskFull: 0, authProblem: 0 };
    const shownAlerts: Array<{ at: number; stamped: number; kind: string; returnIds: number[] }> = [];
    const onEvent = (event: string, payload: unknown): void => {
      if (event === 'returns.changed') {
        const t = now();
        for (const id of (payload as { returnIds: number[] }).returnIds) if (!firstSeen.has(id)) firstSeen.set(id, t);
      } else if (event === 'alerts.notification') {
        // What the operator is shown, when it is shown (the history dates an alert a kill took from it at its next showing).
        const alert = payload as AlertRecord;
        shownAlerts.push({ at: now(), stamped: Date.parse(alert.at), kind: alert.kind, returnIds: alert.returnIds });
      } else if (event === 'status.changed') {
        const status = payload as GlobalStatus;
        if (status.diskFull) statusSeen.diskFull++;
        if (status.authProblem) statusSeen.authProblem++;
      }
    };

    const down: Window[] = [];
    let downSince: number | null = start;
    let lastLaunch = start;
    let exitedByItself: { how: string; output: string } | null = null;
    /** When the operator re-entered the key after the 401 storm (the sync engine halts on a refused key until then). */
    let keyBack = Infinity;
    // The pace: the clock runs at `rate` at most, slower while the app falls behind its poll (see `pace` below).
    spent('sandbox start', Date.now() - wallStart);
    const paced = { rate: options.rate, changedAt: 0, realAt: Date.now(), lowest: options.rate, changes: 0 };
    const runAt = async (rate: number): Promise<void> => {
      const realNow = Date.now();
      spent(clock.rate <= 1 ? 'held' : clock.rate >= options.rate ? 'full' : 'slowed', realNow - paced.realAt, (realNow - paced.realAt) * clock.rate);
      paced.realAt = realNow;
      await setRate(rate);
      app?.setClock(clock);
    };
    /** Whether a loaded process has gone (it may still be loading: startApp then waits for it). */
    const gone = (loaded: LoadedApp): Promise<boolean> => Promise.race([loaded.exited.then(() => true), sleep(0).then(() => false)]);
    const launch = async (
      extra: { downMs?: number; slowMigrationMs?: number; onMigrating?: (child: ChildProcess) => void; held?: boolean } = {},
    ): Promise<AppProcess> => {
      await runAt(1);
      const launchedAt = Date.now();
      let loadedAt = launchedAt;
      // The next process loaded its code while this one ran (see LoadedApp); a start with a slow migration loads its own.
      const loaded = !extra.slowMigrationMs && spare && !(await gone(spare)) ? spare : undefined;
      if (!extra.slowMigrationMs) spare = null;
      const started = await startApp(
        {
          dataDir,
          baseUrl: sandbox.url,
          apiKey: sandbox.apiKey,
          // The week waits (real time) until the soak listens: returns stored before the bridge opened are listed below.
          clock: async () => {
            loadedAt = Date.now();
            if (extra.downMs) await admin.advanceClock(extra.downMs);
            return setRate(1);
          },
          onEvent,
          pageDir,
          ...(extra.slowMigrationMs ? { slowMigrationMs: extra.slowMigrationMs, onMigrating: (child: ChildProcess) => extra.onMigrating?.(child) } : {}),
        },
        loaded,
      );
      if (downSince !== null) down.push({ from: downSince, to: now() });
      downSince = null;
      lastLaunch = now();
      // What the first poll stored before the bridge opened raised no event the soak could hear: seen now.
      const seenAt = now();
      const upAt = Date.now();
      for (let offset = 0; ; offset += 500) {
        const page = await started.bridge.call<{ rows: InboxRow[] }>('returns.list', { filter: {}, offset, limit: 500 });
        if (!page.ok) break;
        for (const row of page.value.rows) if (!firstSeen.has(row.returnId)) firstSeen.set(row.returnId, seenAt);
        if (page.value.rows.length < 500) break;
      }
      appStarts.push({
        day: Math.round(((seenAt - start) / DAY) * 100) / 100,
        loadMs: loadedAt - launchedAt,
        upMs: upAt - loadedAt,
        listMs: Date.now() - upAt,
      });
      if (!extra.held) {
        await runAt(paced.rate);
        started.setClock(clock);
      }
      // An exit nobody asked for (not a kill of the soak's) is the app's defect: noted, and the app started again.
      void started.exited.then((how) => {
        if (app === started) exitedByItself = { how, output: started.output() };
      });
      return started;
    };
    const stopApp = async (signal: NodeJS.Signals): Promise<void> => {
      if (!app) return;
      const current = app;
      app = null;
      downSince = now();
      current.kill(signal);
      await current.exited;
      current.bridge.close();
    };

    // The operator's settings are in before the week speeds up (else the first alerts come before quiet hours are set).
    app = await launch({ held: true });
    const settings = await app.bridge.call('settings.set', {
      operatorName: 'Soak operator',
      locale: 'en',
      quietHours: { enabled: true, start: '22:00', end: '08:00' },
    });
    if (!settings.ok) throw new Error(`settings.set failed: ${settings.error.message}`);
    const quietFrom = now();
    await runAt(paced.rate);

    // The week's events on the driver's side: kills, the operator's absences, the full disk.
    const killAt = Array.from({ length: options.kills }, () => start + (0.02 + 0.9 * rng.next()) * (end - start)).sort((a, b) => a - b);
    const migrationKill = killAt[Math.floor(killAt.length / 3)];
    const absences: Window[] = [];
    for (let day = 0; day < Math.ceil(options.days) + 1; day++) {
      const from = mskMidnight(start) + day * DAY + rng.int(10, 16) * HOUR + rng.int(0, 59) * MINUTE;
      absences.push({ from, to: from + HOUR });
    }
    const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
    const diskFullAt = options.diskFull && hasPrlimit ? mskMidnight(start) + Math.min(3, Math.floor(options.days / 2)) * DAY + 13 * HOUR + 20 * MINUTE : null;
    const diskFull: Window | null = diskFullAt !== null && diskFullAt < end - 4 * HOUR ? { from: diskFullAt, to: diskFullAt + 2 * HOUR } : null;
    if (options.diskFull && !hasPrlimit) notes.push('prlimit is not installed: the full-disk window was not run');
    let diskLimited = false;
    const storm = faults.find((f) => f.type === 'unauthorized');
    const outage = longOutage(start, options.days);
    let keyReentered = false;
    const diskFullMessages = new Set<string>();

    // The operator's state.
    const plans = new Map<number, { plan: Plan; leadMs: number }>();
    const decided = new Map<number, { at: number; deadline: number; offline: boolean }>();
    const refusals = new Map<string, number>();
    let nextCheck = start;
    const memory: Array<{ day: number; rss: number }> = [];
    let nextMemory = start + DAY;
    let walMax = 0;
    const sqlite = join(dataDir, 'returndesk.sqlite');
    const fileSize = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    let market: { online: boolean } = { online: true };

    const operatorCheck = async (bridge: AppProcess['bridge'], t: number): Promise<void> => {
      const page = await bridge.call<{ rows: InboxRow[]; total: number }>('returns.list', { filter: { awaitingDecision: true }, offset: 0, limit: 500 });
      if (!page.ok) return void bump('operator: list failed');
      const status = await bridge.call<GlobalStatus>('status.get');
      if (status.ok) market = { online: status.value.online };
      for (const row of page.value.rows) {
        if (row.returnType !== 'RETURN' || row.outboxState !== null || !row.decisionDeadline || decided.has(row.returnId)) continue;
        const deadline = Date.parse(row.decisionDeadline);
        let plan = plans.get(row.returnId);
        if (!plan) {
          const roll = rng.next();
          plan = { plan: roll < options.decideNow ? 'now' : roll < options.decideNow + options.decideNear ? 'near' : 'never', leadMs: rng.int(2, 10) * HOUR };
          plans.set(row.returnId, plan);
        }
        // The operator's clock as they come to this row (a long list on a busy machine takes sandbox hours at 1500×).
        const left = deadline - now();
        // The operator leaves the returns falling due during the long outage for that afternoon and decides them then, offline.
        const dueInOutage = outage !== null && plan.plan === 'near' && deadline > outage.from + HOUR && deadline < outage.to + HOUR;
        if (left < options.minLeadMs || plan.plan === 'never') continue;
        if (dueInOutage ? t < outage.from : plan.plan === 'near' && left > plan.leadMs) continue;
        const available = await bridge.call<AvailableDecisions>('decisions.available', { returnId: row.returnId });
        if (!available.ok) {
          bump('operator: options unavailable');
          continue;
        }
        const draft = draftFor(available.value, rng);
        if (!draft) continue;
        // Decided at least minLeadMs before the deadline, as the operator sees the clock when they press the button.
        if (deadline - now() < options.minLeadMs) {
          bump('operator: came too close to the deadline');
          continue;
        }
        const submitted = await bridge.call<OutboxEntry>('decisions.submit', { draft });
        if (submitted.ok) {
          decided.set(row.returnId, { at: now(), deadline, offline: !market.online });
          bump(market.online ? 'decisions: while online' : 'decisions: while offline');
        } else {
          refusals.set(submitted.error.message, (refusals.get(submitted.error.message) ?? 0) + 1);
          if (diskFull && t >= diskFull.from && t < diskFull.to) diskFullMessages.add(submitted.error.message);
        }
      }
    };

    /**
     * The pace: a busy machine must make the week longer, not the app late. Each store's fast poll is
     * seen at the sandbox; while the app is up and nothing excuses a pause in polling, a poll gap over
     * 1.5 intervals slows the clock, one under 1.35 speeds it up again, never past --rate. Excused, and
     * for 5 minutes after (the poll figures leave the same windows out): a start, a drop window (the
     * Market unreachable: its polls never arrive), a budget window and 2 hours after, the refused key.
     * Each finished gap is judged once (a late poll slowed the clock once, not at every check until the
     * next poll), and a gap still open slows it again only after another interval without a poll.
     */
    let paceCheck = 0;
    const judged = new Map<number, number | null>();
    let openSlowedAt = -Infinity;
    const pace = async (t: number): Promise<void> => {
      if (!options.pace || !app || Date.now() - paceCheck < 200) return;
      paceCheck = Date.now();
      const excuses: Window[] = [
        { from: lastLaunch, to: lastLaunch + 5 * MINUTE },
        ...faults.filter((f) => f.type === 'drop').map((f) => ({ from: f.from, to: f.to + 5 * MINUTE })),
        ...faults.filter((f) => f.type === 'budget').map((f) => ({ from: f.from, to: f.to + 2 * HOUR })),
        ...(storm ? [{ from: storm.from, to: keyBack + 5 * MINUTE }] : []),
      ];
      if (excuses.some((w) => t >= w.from && t < w.to)) return;
      // Gaps are counted from the end of the latest excuse: a gap that began inside one is not the app's.
      const since = Math.max(...excuses.filter((w) => w.to <= t).map((w) => w.to));
      const polls = (await (await fetch(`${sandbox.url}/_sandbox/soak/polls`)).json()) as {
        now: number;
        stores: Array<{ campaignId: number; last: number | null; lastGap: number | null }>;
      };
      if (polls.stores.length === 0) return;
      const open = polls.stores.map((p) => polls.now - Math.max(p.last ?? since, since));
      const finished = polls.stores.map((p) => {
        const fresh = p.last !== judged.get(p.campaignId);
        judged.set(p.campaignId, p.last);
        return fresh && p.last !== null && p.lastGap !== null && p.last - p.lastGap >= since ? p.lastGap : 0;
      });
      const gaps = polls.stores.map((_, i) => Math.max(open[i]!, finished[i]!));
      const gap = Math.max(...gaps);
      const late = Math.max(...finished) > 1.5 * POLL_MS || (Math.max(...open) > 1.5 * POLL_MS && polls.now - openSlowedAt > POLL_MS);
      let rate = paced.rate;
      if (late) {
        rate = Math.max(options.minRate, Math.round(paced.rate * 0.7));
        if (Math.max(...open) > 1.5 * POLL_MS) openSlowedAt = polls.now;
      } else if (gap < 1.35 * POLL_MS && Date.now() - paced.changedAt > 1_000) rate = Math.min(options.rate, Math.round(paced.rate * 1.15));
      if (rate === paced.rate) return;
      paceLog.push({
        realS: Math.round((Date.now() - wallStart) / 100) / 10,
        day: Math.round(((t - start) / DAY) * 1000) / 1000,
        from: paced.rate,
        to: rate,
        gapMin: Math.round((gap / MINUTE) * 100) / 100,
        campaignId: polls.stores[gaps.indexOf(gap)]?.campaignId ?? null,
      });
      paced.rate = rate;
      paced.changedAt = Date.now();
      paced.lowest = Math.min(paced.lowest, rate);
      paced.changes++;
      await runAt(rate);
    };

    let lastLog = 0;
    while (now() < end) {
      const t = now();
      if (app && exitedByItself) {
        const { how, output } = exitedByItself as { how: string; output: string };
        exitedByItself = null;
        bump('app exited by itself');
        defects.push(`seed ${options.seed}: the app exited by itself (${how}) at ${new Date(t).toISOString()}: ${output.slice(-600)}`);
        (app as AppProcess).bridge.close();
        app = null;
        downSince = t;
        app = await launch({ downMs: MINUTE });
        continue;
      }
      await pace(t);
      // The next process loads once this one has been up a while: its loading then competes with a paced app,
      // never with one in its first minutes (when the pace excuses a late poll).
      if (app && !spare && t - lastLaunch > 15 * MINUTE) spare = loadApp({ dataDir, baseUrl: sandbox.url, apiKey: sandbox.apiKey, pageDir });
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        const status = app ? await app.bridge.call<GlobalStatus>('status.get', undefined, 5_000) : null;
        const said = status?.ok
          ? `online ${status.value.online}, last sync ${status.value.lastSync ?? '-'}, outbox ${JSON.stringify(status.value.outbox)}${status.value.authProblem ? `, ${status.value.authProblem}` : ''}${status.value.diskFull ? ', disk full' : ''}`
          : 'app down';
        log(
          `day ${((t - start) / DAY).toFixed(2)} (${new Date(t).toISOString()}): ${decided.size} decided, ${counts.kills ?? 0} kills, ${firstSeen.size} returns seen; ${said}`,
        );
      }
      walMax = Math.max(walMax, fileSize(`${sqlite}-wal`));
      if (app && t >= nextMemory) {
        const rss = residentBytes(app.pid);
        if (rss !== null) memory.push({ day: Math.round((t - start) / DAY), rss });
        nextMemory += DAY;
      }
      // The full disk: the running process may write nothing more until space comes back.
      // A driver that fell behind the clock (a busy machine at a fixed rate) may first look after the planned window:
      // the disk fills then, for the same two hours, and the figures use the window as it was.
      if (app && diskFull && !diskLimited && !counts['disk full: limited'] && t >= diskFull.to) Object.assign(diskFull, { from: t, to: t + 2 * HOUR });
      if (app && diskFull && !diskLimited && t >= diskFull.from && t < diskFull.to) {
        const pid = app.pid;
        // The soft limit only: lowering the hard one cannot be undone without CAP_SYS_RESOURCE, and space must come back.
        const limited = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${128 * 1024}:unlimited`]);
        diskLimited = limited.status === 0;
        if (!diskLimited) notes.push(`prlimit failed: ${String(limited.stderr)}`);
        else {
          bump('disk full: limited');
          // Space comes back on the sandbox clock (whose pace may change), whatever the driver is waiting for then.
          const lift = setInterval(() => {
            if (now() < diskFull.to) return;
            clearInterval(lift);
            if (spawnSync('prlimit', ['--pid', String(pid), '--fsize=unlimited:unlimited']).status === 0) bump('disk full: space back');
            else if (app?.pid === pid) defects.push(`seed ${options.seed}: the full disk could not be lifted from the running app (prlimit refused)`);
            diskLimited = false;
          }, 20);
        }
      }
      // No kill in the 401 storm: the operator must see the refused key and re-enter it (a kill is a fresh start).
      const stormNear = storm !== undefined && t >= storm.from - 30 * MINUTE && t < storm.to + 30 * MINUTE;
      if (app && killAt.length > 0 && t >= killAt[0]! && !stormNear) {
        killAt.shift();
        await stopApp('SIGKILL');
        bump('kills');
        if (t >= (migrationKill ?? Infinity) && !counts['kills during a migration']) {
          try {
            app = await launch({
              slowMigrationMs: 3_000,
              onMigrating: (child) => setTimeout(() => child.kill('SIGKILL'), rng.int(100, 1_500)),
            });
            defects.push(`seed ${options.seed}: the app came up although it was to be killed during its migration`);
          } catch (error) {
            if (error instanceof AppExited && error.how === 'SIGKILL') bump('kills during a migration');
            else throw error;
          }
          bump('kills');
        }
        app = await launch({ downMs: rng.int(1, 10) * MINUTE });
        if (diskFull && t >= diskFull.from && t < diskFull.to) diskLimited = false; // the new process has no limit yet
        continue;
      }
      // The operator re-enters the key after the 401 storm (in web mode the key comes with the start).
      if (app && storm && !keyReentered && t >= storm.to + 15 * MINUTE) {
        keyReentered = true;
        const status = await app.bridge.call<GlobalStatus>('status.get');
        if (status.ok && status.value.authProblem) {
          bump('key re-entered');
          await stopApp('SIGTERM');
          app = await launch({ downMs: 2 * MINUTE });
        } else bump('401 storm: no key problem left to fix');
        keyBack = now();
        continue;
      }
      if (app && t >= nextCheck) {
        const h = mskHour(t);
        const working = h >= 9 && h < 18 && !absences.some((a) => t >= a.from && t < a.to);
        if (working) await operatorCheck(app.bridge, t);
        nextCheck = t + 10 * MINUTE;
        continue;
      }
      await sleep(5);
    }

    // The week is over: faults have ended; let the queue finish (a minute of real time at most).
    log('the week is over; letting the queue drain');
    const weekOver = Date.now();
    spent(clock.rate <= 1 ? 'held' : clock.rate >= options.rate ? 'full' : 'slowed', weekOver - paced.realAt, (weekOver - paced.realAt) * clock.rate);
    const drainUntil = Date.now() + 60_000;
    let undelivered = -1;
    while (app && Date.now() < drainUntil) {
      const list = await app.bridge.call<OutboxEntry[]>('outbox.list', { states: ['queued', 'sending'] });
      undelivered = list.ok ? list.value.length : -1;
      if (undelivered === 0) break;
      await sleep(250);
    }
    // And let sync catch up with what the Market holds (a return is lost only if it never arrives).
    const soakReport = async (): Promise<SoakScriptReport> => (await (await fetch(`${sandbox.url}/_sandbox/soak`)).json()) as SoakScriptReport;
    const expectedIds = new Set((await soakReport()).arrivals.flatMap((a) => (a.returnId === null ? [] : [a.returnId])));
    const drained = Date.now();
    spent('drain', drained - weekOver, (drained - weekOver) * clock.rate);
    const catchUpUntil = Date.now() + 60_000;
    while (app && Date.now() < catchUpUntil) {
      const bridge: AppProcess['bridge'] = (app as AppProcess).bridge;
      const have = new Set<number>();
      for (let offset = 0; ; offset += 500) {
        const page = await bridge.call<{ rows: InboxRow[] }>('returns.list', { filter: {}, offset, limit: 500 });
        if (!page.ok) break;
        for (const row of page.value.rows) have.add(row.returnId);
        if (page.value.rows.length < 500) break;
      }
      if ([...expectedIds].every((id) => have.has(id))) break;
      await bridge.call('sync.now');
      await sleep(1_000);
    }
    const runEnd = now();
    spent('catch-up', Date.now() - drained, (Date.now() - drained) * clock.rate);
    const figuresFrom = Date.now();

    // Figures from the sandbox: what the Market received and did.
    const report = (await (await fetch(`${sandbox.url}/_sandbox/soak`)).json()) as SoakScriptReport & {
      requestsPerHour: Array<{ hour: string; byOperation: Record<string, number> }>;
      budgets: Record<string, { amount: number; periodMs: number }>;
      count420: { parallel: number; budget: number };
      budgetOverruns: number;
      budgetOverrunWindows: Array<{ window: string; at: string[] }>;
    };
    const received = await admin.received();
    const accepted = new Map<number, number[]>();
    for (const r of received) {
      if (r.operationId === 'submitReturnDecision' && r.statusCode === 200 && r.returnId) {
        accepted.set(r.returnId, [...(accepted.get(r.returnId) ?? []), Date.parse(r.sandboxTime)]);
      }
    }
    const excused = [...down, ...faults.filter((f) => ['drop', 'unauthorized', 'budget'].includes(f.type)), ...(diskFull ? [diskFull] : [])];
    if (storm) excused.push({ from: storm.from, to: storm.to + 15 * MINUTE });
    // The app's chance to deliver: time between the decision and the deadline with the app up and the Market
    // answering (not killed, not in a drop window or the 401 storm before the key came back, the disk not full).
    const noChance = [
      ...down,
      ...faults.filter((f) => f.type === 'drop'),
      ...(storm ? [{ from: storm.from, to: Math.max(storm.to, Number.isFinite(keyBack) ? keyBack : storm.to) }] : []),
      ...(diskFull ? [diskFull] : []),
    ];
    const chance = (from: number, to: number): number => to - from - overlap(noChance, from, to);
    /** Undelivered, but the Market could not be reached (or the app was down) for all but 10 minutes before the deadline. */
    const noChanceIds: number[] = [];
    let once = 0;
    let lost = 0;
    let twice = 0;
    let lateByApp = 0;
    let worstLateMs = 0;
    const lostIds: number[] = [];
    for (const [returnId, d] of decided) {
      const times = accepted.get(returnId) ?? [];
      if (times.length === 1) once++;
      if (times.length === 0 && chance(d.at, d.deadline) < 10 * MINUTE) noChanceIds.push(returnId);
      else if (times.length === 0) {
        lost++;
        lostIds.push(returnId);
      }
      if (times.length > 1) twice++;
      if (times.length > 0) {
        // Hold (5 s) and sending aside, time the queue waited while the app ran and the Market answered.
        const waited = times[0]! - d.at - overlap(excused, d.at, times[0]!);
        worstLateMs = Math.max(worstLateMs, waited);
        if (waited > 10 * MINUTE) lateByApp++;
      }
    }
    if (lost) defects.push(`seed ${options.seed}: decisions never delivered for returns ${lostIds.slice(0, 10).join(', ')}`);
    // Each undelivered decision's way through the queue, as the app recorded it, and what the Market was sent for it.
    for (const returnId of [...lostIds.slice(0, 10), ...noChanceIds.slice(0, 5)]) {
      const d = decided.get(returnId)!;
      const trail = app ? await (app as AppProcess).bridge.call<AuditEntry[]>('audit.list', { returnId, limit: 50 }) : null;
      const steps = trail?.ok
        ? trail.value.map((e) => `${e.at} ${e.action}${e.state ? `→${e.state}` : ''}${e.serverAnswer ? ` (${e.serverAnswer.slice(0, 160)})` : ''}`)
        : ['(no audit trail)'];
      const sent = received.filter((r) => r.returnId === returnId).map((r) => `${r.sandboxTime} ${r.operationId} ${r.statusCode}`);
      notes.push(
        `return ${returnId}: decided ${new Date(d.at).toISOString()}${d.offline ? ' (offline)' : ''}, deadline ${new Date(d.deadline).toISOString()}; app: ${steps.join('; ')}; Market received: ${sent.join('; ') || 'nothing'}`,
      );
    }
    if (twice) defects.push(`seed ${options.seed}: ${twice} decisions delivered twice`);
    const decidedInTime = report.autoConfirmed.filter((a) => {
      const d = decided.get(a.returnId);
      return d !== undefined && d.at < Date.parse(a.deadline);
    });
    // A deadline that passed while the disk was full: the queue may not send what it cannot first record as sending.
    const inDiskFull = (a: { deadline: string }): boolean =>
      diskFull !== null && Date.parse(a.deadline) >= diskFull.from && Date.parse(a.deadline) <= diskFull.to;
    const chanceMs = (a: { returnId: number; deadline: string }): number => chance(decided.get(a.returnId)!.at, Date.parse(a.deadline));
    const withoutChance = decidedInTime.filter((a) => !inDiskFull(a) && chanceMs(a) < 10 * MINUTE);
    if (withoutChance.length)
      notes.push(
        `auto-confirmed with less than 10 min of the app up and the Market reachable before the deadline (not counted): ${withoutChance
          .map((a) => `${a.returnId} (${Math.round(chanceMs(a) / MINUTE)} min)`)
          .join(', ')}`,
      );
    const autoConfirmedAfterDecision = decidedInTime.filter((a) => !inDiskFull(a) && !withoutChance.includes(a));
    if (decidedInTime.some(inDiskFull))
      notes.push(
        `auto-confirmed with the deadline inside the full-disk window: ${decidedInTime
          .filter(inDiskFull)
          .map((a) => a.returnId)
          .join(', ')}`,
      );
    if (autoConfirmedAfterDecision.length)
      defects.push(
        `seed ${options.seed}: the Market confirmed returns the operator had decided in time: ${autoConfirmedAfterDecision.map((a) => a.returnId).join(', ')}`,
      );

    // Figures from the app, through its contract: alerts, stored returns.
    const finalApp = app as AppProcess | null;
    const alerts: AlertRecord[] = [];
    const stored = new Set<number>();
    if (finalApp) {
      let beforeId: number | undefined;
      for (;;) {
        const page = await finalApp.bridge.call<{ alerts: AlertRecord[]; total: number }>('alerts.history', { limit: 500, ...(beforeId ? { beforeId } : {}) });
        if (!page.ok || page.value.alerts.length === 0) break;
        alerts.push(...page.value.alerts);
        beforeId = page.value.alerts.at(-1)!.id;
      }
      for (let offset = 0; ; offset += 500) {
        const page = await finalApp.bridge.call<{ rows: InboxRow[]; total: number }>('returns.list', { filter: {}, offset, limit: 500 });
        if (!page.ok) break;
        for (const row of page.value.rows) stored.add(row.returnId);
        if (page.value.rows.length < 500) break;
      }
    }
    const arrivals = report.arrivals.filter((a) => a.returnId !== null && Date.parse(a.at) <= end);
    const returnsLost = arrivals.filter((a) => !stored.has(a.returnId!)).map((a) => a.returnId!);
    if (returnsLost.length) defects.push(`seed ${options.seed}: returns never stored: ${returnsLost.slice(0, 10).join(', ')}`);

    // Alerts: each threshold a return reached undecided, alerted within one poll of when the app could know it.
    const thresholds = [24, 6, 1];
    // Quiet hours hold alerts from the moment the operator set them.
    const quiet = quietWindows(start, runEnd).flatMap((w) => (w.to <= quietFrom ? [] : [{ from: Math.max(w.from, quietFrom), to: w.to }]));
    const alertFigure = thresholdAlertFigure({
      arrivals: arrivals.map((a) => ({ returnId: a.returnId!, createdAt: Date.parse(a.at), type: a.type })),
      decisionWindowMs: 48 * HOUR,
      thresholdsHours: thresholds,
      pollMs: POLL_MS,
      alerts: alerts.map((a) => ({ at: Date.parse(a.at), kind: a.kind, returnIds: a.returnIds })),
      shown: shownAlerts,
      firstSeen,
      decidedAt: new Map([...decided].map(([id, d]) => [id, d.at])),
      down,
      quiet,
      runEnd,
    });
    const repeatKeys = new Map<string, number>();
    for (const a of alerts) {
      if (!['deadline', 'expired', 'undelivered', 'undeliveredExpired'].includes(a.kind)) continue;
      const key = `${a.kind}|${[...a.returnIds].sort().join(',')}|${a.title}`;
      repeatKeys.set(key, (repeatKeys.get(key) ?? 0) + 1);
    }
    const repeated = [...repeatKeys.values()].reduce((n, v) => n + Math.max(0, v - 1), 0);
    // Counted from when the operator set quiet hours (the first start's alerts come before any setting can).
    const quietAlerts = alerts.filter(
      (a) => a.urgency === 'normal' && Date.parse(a.at) >= quietFrom && quiet.some((w) => Date.parse(a.at) > w.from && Date.parse(a.at) < w.to),
    );
    const inQuiet = quietAlerts.length;
    if (inQuiet)
      notes.push(
        `normal alerts in quiet hours: ${quietAlerts
          .slice(0, 5)
          .map((a) => `${a.kind} at ${a.at} "${a.title}"`)
          .join('; ')}`,
      );
    // Escalation: a decision still not delivered when its return reaches the smallest threshold (queued at least
    // the grace before) must be escalated while the app runs, before the deadline.
    const escalations = alerts.filter((a) => a.kind === 'undelivered' || a.kind === 'undeliveredExpired');
    const firstEscalation = new Map<number, number>();
    for (const a of escalations) for (const id of a.returnIds) firstEscalation.set(id, Math.min(firstEscalation.get(id) ?? Infinity, Date.parse(a.at)));
    const lastThresholdMs = Math.min(...thresholds) * HOUR;
    const owedEscalation: Array<{ returnId: number; due: number; deadline: number }> = [];
    for (const [returnId, d] of decided) {
      const due = Math.max(d.deadline - lastThresholdMs, d.at + UNDELIVERED_GRACE_MS);
      const delivered = accepted.get(returnId)?.[0] ?? Infinity;
      const until = Math.min(delivered, d.deadline, runEnd);
      // Owed only where the app ran a poll interval while the decision was overdue and the deadline near.
      if (until - due - overlap(down, due, until) >= POLL_MS) owedEscalation.push({ returnId, due, deadline: d.deadline });
    }
    const escalatedInTime = owedEscalation.filter((o) => (firstEscalation.get(o.returnId) ?? Infinity) < o.deadline);
    const escalationLeads = escalatedInTime.map((o) => o.deadline - firstEscalation.get(o.returnId)!);
    const notEscalated = owedEscalation.filter((o) => !escalatedInTime.includes(o));
    if (notEscalated.length)
      defects.push(
        `seed ${options.seed}: undelivered decisions not escalated before their deadline: ${notEscalated
          .slice(0, 10)
          .map((o) => `${o.returnId} (due ${new Date(o.due).toISOString()})`)
          .join(', ')}`,
      );

    // Budgets: the busiest hour of each method against its hourly budget.
    let maxShare = 0;
    let maxShareMethod = '';
    for (const hour of report.requestsPerHour) {
      for (const [op, n] of Object.entries(hour.byOperation)) {
        const budget = report.budgets[op];
        if (!budget || budget.periodMs !== HOUR) continue;
        if (n / budget.amount > maxShare) {
          maxShare = n / budget.amount;
          maxShareMethod = op;
        }
      }
    }

    // Sync lag: a return's creation at the sandbox to its first row event from the app.
    const lags: number[] = [];
    // While up and reachable, by the lane that finds them: returns awaiting a decision (the fast poll lists them by
    // status every minute), non-purchases (no decision, no deadline: the slow lane's listing every 10 minutes).
    const lagsUp: number[] = [];
    const lagsUpNonPurchase: number[] = [];
    const slowestUp: Array<{ returnId: number; type: string; created: number; seen: number }> = [];
    // Unreachable, or the reads' budget spent by another client (the app may not ask until the window ends).
    const budgetWindows = faults.filter((f) => f.type === 'budget').map((f) => ({ from: f.from, to: Math.ceil(f.to / HOUR) * HOUR }));
    const unreachable = [
      ...faults.filter((f) => f.type === 'drop' || f.type === 'unauthorized'),
      ...budgetWindows,
      ...(storm ? [{ from: storm.from, to: Math.max(storm.to, Number.isFinite(keyBack) ? keyBack : storm.to) }] : []),
      // Nothing can be stored while the disk is full.
      ...(diskFull ? [diskFull] : []),
    ];
    for (const a of arrivals) {
      const seen = firstSeen.get(a.returnId!);
      if (seen === undefined) continue;
      const created = Date.parse(a.at);
      lags.push(seen - created);
      if (overlap([...down, ...unreachable], created, seen) > 0) continue;
      (a.type === 'RETURN' ? lagsUp : lagsUpNonPurchase).push(seen - created);
      slowestUp.push({ returnId: a.returnId!, type: a.type, created, seen });
    }
    slowestUp.sort((x, y) => y.seen - y.created - (x.seen - x.created));
    if (slowestUp.length)
      notes.push(
        `slowest to reach the store while up and reachable: ${slowestUp
          .slice(0, 5)
          .map((x) => `${x.returnId} (${x.type}, created ${new Date(x.created).toISOString()}, seen ${new Date(x.seen).toISOString()})`)
          .join('; ')}`,
      );

    // The app's fast poll as the Market saw it: gaps between a store's listings by status, while the app was up
    // and nothing kept it from asking (the first minutes after a start aside).
    const pollGaps: number[] = [];
    const starts = down.map((d) => ({ from: d.from, to: d.to + 5 * MINUTE }));
    for (const times of Object.values(report.polls)) {
      for (let i = 1; i < times.length; i++) {
        const [a, b] = [times[i - 1]!, times[i]!];
        if (overlap([...starts, ...unreachable], a, b) === 0) pollGaps.push(b - a);
      }
    }
    const pollP95 = percentile(pollGaps, 95);
    const pollsPerHour = pollGaps.length ? Math.round((HOUR / (pollGaps.reduce((x, y) => x + y, 0) / pollGaps.length)) * 10) / 10 : null;
    const sandboxMinutesPerSecond = Math.round(((runEnd - start) / MINUTE / ((Date.now() - wallStart) / 1000)) * 10) / 10;
    notes.push(
      `clock: ${sandboxMinutesPerSecond} sandbox minutes per real second over the run (rate ${options.rate} at most, ${paced.lowest} at the slowest, ${paced.changes} changes of pace)`,
    );

    const memFirst = memory.find((m) => m.day >= 1)?.rss ?? null;
    const memLast = memory.at(-1)?.rss ?? null;
    const memDays = (memory.at(-1)?.day ?? 1) - (memory.find((m) => m.day >= 1)?.day ?? 1);
    const dbBytes = fileSize(sqlite) + fileSize(`${sqlite}-wal`);
    let storedTotal = 0;
    if (finalApp) {
      const page = await finalApp.bridge.call<{ total: number }>('returns.list', { filter: {}, offset: 0, limit: 1 });
      if (page.ok) storedTotal = page.value.total;
    }
    // What the app logged (the OS's view of its files): a rollback of a transaction SQLite already ended hides the disk-full cause.
    let poisoned = 0;
    for (const name of readdirSync(join(dataDir, 'logs'), { withFileTypes: true })) {
      if (!name.isFile()) continue;
      poisoned += (readFileSync(join(dataDir, 'logs', name.name), 'utf8').match(/cannot rollback|no such savepoint/g) ?? []).length;
    }
    if (poisoned)
      defects.push(`seed ${options.seed}: ${poisoned} log lines say "cannot rollback" / "no such savepoint" (a second ROLLBACK after a failed COMMIT)`);
    const mb = (bytes: number | null): number | null => (bytes === null ? null : Math.round((bytes / 1048576) * 10) / 10);
    const minutes = (ms: number | null): number | null => (ms === null ? null : Math.round((ms / MINUTE) * 10) / 10);
    // The clock outran the app (a fixed rate on a busy machine): timing figures then measure the machine, not the app.
    if (pollGaps.length && (pollP95 ?? 0) > 1.5 * POLL_MS)
      notes.push(`the fast poll fell behind the clock (p95 gap ${minutes(pollP95)} min): alert and lag figures of this run are the machine's, not the app's`);

    Object.assign(counts, {
      arrivals: arrivals.length,
      'buyer chat messages': report.chatMessages,
      'disputes started': report.disputesStarted,
      'decisions by the operator': decided.size,
      'fault windows': faults.length,
      'alerts raised': alerts.length,
      'threshold crossings': alertFigure.counted,
      'alerts held for quiet hours': alertFigure.heldForQuiet,
      'disk full seen by the app (status events)': statusSeen.diskFull,
      'key problem seen by the app (status events)': statusSeen.authProblem,
      'undelivered after the drain': Math.max(0, undelivered),
    });
    for (const [message, n] of refusals) notes.push(`operator refused ${n}×: ${message}`);
    if (diskFull)
      notes.push(
        `full disk ${new Date(diskFull.from).toISOString()}–${new Date(diskFull.to).toISOString()}: the operator was told ${[...diskFullMessages].map((m) => `"${m}"`).join('; ') || '(nothing refused)'}`,
      );
    for (const w of report.budgetOverrunWindows ?? []) {
      // Asked again after a 420: across a restart (the new process cannot know), or by the same process.
      const restarted = w.at.slice(1).map((at, i) => down.some((d) => d.to > Date.parse(w.at[i]!) && d.to <= Date.parse(at)));
      notes.push(`budget 420s in one window ${w.window}: ${w.at.map((at, i) => `${at}${i > 0 && restarted[i - 1] ? ' (after a restart)' : ''}`).join(', ')}`);
    }
    // Deadline alerts the operator was shown that the history dates later or not at all (a kill took them before they could be kept).
    const keptAt = (kind: string, id: number): number[] => alerts.filter((a) => a.kind === kind && a.returnIds.includes(id)).map((a) => Date.parse(a.at));
    const shownNotKept = shownAlerts.filter(
      (s) => (s.kind === 'deadline' || s.kind === 'expired') && s.returnIds.some((id) => !keptAt(s.kind, id).some((t) => Math.abs(t - s.at) <= POLL_MS)),
    );
    if (shownNotKept.length)
      notes.push(
        `deadline alerts shown that the history dates elsewhere (shown at → returns): ${shownNotKept
          .slice(0, 20)
          .map((s) => `${new Date(s.at).toISOString()} → ${s.returnIds.slice(0, 6).join(' ')}`)
          .join('; ')}`,
      );
    // The app stamps an alert when it asks to show it; heard much later, it was not shown then.
    const heardLate = shownAlerts.filter((s) => s.at - s.stamped > POLL_MS);
    if (heardLate.length)
      notes.push(`alert notifications heard > 1 poll after their stamp: ${heardLate.length} (critical ones swapped for the kept record included)`);
    // Each late crossing with what the run saw of it: when it crossed, when the app first listed the return, when it was shown and kept.
    const stamp = (t: number): string => new Date(t).toISOString().slice(5, 19);
    for (const [i, { returnId: id, crossing }] of alertFigure.lateCrossings.slice(0, 20).entries()) {
      const times = (list: ReadonlyArray<{ at: number | string; kind: string; returnIds: readonly number[] }>): string =>
        list
          .filter((a) => (a.kind === 'deadline' || a.kind === 'expired') && a.returnIds.includes(id))
          .map((a) => stamp(typeof a.at === 'number' ? a.at : Date.parse(a.at)))
          .join(' ') || '-';
      notes.push(
        `late ${alertFigure.late[i]}: crossed ${stamp(crossing)}, first listed ${firstSeen.has(id) ? stamp(firstSeen.get(id)!) : '-'}, shown ${times(shownAlerts)}, kept ${times(alerts)}`,
      );
    }
    if (alertFigure.late.length) notes.push(`threshold alerts late or never (return@threshold): ${alertFigure.late.slice(0, 20).join(', ')}`);

    const figures: Figure[] = [
      {
        name: 'auto-confirmed after a timely decision',
        value: autoConfirmedAfterDecision.length,
        unit: 'returns',
        goal: '0',
        met: autoConfirmedAfterDecision.length === 0,
      },
      {
        name: 'decisions delivered exactly once',
        value: decided.size ? Math.round((once / (decided.size - noChanceIds.length)) * 10_000) / 100 : null,
        unit: `% of ${decided.size - noChanceIds.length}${noChanceIds.length ? ` (${noChanceIds.length} more decided with under 10 min of the Market reachable before the deadline: ${noChanceIds.slice(0, 5).join(', ')})` : ''}`,
        goal: '100 %',
        met: decided.size > 0 && once === decided.size - noChanceIds.length,
      },
      { name: 'decisions lost', value: lost, unit: 'decisions', goal: '0', met: lost === 0 },
      { name: 'decisions sent twice', value: twice, unit: 'decisions', goal: '0', met: twice === 0 },
      {
        name: 'decisions late because of the app (> 10 min queued while up and online)',
        value: lateByApp,
        unit: `decisions (worst ${minutes(worstLateMs)} min)`,
        goal: '0',
        met: lateByApp === 0,
      },
      {
        name: 'threshold alerts within one poll interval',
        value: alertFigure.counted ? Math.round((alertFigure.onTime / alertFigure.counted) * 10_000) / 100 : null,
        unit: thresholdAlertUnit(alertFigure),
        goal: '100 %',
        met: alertFigure.counted > 0 && alertFigure.onTime === alertFigure.counted,
      },
      { name: 'alerts repeated', value: repeated, unit: 'alerts', goal: '0', met: repeated === 0 },
      {
        name: 'normal alerts raised in quiet hours (22:00–08:00 MSK)',
        value: inQuiet,
        unit: `alerts (${alertFigure.heldForQuiet} held and raised after)`,
        goal: '0',
        met: inQuiet === 0,
      },
      {
        name: 'undelivered decisions escalated',
        value: escalatedInTime.length,
        unit: `of ${owedEscalation.length} decisions still undelivered ${Math.min(...thresholds)} h before the deadline with the app up (${escalations.length} escalation alerts); lead time min ${minutes(percentile(escalationLeads, 0))} / p50 ${minutes(percentile(escalationLeads, 50))} min`,
        goal: 'all, before the deadline',
        met: owedEscalation.length ? escalatedInTime.length === owedEscalation.length : null,
      },
      {
        name: 'busiest hour of a method vs its hourly budget',
        value: Math.round(maxShare * 1000) / 10,
        unit: `% (${maxShareMethod || 'none'})`,
        goal: '≤ 100 %',
        met: maxShare <= 1,
      },
      {
        name: '420s received',
        value: report.count420.parallel + report.count420.budget,
        unit: `(${report.count420.parallel} parallel, ${report.count420.budget} budget)`,
        goal: 'reported',
        met: null,
      },
      {
        name: 'budget overruns (asked again after a 420 in the same window)',
        value: report.budgetOverruns,
        unit: 'requests',
        goal: '0',
        met: report.budgetOverruns === 0,
      },
      {
        name: 'process memory, first full day vs last',
        value: memFirst === null || memLast === null ? null : `${mb(memFirst)} → ${mb(memLast)}`,
        unit: `MB (${memFirst !== null && memLast !== null && memDays > 0 ? mb((memLast - memFirst) / memDays) : 'n/a'} MB/day; restarts reset it)`,
        goal: 'reported',
        met: null,
      },
      {
        name: 'database size per 1,000 returns',
        value: storedTotal ? mb((dbBytes / storedTotal) * 1000) : null,
        unit: `MB (${mb(dbBytes)} MB for ${storedTotal})`,
        goal: 'reported',
        met: null,
      },
      { name: 'WAL size, largest seen', value: mb(walMax), unit: 'MB', goal: '≤ 64 MB', met: walMax <= 64 * 1048576 },
      {
        name: 'sync lag p50 / p95 (sandbox time)',
        value: `${minutes(percentile(lags, 50))} / ${minutes(percentile(lags, 95))}`,
        unit: `min (app up and Market reachable: awaiting a decision ${minutes(percentile(lagsUp, 50))} / ${minutes(percentile(lagsUp, 95))}, non-purchases ${minutes(percentile(lagsUpNonPurchase, 50))} / ${minutes(percentile(lagsUpNonPurchase, 95))})`,
        goal: 'p95 ≤ 2 poll intervals of the lane while up (fast 1 min, slow 10 min)',
        met: (percentile(lagsUp, 95) ?? Infinity) <= 2 * POLL_MS && (percentile(lagsUpNonPurchase, 95) ?? Infinity) <= 2 * SLOW_POLL_MS,
      },
      {
        name: 'fast poll interval while up (sandbox)',
        value: `${minutes(percentile(pollGaps, 50))} / ${minutes(pollP95)}`,
        unit: `min p50 / p95 (${pollsPerHour ?? 'n/a'} polls per hour of ${HOUR / POLL_MS})`,
        goal: 'p95 ≤ 1.5 poll intervals',
        met: pollGaps.length > 0 && (pollP95 ?? Infinity) <= 1.5 * POLL_MS,
      },
      { name: 'returns lost', value: returnsLost.length, unit: `of ${arrivals.length}`, goal: '0', met: returnsLost.length === 0 },
      { name: 'rollbacks that hid a full disk (log lines)', value: poisoned, unit: 'lines', goal: '0', met: poisoned === 0 },
      {
        name: 'SIGKILLs',
        value: counts.kills ?? 0,
        unit: `(${counts['kills during a migration'] ?? 0} during a migration)`,
        goal: `≥ ${options.kills}`,
        met: (counts.kills ?? 0) >= options.kills,
      },
    ];
    spent('figures', Date.now() - figuresFrom);
    return {
      wall: Object.fromEntries(
        Object.entries(wall).map(([part, w]) => [part, { seconds: Math.round(w.realMs / 100) / 10, sandboxMinutes: Math.round(w.sandboxMs / MINUTE) }]),
      ),
      starts: appStarts,
      pace: paceLog,
      seed: options.seed,
      options: { ...options, log: undefined } as Omit<SoakOptions, 'log'>,
      wallSeconds: Math.round((Date.now() - wallStart) / 100) / 10,
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      figures,
      counts,
      defects,
      notes,
    };
  } finally {
    const idle = spare as LoadedApp | null;
    idle?.child.kill('SIGKILL');
    if (idle) await idle.exited;
    const last = app as AppProcess | null;
    if (last) {
      last.kill('SIGTERM');
      await Promise.race([last.exited, sleep(10_000)]);
      last.kill('SIGKILL');
      last.bridge.close();
    }
    await sandbox.close();
    rmSync(pageDir, { recursive: true, force: true });
    if (process.env.RETURNDESK_SOAK_KEEP) log(`data folder kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Refund where the Market allows it, else the first decision it allows (with its first reason); a comment always. */
function draftFor(available: AvailableDecisions, rng: Rng): DecisionDraft | null {
  const types = available.decisions.map((d) => d.decisionType);
  if (types.length === 0) return null;
  const type = types.includes('REFUND_MONEY') && rng.chance(0.8) ? 'REFUND_MONEY' : types.includes('DECLINE_REFUND') ? 'DECLINE_REFUND' : types[0]!;
  const reason = available.decisions.find((d) => d.decisionType === type)?.reasonTypes[0];
  if (type === 'PARTIAL_MONEY_REFUND') return null;
  return {
    returnId: available.returnId,
    items: available.items.map((item) => ({
      returnItemId: item.returnItemId,
      decisionType: type,
      ...(type === 'DECLINE_REFUND' && reason ? { reasonType: reason } : {}),
      comment: 'Checked the photos and the order.',
    })),
  };
}

export function figureTable(result: SoakResult): string {
  const rows = result.figures.map((f) => [f.met === null ? '' : f.met ? 'met' : 'MISS', f.name, `${f.value ?? 'n/a'} ${f.unit}`, f.goal]);
  const widths = [4, ...[1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)))];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: String(DEFAULTS.days) },
      seed: { type: 'string', default: String(Math.floor(Math.random() * 1_000_000)) },
      rate: { type: 'string', default: String(DEFAULTS.rate) },
      'per-day': { type: 'string', default: String(DEFAULTS.perDay) },
      kills: { type: 'string' },
      'no-disk-full': { type: 'boolean', default: false },
      'no-pace': { type: 'boolean', default: false },
      out: { type: 'string', default: join(import.meta.dirname, 'soak.json') },
    },
  });
  const days = Number(values.days);
  const number = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) {
      process.stderr.write(`--${name} must be a number from ${min} to ${max}, not "${text}"\n`);
      process.exit(2);
    }
    return n;
  };
  const result = await runSoak({
    days: number('days', values.days, 0.25, 30),
    seed: number('seed', values.seed, 0, 2 ** 31),
    rate: number('rate', values.rate, 1, 100_000),
    perDay: number('per-day', values['per-day'], 0, 5000),
    kills: values.kills === undefined ? Math.max(3, Math.ceil(days * 3.4)) : number('kills', values.kills, 0, 1000),
    diskFull: !values['no-disk-full'],
    pace: !values['no-pace'],
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`\nSoak: ${days} days, seed ${result.seed}, ${result.wallSeconds} s wall, load ${result.load.join(' ')}\n${figureTable(result)}\n`);
  process.stdout.write(
    `wall: ${Object.entries(result.wall)
      .map(([part, w]) => `${part} ${w.seconds} s${w.sandboxMinutes ? ` (${w.sandboxMinutes} sandbox min)` : ''}`)
      .join(', ')}\n`,
  );
  for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
  for (const defect of result.defects) process.stdout.write(`DEFECT: ${defect}\n`);
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written: ${values.out}\n`);
  process.exit(result.figures.some((f) => f.met === false) ? 1 : 0);
}
