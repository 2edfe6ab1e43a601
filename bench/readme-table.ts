// `node bench/readme-table.ts [--note "…"]`: writes the README's "### Last run" section from bench/results.json,
// so the table the README shows is the one the last `npm run bench` printed, never retyped by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Figure } from './figures.ts';

interface Results {
  machine: { cpu: string; memory: string; node: string; load: string; at: string; seconds: number };
  figures: Figure[];
}

const cell = (value: number | string | null): string =>
  value === null || (typeof value === 'number' && !Number.isFinite(value)) ? '' : String(value).replaceAll('|', '\\|');

/** The section's markdown: the machine, the table, the count, and an optional note on what the run could not show. */
export function lastRunSection(results: Results, note = ''): string {
  const { machine, figures } = results;
  const counted = figures.filter((f) => f.met !== null);
  const met = counted.filter((f) => f.met).length;
  const at = machine.at.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const rows = figures.map((f) => {
    const verdict = f.met === null ? 'ref' : f.met ? 'met' : '**MISS**';
    return `| ${verdict} | ${cell(f.name)} | ${cell(f.value)} | ${cell(f.unit)} | ${cell(f.goal)} | ${cell(f.floor)} | ${cell(f.rule)} |`;
  });
  return [
    '### Last run',
    `Last run: ${at}, ${machine.cpu}, ${machine.memory}, Node ${machine.node}, load average ${machine.load}, ${machine.seconds} s.`,
    '',
    '| | figure | value | unit | goal | floor | goal from |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `${met} of ${counted.length} counted figures meet their goal; ${figures.length - counted.length} reference figures.`,
    ...(note ? ['', note] : []),
    '',
  ].join('\n');
}

/** Replaces the README's "### Last run" section (up to the next heading of level 2) with `section`. */
export function replaceLastRun(readme: string, section: string): string {
  const start = readme.indexOf('### Last run');
  if (start < 0) throw new Error('README.md has no "### Last run" section to replace');
  const next = readme.indexOf('\n## ', start);
  return `${readme.slice(0, start)}${section}${next < 0 ? '' : readme.slice(next)}`;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { note: { type: 'string', default: '' } } });
  const root = join(import.meta.dirname, '..');
  const file = join(root, 'bench', 'results.json');
  let results: Results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as Results;
    if (!Array.isArray(results.figures) || typeof results.machine?.at !== 'string') throw new Error('it has no machine and figures');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing: run `npm run bench` first' : (error as Error).message;
    process.stderr.write(`bench/readme-table.ts: cannot read ${file}: ${why}\nREADME.md is unchanged.\n`);
    process.exit(2);
  }
  const readme = join(root, 'README.md');
  writeFileSync(readme, replaceLastRun(readFileSync(readme, 'utf8'), lastRunSection(results, values.note)));
  process.stdout.write(`README.md: the last run's table (${results.figures.length} figures, ${results.machine.at}) written\n`);
}
