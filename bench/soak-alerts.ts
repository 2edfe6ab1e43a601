/**
 * The soak's threshold-alert figure: did each return that reached a deadline threshold undecided get its
 * alert within one poll interval of when the app could know it? Pure, so the rule is tested on its own
 * (test/soak/soak-alerts.test.ts) and every miss says whose it is.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Window {
  from: number;
  to: number;
}

/** Length of the union of the windows' parts inside [from, to]. */
export function overlap(windows: readonly Window[], from: number, to: number): number {
  const parts = windows
    .map((w) => ({ from: Math.max(w.from, from), to: Math.min(w.to, to) }))
    .filter((w) => w.to > w.from)
    .sort((a, b) => a.from - b.from);
  let total = 0;
  let end = -Infinity;
  for (const p of parts) {
    if (p.to <= end) continue;
    total += p.to - Math.max(p.from, end);
    end = p.to;
  }
  return total;
}

export interface ThresholdAlertInput {
  /** The Market's returns of the run (sandbox ms); only RETURN waits for a decision. */
  arrivals: ReadonlyArray<{ returnId: number; createdAt: number; type: string }>;
  /** The Market confirms a return by itself this long after its creation (its deadline). */
  decisionWindowMs: number;
  /** The operator's alert thresholds, hours before the deadline; the smallest breaks quiet hours. */
  thresholdsHours: readonly number[];
  pollMs: number;
  /** Deadline and expiry alerts the app kept (its alert history). */
  alerts: ReadonlyArray<{ at: number; kind: string; returnIds: readonly number[] }>;
  /**
   * Alerts as the app showed them (its `alerts.notification` to screens, timed when the soak heard it): what the operator
   * saw. On a full disk an alert is shown before it can be kept; a kill then takes it out of the history, and the next
   * process shows and keeps it again later, so the history alone dates it at the restart.
   */
  shown?: ReadonlyArray<{ at: number; kind: string; returnIds: readonly number[] }>;
  /** When the app first told its screens about each return (its first appearance in the store). */
  firstSeen: ReadonlyMap<number, number>;
  /** When the operator queued a decision (the deadline clock stops). */
  decidedAt: ReadonlyMap<number, number>;
  /** The app not running (killed, starting). */
  down: readonly Window[];
  /** The operator's quiet hours, from the moment the app had them. */
  quiet: readonly Window[];
  /** The figures are taken at this time: a crossing the app could not yet answer is not counted. */
  runEnd: number;
}

export type MissCause = 'app' | 'run ended' | 'never seen';

export interface ThresholdAlertFigure {
  /** Crossings counted: the app was up at least one poll interval after it could know them, before the run ended. */
  counted: number;
  onTime: number;
  /** Counted crossings with no alert at all by the end of the run. */
  missed: number;
  /** Of the counted ones, the latest alert (minutes the app was down aside), ms. */
  worstLateMs: number;
  heldForQuiet: number;
  /** Crossings left out, by cause: the return never reached the app (a sync matter), or the run ended before the app could answer. */
  notCounted: Record<Exclude<MissCause, 'app'>, number>;
  /** Each counted crossing without an alert in time: "returnId@24h late 12.5 min" or "returnId@24h never". */
  late: string[];
  /** The same crossings, in `late`'s order: the return, the threshold (hours) and when it was crossed (sandbox ms). */
  lateCrossings: Array<{ returnId: number; threshold: number; crossing: number }>;
}

/**
 * A crossing (deadline minus a threshold) is timed from when the app could know it: the later of the crossing
 * and the return's first appearance in the app (a Market out of reach or a slow sync delays only the appearance,
 * which the sync-lag figure times), or the end of the quiet hours that hold a normal alert. Minutes the app was
 * down are not counted. An alert is the first deadline or expiry alert naming the return from the crossing on
 * (a later threshold's alert answers an earlier crossing the app learnt of late), kept in the history or shown to the
 * operator, whichever came first.
 */
export function thresholdAlertFigure(input: ThresholdAlertInput): ThresholdAlertFigure {
  const { pollMs } = input;
  const thresholds = [...new Set(input.thresholdsHours)].sort((a, b) => b - a);
  const smallest = thresholds.at(-1);
  const alertsFor = new Map<number, number[]>();
  for (const a of [...input.alerts, ...(input.shown ?? [])]) {
    if (a.kind !== 'deadline' && a.kind !== 'expired') continue;
    for (const id of a.returnIds) alertsFor.set(id, [...(alertsFor.get(id) ?? []), a.at]);
  }
  for (const times of alertsFor.values()) times.sort((a, b) => a - b);
  const figure: ThresholdAlertFigure = {
    counted: 0,
    onTime: 0,
    missed: 0,
    worstLateMs: 0,
    heldForQuiet: 0,
    notCounted: { 'never seen': 0, 'run ended': 0 },
    late: [],
    lateCrossings: [],
  };
  const upBetween = (from: number, to: number): number => Math.max(0, to - from - overlap(input.down, from, to));

  for (const a of input.arrivals) {
    if (a.type !== 'RETURN') continue;
    const deadline = a.createdAt + input.decisionWindowMs;
    const decidedAt = input.decidedAt.get(a.returnId) ?? Infinity;
    const seen = input.firstSeen.get(a.returnId);
    for (const threshold of thresholds) {
      const crossing = deadline - threshold * HOUR;
      // Decided before the crossing: no alert is owed.
      if (decidedAt <= crossing) continue;
      if (seen === undefined) {
        if (crossing < input.runEnd) figure.notCounted['never seen']++;
        continue;
      }
      const known = Math.max(crossing, seen);
      // Not reached within the run.
      if (known >= input.runEnd) continue;
      // A normal alert the app learns of in quiet hours is due when they end.
      const quiet = threshold !== smallest ? input.quiet.find((w) => known >= w.from && known < w.to) : undefined;
      const due = quiet ? quiet.to : known;
      const alertAt = (alertsFor.get(a.returnId) ?? []).find((t) => t >= crossing - pollMs);
      // Decided before the app could answer (it decides from what the app shows): nothing owed either.
      if ((alertAt === undefined || alertAt > decidedAt) && decidedAt < due + 2 * pollMs) continue;
      if (alertAt === undefined && upBetween(due, input.runEnd) <= pollMs) {
        figure.notCounted['run ended']++;
        continue;
      }
      figure.counted++;
      const name = `${a.returnId}@${threshold}h`;
      if (alertAt === undefined) {
        figure.missed++;
        figure.late.push(`${name} never`);
        figure.lateCrossings.push({ returnId: a.returnId, threshold, crossing });
        continue;
      }
      if (quiet && alertAt >= quiet.to) figure.heldForQuiet++;
      const lateMs = alertAt <= due ? 0 : upBetween(due, alertAt);
      figure.worstLateMs = Math.max(figure.worstLateMs, lateMs);
      if (lateMs <= pollMs) figure.onTime++;
      else {
        figure.late.push(`${name} late ${Math.round((lateMs / MINUTE) * 10) / 10} min`);
        figure.lateCrossings.push({ returnId: a.returnId, threshold, crossing });
      }
    }
  }
  return figure;
}

/** How the figure reads in bench/soak.json: the rule in its unit. */
export function thresholdAlertUnit(f: ThresholdAlertFigure): string {
  const minutes = Math.round((f.worstLateMs / MINUTE) * 10) / 10;
  return (
    `% of ${f.counted} (worst ${minutes} min, ${f.missed} never), timed from the later of the crossing and the return's first ` +
    `appearance in the app (quiet hours: their end), app-down minutes excluded; left out: ${f.notCounted['never seen']} never shown, ` +
    `${f.notCounted['run ended']} too near the end`
  );
}
