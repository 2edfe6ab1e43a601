// `npm run web`: web mode from its bundle, out/web/web.js, built first (`node scripts/build.ts web`) when it is
// missing or older than its sources. Plain JavaScript: a TypeScript entry alone makes Node load its type stripper
// (about 0.15 s of CPU at every start).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');

/** What out/web is built from: a file here changed after the build began makes the bundle stale. */
export const WEB_SOURCES = [
  'main',
  'preload',
  'locales',
  'sandbox',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'scripts/build.ts',
];

/**
 * The command line of `npm run web` as package.json says it (`node <entry> …`), the entry as an absolute path:
 * the bench and the tests start web mode exactly as the operator's command does.
 */
export function npmRunWeb(checkout = root) {
  const script = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')).scripts.web;
  const [command, entry, ...args] = script.split(' ');
  if (command !== 'node' || !entry) throw new Error(`package.json's "web" script is not "node <entry> …": ${script}`);
  return [join(checkout, entry), ...args];
}

/** Whether some file under `path` was modified at or after `time` (ms); a missing path changed nothing. */
function changedSince(path, time) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isDirectory()) return stat.mtimeMs >= time;
  return readdirSync(path).some((name) => changedSince(join(path, name), time));
}

/** Whether out/web in `checkout` holds a finished build of the sources as they are now. */
export function webBundleCurrent(checkout = root) {
  let builtFrom;
  try {
    builtFrom = JSON.parse(readFileSync(join(checkout, 'out', 'web', 'build.json'), 'utf8')).builtFrom;
  } catch {
    return false;
  }
  return typeof builtFrom === 'number' && !WEB_SOURCES.some((source) => changedSince(join(checkout, source), builtFrom));
}

/** main/startup-trace.ts's line, from before the bundle loads (see there). */
function startupMark(step) {
  if (!process.env.RETURNDESK_STARTUP_TRACE) return;
  const cpu = process.cpuUsage();
  process.stderr.write(`[startup] ${step} ${(performance.timeOrigin + performance.now()).toFixed(1)} cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}\n`);
}

if (import.meta.main) {
  startupMark('launcher started');
  if (!webBundleCurrent()) {
    process.stderr.write('Web mode is not built for these sources yet: building it (node scripts/build.ts web)…\n');
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), 'web'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0 || !webBundleCurrent()) {
      const why = `${built.stderr ?? ''}${built.stdout ?? ''}`.trim().split('\n').slice(-5).join('\n');
      process.stderr.write(
        `ReturnDesk web mode could not start: building it failed${why ? `:\n${why}` : ''}\nRun "npm ci" and then "npm run build", and start web mode again.\n`,
      );
      process.exit(1);
    }
  }
  startupMark('bundle checked');
  const { startWebMode } = await import(pathToFileURL(join(root, 'out', 'web', 'web.js')).href);
  startWebMode();
}
