/** One measured figure with the goal it is judged against. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  goal: string;
  met: boolean;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** The p-th percentile (0–100) of `values`, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Prints figures as an aligned table. */
export function printFigures(title: string, figures: readonly Figure[], write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  write(`\n${title}`);
  for (const f of figures) write(`  ${f.met ? 'met ' : 'MISS'}  ${f.name.padEnd(52)} ${String(f.value).padStart(10)} ${f.unit.padEnd(9)} goal ${f.goal}`);
}
