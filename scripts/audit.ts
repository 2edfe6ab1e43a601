/**
 * `npm run audit` (and a step of `npm test`): Doyensec Electronegativity over the app's sources, failing
 * on every finding not justified in .electronegativity.json, then an offline check of the
 * electron-builder configuration (schema, targets, icon). Electronegativity exits 0 even with
 * findings, so this script reads its CSV; it runs under a hard timeout so it can never hang CI.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../main/reports/csv.ts';

const root = join(import.meta.dirname, '..');
const ELECTRON_VERSION = '45.5.0';
const TIMEOUT_MS = 120_000;
/** What the desktop app ships: its main process, preload and renderer (tests and the sandbox are not shipped). */
const SHIPPED = ['main', 'preload', 'renderer', 'package.json'];

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
}

export interface Accepted {
  check: string;
  file: string;
  why: string;
}

/** Reads Electronegativity's CSV (RFC 4180: quoted fields, "" escapes) into findings. */
export function parseFindingsCsv(text: string): Finding[] {
  const rows = parseCsv(text)
    .map((row) => row.map((field) => field.trim()))
    .filter((row) => row.some((field) => field !== ''));
  const [header, ...data] = rows;
  if (!header || header[0] !== 'issue') throw new Error(`not an Electronegativity CSV (header: ${JSON.stringify(header)})`);
  return data.map(([check = '', severity = '', confidence = '', file = '', location = '', sample = '', description = '']) => ({
    check,
    severity,
    confidence,
    file,
    location,
    sample,
    description,
  }));
}

/** Sorts findings into justified and not, and lists justifications that matched nothing (stale). */
export function judgeFindings(
  findings: Finding[],
  accepted: Accepted[],
): { unexplained: Finding[]; explained: Array<Finding & { why: string }>; stale: Accepted[] } {
  const used = new Set<Accepted>();
  const unexplained: Finding[] = [];
  const explained: Array<Finding & { why: string }> = [];
  for (const finding of findings) {
    const match = accepted.find((a) => a.check === finding.check && a.file === finding.file);
    if (match) {
      used.add(match);
      explained.push({ ...finding, why: match.why });
    } else unexplained.push(finding);
  }
  return { unexplained, explained, stale: accepted.filter((a) => !used.has(a)) };
}

export function readAccepted(file = join(root, '.electronegativity.json')): Accepted[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { accepted?: unknown };
  if (!Array.isArray(parsed.accepted)) throw new Error(`${file}: "accepted" must be a list`);
  return parsed.accepted.map((a: Partial<Accepted>, i) => {
    if (!a.check || !a.file || !a.why || a.why.length < 20) throw new Error(`${file}: accepted[${i}] needs check, file and a reason (why) of a sentence`);
    return { check: a.check, file: a.file, why: a.why };
  });
}

// Electronegativity fetches translations and Electron's release list with `got`; offline, a got
// retry bug crashes it. This preload answers those look-ups "offline" at once (bundled English text).
const OFFLINE_GOT = `data:text/javascript,${encodeURIComponent(`
import Module from 'node:module';
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'got') {
    const offline = () => Promise.reject(new Error('network look-ups are disabled in the audit'));
    offline.head = offline; offline.get = offline;
    return { __esModule: true, default: offline };
  }
  return load.call(this, request, ...rest);
};`)}`;

// Electronegativity writes its CSV with two fs.writeFile calls at once — the header (truncating) and the rows
// (appending) — and they race: about one run in five the rows land under or over the header. This preload runs the
// child's writeFile calls one after another, in the order they were made.
const SERIAL_WRITES = `data:text/javascript,${encodeURIComponent(`
import fs from 'node:fs';
const writeFile = fs.writeFile;
let previous = Promise.resolve();
fs.writeFile = function (file, data, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : options;
  previous = previous.then(() => new Promise((resolve) => writeFile.call(fs, file, data, opts, (err) => { resolve(); if (done) done(err); })));
};`)}`;

const WELL_FORMED = /^[A-Z0-9_]+$/;
const SEVERITIES = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH']);

/**
 * Runs Electronegativity over a copy of the shipped sources (of `from`, default this project) and returns its findings.
 * A report whose rows do not read as findings (its CSV written out of order: see SERIAL_WRITES) fails the audit.
 */
export function runElectronegativity(options: { online?: boolean; timeoutMs?: number; from?: string } = {}): Finding[] {
  const findings = runElectronegativityOnce(options);
  const garbled = findings.filter((f) => !WELL_FORMED.test(f.check) || !SEVERITIES.has(f.severity));
  if (garbled.length > 0) throw new Error(`electronegativity wrote an unreadable report (e.g. "${garbled.map((f) => f.check.slice(0, 80)).join(' | ')}")`);
  return findings;
}

function runElectronegativityOnce(options: { online?: boolean; timeoutMs?: number; from?: string }): Finding[] {
  const stage = mkdtempSync(join(tmpdir(), 'rd-audit-'));
  try {
    const input = join(stage, 'app');
    for (const entry of SHIPPED)
      if (existsSync(join(options.from ?? root, entry))) cpSync(join(options.from ?? root, entry), join(input, entry), { recursive: true });
    const output = join(stage, 'findings.csv');
    const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
    const args = [
      '--import',
      SERIAL_WRITES,
      ...(options.online ? [] : ['--import', OFFLINE_GOT]),
      cli,
      '-i',
      input,
      '-e',
      ELECTRON_VERSION,
      '-r',
      '-o',
      output,
    ];
    const run = spawnSync(process.execPath, args, {
      cwd: stage,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: { ...process.env, LANG: 'en-US' },
    });
    if (run.error || run.signal)
      throw new Error(`electronegativity did not finish (${run.error?.message ?? run.signal}) within ${(options.timeoutMs ?? TIMEOUT_MS) / 1000} s`);
    if (run.status !== 0 || !existsSync(output)) throw new Error(`electronegativity failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
    return parseFindingsCsv(readFileSync(output, 'utf8'));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Reads the PNG header: width and height. */
function pngSize(file: string): { width: number; height: number } | null {
  const b = readFileSync(file);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Loads electron-builder.yml the way `electron-builder` does and validates it against its schema, offline. */
export async function checkPackagingConfig(configFile = 'electron-builder.yml'): Promise<string[]> {
  const require = createRequire(join(root, 'package.json'));
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig: (projectDir: string, configPath: string | null, fromOptions: unknown) => Promise<Record<string, unknown>>;
    validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(root, join(root, configFile), null);
  await validateConfiguration(config, new DebugLogger(false));
  const problems: string[] = [];
  const targets = (platform: string): string[] => {
    const t = (config[platform] as { target?: unknown } | undefined)?.target;
    return (Array.isArray(t) ? t : t ? [t] : []).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));
  };
  const want: Record<string, string[]> = { win: ['nsis'], mac: ['dmg'], linux: ['AppImage', 'deb'] };
  for (const [platform, expected] of Object.entries(want)) {
    for (const target of expected) if (!targets(platform).includes(target)) problems.push(`${platform}: target ${target} is missing`);
    const icon = (config[platform] as { icon?: string } | undefined)?.icon;
    if (!icon || !existsSync(join(root, icon))) problems.push(`${platform}: icon ${icon ?? '(none)'} does not exist`);
    else {
      const size = pngSize(join(root, icon));
      if (!size || size.width < 512 || size.width !== size.height)
        problems.push(`${platform}: icon ${icon} must be a square PNG of at least 512 px (is ${JSON.stringify(size)})`);
    }
  }
  for (const key of ['appId', 'productName', 'artifactName']) if (!config[key]) problems.push(`${key} is not set`);
  const fuses = config.electronFuses as Record<string, boolean> | undefined;
  if (!fuses || fuses.runAsNode !== false || fuses.enableNodeOptionsEnvironmentVariable !== false || fuses.enableNodeCliInspectArguments !== false) {
    problems.push('electronFuses must turn off runAsNode, NODE_OPTIONS and --inspect in the packaged app');
  }
  return problems;
}

async function main(): Promise<void> {
  let failed = false;
  const started = Date.now();
  const findings = runElectronegativity({ online: process.env.RETURNDESK_AUDIT_ONLINE === '1' });
  const { unexplained, explained, stale } = judgeFindings(findings, readAccepted());
  process.stdout.write(
    `Electronegativity ${ELECTRON_VERSION} over ${SHIPPED.join(', ')}: ${findings.length} finding(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  for (const f of explained) process.stdout.write(`  justified  ${f.check} ${f.file}:${f.location} — ${f.why}\n`);
  for (const f of unexplained)
    process.stdout.write(`  FINDING    ${f.check} [${f.severity}/${f.confidence}] ${f.file}:${f.location} ${f.sample}\n             ${f.description}\n`);
  for (const a of stale) process.stdout.write(`  note: justification for ${a.check} in ${a.file} matched nothing; remove it from .electronegativity.json\n`);
  if (unexplained.length) {
    failed = true;
    process.stdout.write(`${unexplained.length} finding(s) need a fix or a one-line justification in .electronegativity.json\n`);
  }

  const problems = await checkPackagingConfig();
  if (problems.length) {
    failed = true;
    for (const p of problems) process.stdout.write(`  PACKAGING  ${p}\n`);
  } else
    process.stdout.write(
      'electron-builder.yml: valid against the electron-builder 26 schema; NSIS, dmg, AppImage and deb targets with a square icon; fuses set\n',
    );
  process.exit(failed ? 1 : 0);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`audit failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
