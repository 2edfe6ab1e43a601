import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** The one logging interface every main-process module receives. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}

export interface LogRecord {
  time: string;
  level: LogLevel;
  message: string;
  fields: LogFields;
}

export interface LoggerOptions {
  /** Where lines go; several sinks may be given (console, file, memory). */
  sinks: Array<(line: string) => void>;
  /** Returns the secrets to redact at the time of writing (the API key may change at run time). */
  secrets?: () => Iterable<string | undefined>;
  level?: LogLevel;
  /** Supplies the timestamp; injectable so tests do not depend on the wall clock. */
  now?: () => Date;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /^(api[-_]?key|authorization|token|secret|password)$/i;
const REDACTED = '[redacted]';

/**
 * The ways a secret shows up when something echoes it: as is, JSON-escaped (twice), percent-encoded, hex, and
 * base64/base64url at each of the three byte offsets it can start at inside a longer encoded text
 * (only the characters that depend on the secret alone, so a prefix or suffix cannot hide it).
 */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  ]);
  forms.add(bytes.toString('hex')).add(bytes.toString('hex').toUpperCase());
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const inner = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.add(inner).add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // Each form once more as it reads inside a JSON string (a log line is JSON; it may quote a JSON body).
  for (const form of [...forms]) forms.add(JSON.stringify(form).slice(1, -1));
  // Derived forms shorter than 8 characters would also match innocent text.
  return [...forms].filter((form) => form === secret || form.length >= 8).sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of every secret (of 4+ chars), in any of its common encodings, in `text`. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) out = out.split(form).join(REDACTED);
  }
  return out;
}

function safeFields(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = REDACTED;
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else out[key] = value;
  }
  return out;
}

/** Builds a logger that writes JSON lines with secrets redacted by value and by field name. */
export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[level] < threshold) return;
    const record: LogRecord = { time: now().toISOString(), level, message, fields: safeFields({ ...base, ...fields }) };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ ...record, fields: { unserializable: true } });
    }
    line = redact(line, options.secrets?.() ?? []);
    for (const sink of options.sinks) {
      try {
        sink(line);
      } catch {
        // A failing sink must never break the caller.
      }
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A sink appending to `file`, rotating past `maxBytes` to `file.1` … `file.N` (the oldest dropped). */
export function fileSink(file: string, maxBytes = 5 * 1024 * 1024, generations = 3): (line: string) => void {
  // Logs name returns and stores: readable by the owner only, like the rest of the data folder.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return (line) => {
    try {
      if (statSync(file).size > maxBytes) {
        for (let g = Math.max(1, generations) - 1; g >= 1; g--) {
          try {
            renameSync(`${file}.${g}`, `${file}.${g + 1}`);
          } catch {
            // That generation does not exist yet.
          }
        }
        renameSync(file, `${file}.1`);
      }
    } catch {
      // No file yet: nothing to rotate.
    }
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  };
}

/** A sink for the terminal: human-readable, on stderr so stdout stays for command output. */
export function consoleSink(line: string): void {
  const record = JSON.parse(line) as LogRecord; // already redacted
  const extra = Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
  process.stderr.write(`${record.time} ${record.level.toUpperCase()} ${record.message}${extra}\n`);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sinks: [] });
