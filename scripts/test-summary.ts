/** The counts of `npm test`'s summary, and one line per skipped suite naming it and why. */
import { relative } from 'node:path';

export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ name: string; assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string }> }>;
}

interface PwSpec {
  title: string;
  file?: string;
  tests: Array<{ annotations?: Array<{ type: string; description?: string }>; results: Array<{ status: string }> }>;
}
interface PwSuite {
  title?: string;
  file?: string;
  specs?: PwSpec[];
  suites?: PwSuite[];
}
export interface PlaywrightReport {
  suites: PwSuite[];
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per skipped suite: which runner and file, which suite, how many, and the reason its title or annotation gives. */
  skippedSuites: string[];
}

export function summarize(vitest: VitestReport | null, playwright: PlaywrightReport | null, root: string): Summary {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0, skippedSuites: [] };
  if (vitest) {
    summary.passed += vitest.numPassedTests;
    summary.failed += vitest.numFailedTests;
    summary.skipped += vitest.numPendingTests + vitest.numTodoTests;
    for (const file of vitest.testResults) {
      // A skipped describe names its suite (its title says why); a lone skipped test names itself.
      const bySuite = new Map<string, number>();
      for (const a of file.assertionResults) {
        if (a.status !== 'skipped' && a.status !== 'pending' && a.status !== 'todo') continue;
        const suite = a.ancestorTitles.length > 0 ? a.ancestorTitles.join(' › ') : a.title;
        bySuite.set(suite, (bySuite.get(suite) ?? 0) + 1);
      }
      for (const [suite, n] of bySuite) summary.skippedSuites.push(`vitest ${relative(root, file.name)} › ${suite} (${n} test${n > 1 ? 's' : ''})`);
    }
  }
  const walk = (suite: PwSuite): void => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const status = t.results.at(-1)?.status ?? 'skipped';
        if (status === 'passed') summary.passed++;
        else if (status === 'skipped') {
          summary.skipped++;
          const why = t.annotations?.find((a) => a.type === 'skip')?.description;
          summary.skippedSuites.push(`playwright ${spec.file ?? suite.file ?? ''} › ${spec.title}${why ? ` — ${why}` : ''}`);
        } else summary.failed++;
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of playwright?.suites ?? []) walk(suite);
  return summary;
}
