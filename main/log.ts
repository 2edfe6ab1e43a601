import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import type { RuntimeConfig } from './config.ts';
import type { RotatingFileOptions } from './log-writer.ts';
import { prepareDataFolder } from './store/data-folder.ts';

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

/** One line as it is written (key order aside). */
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

/** Builds a logger (pino underneath) that writes JSON lines with secrets redacted by value and by field name. */
export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  // Every sink gets the redacted line without its newline; one failing sink must never break the caller.
  const destination = {
    write(text: string): void {
      const line = text.endsWith('\n') ? text.slice(0, -1) : text;
      for (const sink of options.sinks) {
        try {
          sink(line);
        } catch {
          // A failing sink must never break the caller.
        }
      }
    },
  };
  const core = pino(
    {
      level: options.level ?? 'info',
      base: null,
      messageKey: 'message',
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      // The key may change at run time: redact whatever the secrets are as each finished line leaves.
      hooks: { streamWrite: (line) => redact(line, options.secrets?.() ?? []) },
    },
    destination,
  );
  return wrap(core, {});
}

function wrap(core: PinoLogger, base: LogFields): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (!core.isLevelEnabled(level)) return;
    core[level]({ fields: safeFields({ ...base, ...fields }) }, message);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => wrap(core, { ...base, ...fields }),
  };
}

/** A sink that hands lines to a worker thread, which appends them to a file and rotates it. */
export interface FileSink {
  (line: string): void;
  /** Resolves once the worker has taken every line written so far. */
  flush(): Promise<void>;
  /** Flushes and stops the worker. */
  close(): Promise<void>;
}

/** The worker's module: the TypeScript source when run from source, its built twin in the Electron bundle. */
const WRITER = join(import.meta.dirname, import.meta.url.endsWith('.ts') ? 'log-writer.ts' : 'log-writer.js');

/** A sink appending to `file` off the main thread, rotating past `maxBytes` to `file.1` … `file.N` (the oldest dropped). */
export function fileSink(file: string, maxBytes = 5 * 1024 * 1024, generations = 3): FileSink {
  // Logs name returns and stores: readable by the owner only, like the rest of the data folder; there from the start.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  const stream = pino.transport<RotatingFileOptions>({ target: WRITER, options: { file, maxBytes, generations } });
  let failed = false;
  stream.on('error', (error: Error) => {
    // Without its writer the log is lost: say so once where someone may read it, and keep the app running.
    if (!failed) process.stderr.write(`ReturnDesk: the log file ${file} cannot be written: ${error.message}\n`);
    failed = true;
  });
  const sink = ((line: string) => {
    if (!failed) stream.write(`${line}\n`);
  }) as FileSink;
  sink.flush = () => new Promise<void>((resolve) => (failed ? resolve() : stream.flush(() => resolve())));
  sink.close = async () => {
    await sink.flush();
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.end();
    });
  };
  return sink;
}

/** A sink for the terminal: human-readable, on stderr so stdout stays for command output. */
export function consoleSink(line: string): void {
  const record = JSON.parse(line) as LogRecord; // already redacted
  const extra = Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
  process.stderr.write(`${record.time} ${record.level.toUpperCase()} ${record.message}${extra}\n`);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sinks: [] });

/** The log of a host: its file in <dataDir>/logs (rotating, off the main thread) and the terminal, the key redacted. */
export function hostLogger(
  config: Pick<RuntimeConfig, 'dataDir' | 'apiKey'>,
  options: { file: 'returndesk.log' | 'returndesk-cli.log'; level?: LogLevel; terminal?: (line: string) => void },
): Logger {
  // Before the log file opens there: an unusable folder is one clear message, not a raw errno from the log writer.
  prepareDataFolder(config.dataDir);
  return createLogger({
    sinks: [options.terminal ?? consoleSink, fileSink(join(config.dataDir, 'logs', options.file))],
    secrets: () => [config.apiKey],
    ...(options.level ? { level: options.level } : {}),
  });
}
