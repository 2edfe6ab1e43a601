/**
 * `npm run bench:faults`: the fault suite at a larger size (more decisions and returns, longer faults).
 * Prints the table: fault, decisions sent, delivered, duplicates, returns lost.
 */
import { faultTable, runFaultScenario, SCENARIOS, type FaultFigures } from '../test/faults/scenarios.ts';

export async function runFaultBench(
  options: { decisions?: number; returns?: number; faultMs?: number; recoverMs?: number } = {},
): Promise<{ figures: FaultFigures[] }> {
  const figures: FaultFigures[] = [];
  for (const scenario of SCENARIOS) {
    figures.push(
      await runFaultScenario(scenario, {
        decisions: options.decisions ?? 30,
        returns: options.returns ?? 300,
        faultMs: options.faultMs ?? 3_000,
        recoverMs: options.recoverMs ?? 30_000,
      }),
    );
  }
  return { figures };
}

if (import.meta.main) {
  const { figures } = await runFaultBench();
  process.stdout.write(`${faultTable(figures)}\n`);
  const bad = figures.filter((f) => f.duplicates > 0 || f.returnsLost > 0);
  process.exit(bad.length ? 1 : 0);
}
