/**
 * `npm start`: build, then open the desktop app. Where the Electron binary is missing and cannot be
 * downloaded (no internet), say so plainly and point to web mode instead of failing with a trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const electronDir = join(root, 'node_modules', 'electron');

/** Path of the Electron executable if it is installed, else null. */
export function installedElectron(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const executable = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

function explainMissing(detail: string): never {
  process.stderr.write(
    [
      '',
      'ReturnDesk cannot open its desktop window: the Electron binary is not installed',
      `and could not be downloaded (${detail}).`,
      '',
      'Use web mode instead — the same app in a browser tab:',
      '    npm run web',
      '',
      'On a machine with internet access, "npm start" downloads Electron on first run.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

let executable = installedElectron();
if (!executable) {
  process.stdout.write('Electron is not installed yet; downloading it…\n');
  // Electron 45 downloads its binary on first require; run that in a child so failures stay ours to word.
  const attempt = spawnSync(process.execPath, ['-e', "require('electron')"], { cwd: root, encoding: 'utf8', timeout: 10 * 60_000 });
  executable = installedElectron();
  if (!executable) {
    const reason = `${attempt.stderr ?? ''}`.split('\n').find((line) => /fetch failed|ENOTFOUND|ECONN|EAI_AGAIN|timed out|failed/i.test(line));
    explainMissing(reason?.trim().slice(0, 160) || 'download failed');
  }
}

const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(executable, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
