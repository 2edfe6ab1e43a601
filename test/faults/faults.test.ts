// Fault suite (CI size): every fault mode of the sandbox against sync plus a batch of decisions.
// Afterwards every decision is delivered exactly once, no return is lost, main answered throughout,
// and the operator was told in words. `npm run bench:faults` runs a larger version.
import { afterAll, describe, expect, it } from 'vitest';
import { faultTable, runFaultScenario, SCENARIOS, type FaultFigures } from './scenarios.ts';

const rows: FaultFigures[] = [];
afterAll(() => {
  if (rows.length) process.stdout.write(`\n${faultTable(rows)}\n`);
});

describe('fault suite', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const figures = await runFaultScenario(scenario, { decisions: 6, returns: 24, faultMs: 1_200, recoverMs: 8_000 });
      rows.push(figures);
      expect(figures.duplicates).toBe(0);
      if (scenario.mayStayQueued) {
        expect(figures.delivered + (figures.states.queued ?? 0)).toBe(figures.decisionsSent);
        expect(figures.delivered).toBeGreaterThan(0);
      } else expect(figures.delivered).toBe(figures.decisionsSent);
      if (scenario.knownIssue) {
        // Known defect (see the scenario): remove `knownIssue` once every decision ends delivered here.
        expect(figures.states.delivered ?? 0).toBeLessThan(figures.decisionsSent);
      } else expect((figures.states.delivered ?? 0) + (scenario.mayStayQueued ? (figures.states.queued ?? 0) : 0)).toBe(figures.decisionsSent);
      expect(figures.returnsLost).toBe(0);
      expect(figures.returnsStored).toBeGreaterThanOrEqual(figures.returnsExpected);
      expect(figures.routerFailures).toBe(0);
      expect(figures.routerCalls).toBeGreaterThan(0);
      expect(figures.routerMaxMs).toBeLessThan(500);
      if (scenario.expectMessage !== false) {
        expect(figures.messages.length).toBeGreaterThan(0);
        for (const m of figures.messages) expect(m).toMatch(/[A-Za-zА-Яа-я]{3,} [A-Za-zА-Яа-я]{2,}/);
      }
    },
    30_000,
  );
});
