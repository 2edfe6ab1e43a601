/**
 * One measured figure. A counted figure has a goal that comes either from a floor measured in the same
 * run (goal = factor × floor) or from a user-facing limit the README states; a reference figure has
 * no goal, is printed, and is not counted in "N of M meet their goal".
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The limit in `unit` (value must be at most this, or at least this for `atLeast`); null for a reference figure. */
  goal: number | null;
  /** The floor measured in this run that the goal derives from, in `unit`; null when the goal is a README limit. */
  floor: number | null;
  /** true/false for a counted figure, null for a reference figure. */
  met: boolean | null;
  /** Where the goal comes from, e.g. "≤ 3 × floor (JSON.parse of the same pages)" or "README limit". */
  rule: string;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Printed and kept, never counted. */
export function reference(name: string, value: number, unit: string, rule = 'reference'): Figure {
  return { name, value, unit, goal: null, floor: null, met: null, rule };
}

/** Held to a user-facing limit stated in the README's performance section. */
export function limit(name: string, value: number, unit: string, max: number, why = 'README limit'): Figure {
  return { name, value, unit, goal: max, floor: null, met: Number.isFinite(value) && value <= max, rule: why };
}

/** Held to at least `min` (counts that must all arrive, a rate that must be reached). */
export function atLeast(name: string, value: number, unit: string, min: number, why: string): Figure {
  return { name, value, unit, goal: min, floor: null, met: Number.isFinite(value) && value >= min, rule: `≥ goal: ${why}` };
}

/** Held to `factor` × a floor measured in the same run, at most (a cost) or at least (a rate the Market allows, a count served). */
function againstFloor(atMost: boolean, name: string, value: number, unit: string, floor: number, factor: number, floorName: string): Figure {
  const goal = factor * floor;
  const met = Number.isFinite(value) && (atMost ? value <= goal : value >= goal);
  return { name, value, unit, goal: round(goal, 4), floor: round(floor, 4), met, rule: `${atMost ? '≤' : '≥'} ${factor} × floor (${floorName})` };
}

export const overFloor = (name: string, value: number, unit: string, floor: number, factor: number, floorName: string): Figure =>
  againstFloor(true, name, value, unit, floor, factor, floorName);

export const atLeastFloor = (name: string, value: number, unit: string, floor: number, factor: number, floorName: string): Figure =>
  againstFloor(false, name, value, unit, floor, factor, floorName);

/** A section that could not run: counted, and missed. */
export function failed(name: string, why: string): Figure {
  return { name, value: Number.NaN, unit: '', goal: null, floor: null, met: false, rule: `not measured: ${why}` };
}

/** The p-th percentile (0–100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const num = (v: number | null): string => (v === null ? '' : String(v));

/** One line: verdict, name, value, goal, floor and where the goal comes from. */
export function figureLine(f: Figure): string {
  const verdict = f.met === null ? 'ref ' : f.met ? 'met ' : 'MISS';
  const goal = f.goal === null ? '' : `goal ${num(f.goal)}`;
  const floor = f.floor === null ? '' : `floor ${num(f.floor)}`;
  return `  ${verdict}  ${f.name.padEnd(60)} ${String(f.value).padStart(10)} ${f.unit.padEnd(9)} ${goal.padEnd(16)} ${floor.padEnd(16)} ${f.rule}`;
}

/** Prints figures as an aligned table. */
export function printFigures(title: string, figures: readonly Figure[], write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  write(`\n${title}`);
  for (const f of figures) write(figureLine(f));
}

/** Times `run` `times` times and returns the durations in ms. */
export function timeRuns(times: number, run: (i: number) => void): number[] {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run(i);
    durations.push(performance.now() - start);
  }
  return durations;
}
