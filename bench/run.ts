// `npm run bench`: every performance figure of ReturnDesk in one run, each printed beside its goal and
// floor, written to bench/results.json as { machine, figures: [{ name, value, unit, goal, floor, met, rule }] }.
// Reference figures (met: null) are printed and kept but not counted.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { failed, printFigures, type Figure } from './figures.ts';

interface Section {
  title: string;
  file: string;
  run: () => Promise<{ figures: Figure[] }>;
}

const here = import.meta.dirname;
const sections: Section[] = [
  {
    title: '0. Demo data: the sandbox generates 50,000 returns',
    file: 'sandbox-scale.ts',
    run: async () => (await import('./sandbox-scale.ts')).runSandboxScaleBench({ returns: 50_000 }),
  },
  {
    title: '1. Ingest: 10,000 returns through the real client, scheduler and store',
    file: 'ingest.ts',
    run: async () => (await import('./ingest.ts')).runIngestBench({ returns: 10_000 }),
  },
  { title: '2. Steady polling', file: 'polling.ts', run: async () => (await import('./polling.ts')).runPollingBench() },
  {
    title: '3. Store queries over 50,000 returns',
    file: 'store-queries.ts',
    run: async () => (await import('./store-queries.ts')).runStoreQueriesBench({ returns: 50_000 }),
  },
  {
    title: '4. Inbox rendering in Chromium (10,000 and 50,000 returns), cold start, bundle',
    file: 'rendering.ts',
    run: async () => (await import('./rendering.ts')).runRenderingBench(),
  },
  { title: '5. Photos', file: 'photos.ts', run: async () => (await import('./photos.ts')).runPhotosBench() },
  {
    title: '6. Outbox drain: 1,000 decisions under a scaled hourly budget',
    file: 'outbox-drain.ts',
    run: async () => (await import('./outbox-drain.ts')).runOutboxDrainBench({ decisions: 1000 }),
  },
];

const all: Figure[] = [];
const started = Date.now();
for (const section of sections) {
  if (!existsSync(join(here, section.file))) {
    process.stdout.write(`\n${section.title}\n  not measured: bench/${section.file} is missing\n`);
    continue;
  }
  const t0 = Date.now();
  try {
    const { figures } = await section.run();
    printFigures(`${section.title}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`, figures);
    all.push(...figures.map((f) => ({ ...f, name: `${section.title.split(':')[0]!.split(' ')[0]} ${f.name}` })));
  } catch (error) {
    process.stdout.write(`\n${section.title}\n  FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    all.push(failed(`${section.title} (run failed)`, error instanceof Error ? error.message.split('\n')[0]! : String(error)));
  }
}
const counted = all.filter((f) => f.met !== null);
const missed = counted.filter((f) => !f.met);
const machine = {
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
  node: process.version,
  load: loadavg()
    .map((l) => l.toFixed(1))
    .join(' '),
  at: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify({ machine, figures: all }, null, 2)}\n`);
process.stdout.write(
  `\n${counted.length - missed.length} of ${counted.length} figures meet their goal (${all.length - counted.length} reference figures not counted); ${machine.seconds} s in all on ${machine.cpu}, load ${machine.load}. Written to bench/results.json.\n`,
);
