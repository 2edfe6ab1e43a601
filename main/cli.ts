/**
 * Headless ReturnDesk: `npm run cli -- <command> [options]`. Same configuration and services as the
 * desktop app and web mode; output on stdout, diagnostics on stderr, non-zero exit on failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createCallbackNotifier, formatWatchLine } from './alerts/index.ts';
import { loadConfig, parseBaseUrl, PRODUCTION_BASE_URL, type RuntimeConfig } from './config.ts';
import { consoleSink, type Logger } from './log.ts';
import { runDecide, runOutboxDrain, runOutboxList } from './outbox/cli.ts';
import { hostLogger, resolveEndpoint, type MarketEndpoint } from './composition.ts';
import { capYoungGeneration, slowOldGenerationGrowth } from './heap.ts';
import { createSettingsStore, jsonFileBackend } from './settings/settings-store.ts';
import { listAwaiting, problemText, runSyncOnce } from './sync/cli.ts';

const root = join(import.meta.dirname, '..');

export interface CommandContext {
  config: RuntimeConfig;
  logger: Logger;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  out: (line: string) => void;
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The words allowed after the command (`outbox list`); none when absent. */
  actions?: readonly string[];
  /** Returns the process exit code. */
  run(context: CommandContext): Promise<number>;
}

/** A bad argument: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** --base-url, held to the rule RETURNDESK_BASE_URL follows. */
function baseUrlOption(context: CommandContext): string | undefined {
  const given = context.values['base-url'];
  if (typeof given !== 'string') return context.config.baseUrl;
  const parsed = parseBaseUrl(given);
  if ('problem' in parsed) throw new UsageError(`--base-url ${parsed.problem}, got "${given}"`);
  if (!context.config.apiKey) throw new UsageError('--base-url needs an API key: set RETURNDESK_API_KEY (without one, commands use the built-in sandbox)');
  return parsed.url;
}

/** A positive whole number (an id), or a UsageError naming the option. */
function idOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d{1,18}$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw new UsageError(`${name} must be a positive whole number, got "${String(value)}"`);
  return Number(text);
}

/** Seconds, more than 0 and at most a day, or a UsageError naming the option. */
function secondsOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const seconds = Number(text);
  if (text === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`${name} must be a number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, got "${String(value)}"`);
  }
  return seconds;
}

/** The Market endpoint for a command: --base-url over RETURNDESK_BASE_URL; the sandbox without a key. */
async function endpointFor(context: CommandContext): Promise<MarketEndpoint> {
  const baseUrl = baseUrlOption(context);
  const endpoint = await resolveEndpoint({ baseUrl }, context.config.apiKey, context.logger);
  if (endpoint.mode === 'demo') process.stderr.write(`Demo mode: no API key set, using the built-in sandbox at ${endpoint.baseUrl}\n`);
  return endpoint;
}

const stdout = { write: (text: string) => process.stdout.write(text) };

/** Success on stdout, anything else on stderr. */
function report(result: { code: number; text: string }): number {
  (result.code === 0 ? process.stdout : process.stderr).write(result.text);
  return result.code;
}

const version = (): string => (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

export const commands: Record<string, Command> = {
  info: {
    summary: 'Show version, runtime, data folder and which Market API would be used',
    usage: 'info [--json]',
    options: { json: { type: 'boolean' } },
    async run({ config, values, out }) {
      const facts = {
        name: 'ReturnDesk',
        version: version(),
        node: process.versions.node,
        dataDir: config.dataDir,
        apiKey: config.apiKey ? `set (…${config.apiKey.slice(-4)})` : 'not set',
        api: config.apiKey
          ? (config.baseUrl ?? PRODUCTION_BASE_URL)
          : config.baseUrl
            ? `${config.baseUrl} (needs RETURNDESK_API_KEY)`
            : 'built-in sandbox (demo mode)',
      };
      if (values.json) out(JSON.stringify(facts, null, 2));
      else for (const [key, value] of Object.entries(facts)) out(`${key.padEnd(8)} ${value}`);
      return 0;
    },
  },
  sync: {
    summary: 'Sync every watched store once and print what came in and what awaits a decision',
    usage: 'sync --once [--base-url URL]',
    options: { once: { type: 'boolean' }, 'base-url': { type: 'string' } },
    async run(context) {
      if (!context.values.once) throw new UsageError('Only "sync --once" is available from the command line; the app and "watch" keep polling.');
      const endpoint = await endpointFor(context);
      try {
        const settings = createSettingsStore(jsonFileBackend(join(context.config.dataDir, 'settings.json'), context.logger), context.logger).get();
        const result = await runSyncOnce({
          dataDir: context.config.dataDir,
          baseUrl: endpoint.baseUrl,
          apiKey: endpoint.apiKey,
          logger: context.logger,
          settings,
        });
        return report({ code: result.ok ? 0 : 1, text: result.text });
      } finally {
        await endpoint.close();
      }
    },
  },
  list: {
    summary: 'List returns awaiting a decision, soonest deadline first (from the local store)',
    usage: 'list --awaiting',
    options: { awaiting: { type: 'boolean' } },
    async run(context) {
      if (!context.values.awaiting) throw new UsageError('Say what to list: "list --awaiting".');
      listAwaiting({ dataDir: context.config.dataDir, out: stdout });
      return 0;
    },
  },
  decide: {
    summary: 'Queue a decision exactly as the app does (same rules); "outbox drain" or the app sends it',
    usage: 'decide --return ID --item ID --type TYPE [--reason R] [--comment C] [--compensation N]',
    options: {
      return: { type: 'string' },
      item: { type: 'string', multiple: true },
      type: { type: 'string' },
      reason: { type: 'string' },
      comment: { type: 'string', multiple: true },
      compensation: { type: 'string' },
      operator: { type: 'string' },
      'base-url': { type: 'string' },
    },
    async run(context) {
      const v = context.values as Record<string, string | string[] | undefined>;
      const returnId = idOption(v.return, '--return');
      if (returnId === undefined) throw new UsageError('--return is required');
      const endpoint = await endpointFor(context);
      try {
        const comment = v.comment as string[] | undefined;
        const result = await runDecide({
          dataDir: context.config.dataDir,
          apiKey: endpoint.apiKey,
          baseUrl: endpoint.baseUrl,
          logger: context.logger,
          returnId,
          item: v.item,
          type: v.type as string | undefined,
          reason: v.reason as string | undefined,
          comment: comment?.length === 1 && !comment[0]!.includes('=') ? comment[0] : comment,
          compensation: v.compensation as string | undefined,
          operator: v.operator as string | undefined,
        });
        return report(result);
      } finally {
        await endpoint.close();
      }
    },
  },
  outbox: {
    summary: 'List the outbox, or send what is queued and wait until it is delivered',
    usage: 'outbox list|drain [--return ID] [--state S] [--timeout SECONDS]',
    actions: ['list', 'drain'],
    options: { return: { type: 'string' }, state: { type: 'string', multiple: true }, timeout: { type: 'string' }, 'base-url': { type: 'string' } },
    async run(context) {
      const action = context.positionals[0];
      if (action === 'list') {
        for (const name of ['timeout', 'base-url'])
          if (context.values[name] !== undefined) throw new UsageError(`--${name} is for "outbox drain", not "outbox list"`);
        const returnId = idOption(context.values.return, '--return');
        return report(runOutboxList({ dataDir: context.config.dataDir, returnId, states: context.values.state as string[] | undefined }));
      }
      if (action === 'drain') {
        for (const name of ['return', 'state'])
          if (context.values[name] !== undefined) throw new UsageError(`--${name} is for "outbox list"; "outbox drain" sends everything queued`);
        const timeout = secondsOption(context.values.timeout, '--timeout');
        const endpoint = await endpointFor(context);
        try {
          const result = await runOutboxDrain({
            dataDir: context.config.dataDir,
            apiKey: endpoint.apiKey,
            baseUrl: endpoint.baseUrl,
            logger: context.logger,
            out: stdout,
            timeoutMs: timeout === undefined ? undefined : timeout * 1000,
          });
          return result.code;
        } finally {
          await endpoint.close();
        }
      }
      throw new UsageError('Say "outbox list" or "outbox drain".');
    },
  },
  watch: {
    summary: 'Keep syncing and print every alert (deadlines, undelivered decisions, disputes, buyer messages, outbox problems) until Ctrl+C',
    usage: 'watch',
    options: {},
    async run(context) {
      // Signals do not keep Node running: this does, until SIGINT or SIGTERM.
      const hold = setInterval(() => {}, 2 ** 30);
      const stopped = new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      try {
        const settings = createSettingsStore(jsonFileBackend(join(context.config.dataDir, 'settings.json'), context.logger), context.logger);
        const notifier = createCallbackNotifier((n) => context.out(formatWatchLine(Date.now(), n)));
        // Loaded here: the one-shot commands do not need the whole app.
        const { createServices } = await import('./services.ts');
        const services = await createServices({
          config: context.config,
          logger: context.logger,
          settings,
          version: version(),
          notifier,
          host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
        });
        const { endpoint, sync } = services.session();
        context.out(`Watching ${endpoint.mode === 'demo' ? 'the built-in sandbox (demo mode)' : new URL(endpoint.baseUrl).host}; Ctrl+C to stop.`);
        // The Market going away and coming back, once each way, not every failed poll.
        let failing = false;
        const offError = sync.on('error', (event) => {
          if (failing) return;
          failing = true;
          context.out(
            `${new Date().toISOString()} sync            ${event.campaignId === null ? 'the list of stores' : `store ${event.campaignId}`}: ${problemText(event.error)}; retrying at the next poll.`,
          );
        });
        const offDone = sync.on('progress', (event) => {
          if (event.phase !== 'done' || !failing) return;
          failing = false;
          context.out(`${new Date().toISOString()} sync            the Market answers again.`);
        });
        const signal = await stopped;
        offError();
        offDone();
        context.out(`${signal}: stopping…`);
        await services.close();
        context.out('Stopped.');
        return 0;
      } finally {
        clearInterval(hold);
      }
    },
  },
};

function help(out: (line: string) => void): void {
  out('ReturnDesk command line — usage: npm run cli -- <command> [options]\n');
  out('Commands:');
  for (const command of Object.values(commands)) out(`  ${command.usage.padEnd(44)} ${command.summary}`);
  out('\nConfiguration (environment): RETURNDESK_DATA_DIR, RETURNDESK_API_KEY, RETURNDESK_BASE_URL.');
  out('With no API key, commands run against the built-in sandbox with demo data.');
  out("Exit codes: 0 done, 1 failure, 2 bad arguments, 3 refused by the rules or the return's state.");
}

const toStderr = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs one CLI invocation; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    help(out);
    return 0;
  }
  if (!name) {
    toStderr('Say which command to run.\n');
    help(toStderr);
    return 2;
  }
  const command = commands[name];
  if (!command) {
    toStderr(`Unknown command "${name}". Run "npm run cli -- --help" for the list.`);
    return 2;
  }
  let values: CommandContext['values'];
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
    values = parsed.values as CommandContext['values'];
    positionals = parsed.positionals;
    const allowed = command.actions ?? [];
    const extra = positionals.slice(allowed.length > 0 ? 1 : 0);
    if (allowed.length > 0 && positionals[0] !== undefined && !allowed.includes(positionals[0])) {
      throw new UsageError(`"${positionals[0]}" is not an action of "${name}": say ${allowed.map((a) => `"${name} ${a}"`).join(' or ')}`);
    }
    const full = allowed.length > 0 && positionals[0] !== undefined ? `${name} ${positionals[0]}` : name;
    if (extra.length > 0)
      throw new UsageError(
        `unexpected word${extra.length > 1 ? 's' : ''} ${extra.map((w) => `"${w}"`).join(', ')}: "${full}" takes options only (--name value)`,
      );
  } catch (error) {
    toStderr(`${error instanceof Error ? error.message : String(error)}\nUsage: npm run cli -- ${command.usage}`);
    return 2;
  }
  if (values.help) {
    out(`Usage: npm run cli -- ${command.usage}\n${command.summary}`);
    return 0;
  }
  const config = loadConfig();
  const wanted = process.env.RETURNDESK_LOG_LEVEL;
  const verbose = wanted === 'debug' || wanted === 'info' || wanted === 'warn';
  // Commands print what happened in words; the terminal gets log lines only for errors unless asked, the log file keeps warnings.
  const terminal = (line: string): void => {
    if (verbose || (JSON.parse(line) as { level: string }).level === 'error') consoleSink(line);
  };
  const logger = hostLogger(config, { file: 'returndesk-cli.log', terminal, level: wanted === 'debug' || wanted === 'info' ? wanted : 'warn' });
  try {
    return await command.run({ config, logger, values, positionals, out });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    toStderr(`${error.message}\nUsage: npm run cli -- ${command.usage}`);
    return 2;
  }
}

if (import.meta.main) {
  // `watch` and a first sync of a large account run as long as the app does: the same young-generation cap and
  // old-generation growth.
  capYoungGeneration();
  slowOldGenerationGrowth();
  let finished = false;
  // The event loop ran dry with the command unfinished: say so instead of a silent exit 0.
  process.on('beforeExit', () => {
    if (finished) return;
    finished = true;
    process.stderr.write('ReturnDesk: the command stopped before its work was done; nothing more is known about its outcome.\n');
    process.exitCode = 1;
  });
  runCli(process.argv.slice(2))
    .then((code) => {
      finished = true;
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      finished = true;
      process.stderr.write(`ReturnDesk: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
