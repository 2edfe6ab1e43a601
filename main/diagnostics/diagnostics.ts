/**
 * "Copy diagnostics": one block of text for support — versions, settings (no secrets), sync and
 * outbox status, and the last warnings and errors of the log files (already redacted when written).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiKeyStatus, AppInfo, Diagnostics, GlobalStatus, Settings, StoreView } from '../../preload/contract.ts';
import { redact } from '../log.ts';

export interface DiagnosticsSource {
  info: AppInfo;
  settings: Settings;
  status: GlobalStatus;
  stores: StoreView[];
  apiKey: ApiKeyStatus;
  /** Folder of the rotating log files (returndesk.log, returndesk.log.1, …, returndesk-cli.log). */
  logDir: string;
  logLines: number;
  /** Secrets to strip once more, in case a line predates redaction. */
  secrets?: Array<string | undefined>;
  now?: Date;
}

/** Anything that looks like a credential in a free-text line: key=…, token=…, Api-Key: …, Bearer … */
const CREDENTIAL = /((?:api[-_]?key|token|authorization|password|secret)["']?\s*[:=]\s*["']?|Bearer\s+)[^\s"'&,}]{4,}/gi;

/** Reads the last `limit` warn/error lines of every log generation, oldest first. */
export function recentLogProblems(logDir: string, limit: number, secrets: Array<string | undefined> = []): string[] {
  if (limit <= 0 || !existsSync(logDir)) return [];
  const files = readdirSync(logDir)
    .filter((name) => /^returndesk(-cli)?\.log(\.\d+)?$/.test(name))
    .map((name) => ({ name, generation: Number(/\.(\d+)$/.exec(name)?.[1] ?? 0) }))
    // Oldest generation first, so the newest lines end up last.
    .sort((a, b) => b.generation - a.generation || a.name.localeCompare(b.name));
  const lines: Array<{ time: string; text: string }> = [];
  for (const { name } of files) {
    let content: string;
    try {
      content = readFileSync(join(logDir, name), 'utf8');
    } catch {
      continue;
    }
    for (const raw of content.split('\n')) {
      if (!raw) continue;
      try {
        const record = JSON.parse(raw) as { time?: string; level?: string; message?: string; fields?: unknown };
        if (record.level !== 'warn' && record.level !== 'error') continue;
        const fields = record.fields && Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
        lines.push({ time: record.time ?? '', text: `${record.time ?? ''} ${record.level.toUpperCase()} ${record.message ?? ''}${fields}` });
      } catch {
        // A torn or foreign line is not ours to quote.
      }
    }
  }
  lines.sort((a, b) => a.time.localeCompare(b.time));
  return lines.slice(-limit).map((l) => redact(l.text, secrets).replace(CREDENTIAL, '$1[redacted]').slice(0, 2000));
}

/** Builds the diagnostics text the renderer copies to the clipboard. */
export function buildDiagnostics(source: DiagnosticsSource): Diagnostics {
  const now = source.now ?? new Date();
  const { info, settings, status, stores, apiKey } = source;
  const problems = recentLogProblems(source.logDir, source.logLines, source.secrets);
  const text = [
    `ReturnDesk diagnostics — ${now.toISOString()}`,
    '',
    '## Versions',
    `ReturnDesk ${info.version} (${info.mode}, ${info.transport}) on ${info.platform}`,
    `Node ${info.versions.node}; Electron ${info.versions.electron ?? '—'}; Chrome ${info.versions.chrome ?? '—'}`,
    `Market API host: ${info.apiHost}`,
    `Data folder: ${info.dataDir}`,
    `API key: ${apiKey.set ? `set (${apiKey.source})` : 'not set'}; OS encryption ${apiKey.encryptionAvailable ? 'available' : 'unavailable'}`,
    '',
    '## Settings',
    JSON.stringify(settings, null, 2),
    '',
    '## Status',
    `online: ${status.online}; syncing: ${status.syncing}; last sync: ${status.lastSync ?? 'never'}`,
    `awaiting a decision: ${status.awaitingDecision} (urgent ${status.urgent}); unreadable returns kept aside: ${status.unreadable}`,
    `outbox: queued ${status.outbox.queued}, sending ${status.outbox.sending}, failed ${status.outbox.failed}, conflict ${status.outbox.conflict}`,
    ...(status.authProblem ? [`key problem: ${status.authProblem}`] : []),
    '',
    '## Stores',
    ...(stores.length
      ? stores.map(
          (s) =>
            `${s.campaignId} ${s.name ?? ''} [${s.placementType ?? '?'}] watched ${s.watched}; returns ${s.returnsKnown}; last success ${s.lastSuccess ?? 'never'}${s.lastError ? `; last error: ${s.lastError}` : ''}`,
        )
      : ['(none yet)']),
    '',
    `## Last ${problems.length} warnings and errors of the log`,
    ...(problems.length ? problems : ['(none)']),
  ].join('\n');
  return { text: redact(text, source.secrets ?? []), generatedAt: now.toISOString(), recentErrors: problems.length };
}
