/**
 * Headless ReturnDesk: `npm run cli -- <command> [options]`. Same configuration and services as the
 * desktop app and web mode; output on stdout, diagnostics on stderr, non-zero exit on failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createCallbackNotifier, formatWatchLine } from './alerts/index.ts';
import { loadConfig, PRODUCTION_BASE_URL, type RuntimeConfig } from './config.ts';
import { consoleSink, createLogger, fileSink, type Logger } from './log.ts';
import { runDecide, runOutboxDrain, runOutboxList } from './outbox/cli.ts';
import { createServices } from './services.ts';
import { resolveEndpoint, type MarketEndpoint } from './session.ts';
import { createSettingsStore, jsonFileBackend } from './settings/settings-store.ts';
import { listAwaiting, runSyncOnce } from './sync/cli.ts';

const root = join(import.meta.dirname, '..');

export interface CommandContext {
  config: RuntimeConfig;
  logger: Logger;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  out: (line: string) => void;
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(context: CommandContext): Promise<number>;
}

/** The Market endpoint for a command: --base-url over RETURNDESK_BASE_URL; the sandbox without a key. */
async function endpointFor(context: CommandContext): Promise<MarketEndpoint> {
  const baseUrl = typeof context.values['base-url'] === 'string' ? context.values['base-url'].replace(/\/+$/, '') : context.config.baseUrl;
  const endpoint = await resolveEndpoint({ baseUrl }, context.config.apiKey, context.logger);
  if (endpoint.mode === 'demo') process.stderr.write(`Demo mode: no API key set, using the built-in sandbox at ${endpoint.baseUrl}\n`);
  return endpoint;
}

const stdout = { write: (text: string) => process.stdout.write(text) };
const number = (value: unknown): number | undefined => (typeof value === 'string' && value !== '' ? Number(value) : undefined);

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
        api: config.apiKey ? (config.baseUrl ?? PRODUCTION_BASE_URL) : config.baseUrl ? `${config.baseUrl} (needs RETURNDESK_API_KEY)` : 'built-in sandbox (demo mode)',
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
      if (!context.values.once) {
        process.stderr.write('Only "sync --once" is available from the command line; the app and "watch" keep polling.\n');
        return 2;
      }
      const endpoint = await endpointFor(context);
      try {
        const result = await runSyncOnce({ dataDir: context.config.dataDir, baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey, logger: context.logger, out: stdout });
        return result.ok ? 0 : 1;
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
      if (!context.values.awaiting) {
        process.stderr.write('Say what to list: "list --awaiting".\n');
        return 2;
      }
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
      if (!v.return) {
        process.stderr.write('--return is required.\n');
        return 2;
      }
      const endpoint = await endpointFor(context);
      try {
        const comment = v.comment as string[] | undefined;
        const result = await runDecide({
          dataDir: context.config.dataDir,
          apiKey: endpoint.apiKey,
          baseUrl: endpoint.baseUrl,
          logger: context.logger,
          out: stdout,
          returnId: v.return as string,
          item: v.item,
          type: v.type as string | undefined,
          reason: v.reason as string | undefined,
          comment: comment?.length === 1 && !comment[0]!.includes('=') ? comment[0] : comment,
          compensation: number(v.compensation),
          operator: v.operator as string | undefined,
        });
        return result.code;
      } finally {
        await endpoint.close();
      }
    },
  },
  outbox: {
    summary: 'List the outbox, or send what is queued and wait until it is delivered',
    usage: 'outbox list|drain [--return ID] [--state S] [--timeout SECONDS]',
    options: { return: { type: 'string' }, state: { type: 'string', multiple: true }, timeout: { type: 'string' }, 'base-url': { type: 'string' } },
    async run(context) {
      const action = context.positionals[0];
      if (action === 'list') {
        return runOutboxList({ dataDir: context.config.dataDir, out: stdout, returnId: number(context.values.return), states: context.values.state as unknown as string[] | undefined }).code;
      }
      if (action === 'drain') {
        const endpoint = await endpointFor(context);
        try {
          const timeout = number(context.values.timeout);
          const result = await runOutboxDrain({ dataDir: context.config.dataDir, apiKey: endpoint.apiKey, baseUrl: endpoint.baseUrl, logger: context.logger, out: stdout, timeoutMs: timeout ? timeout * 1000 : undefined });
          return result.code;
        } finally {
          await endpoint.close();
        }
      }
      process.stderr.write('Say "outbox list" or "outbox drain".\n');
      return 2;
    },
  },
  watch: {
    summary: 'Keep syncing and print every alert (deadlines, disputes, outbox problems) until Ctrl+C',
    usage: 'watch',
    options: {},
    async run(context) {
      const settings = createSettingsStore(jsonFileBackend(join(context.config.dataDir, 'settings.json'), context.logger), context.logger);
      const notifier = createCallbackNotifier((n) => context.out(formatWatchLine(Date.now(), n)));
      const services = await createServices({
        config: context.config,
        logger: context.logger,
        settings,
        version: version(),
        notifier,
        host: { capabilities: { nativeNotifications: false, tray: false, nativeDialogs: false }, electron: null, chrome: null },
      });
      const { endpoint } = services.session();
      context.out(`Watching ${endpoint.mode === 'demo' ? 'the built-in sandbox (demo mode)' : new URL(endpoint.baseUrl).host}; Ctrl+C to stop.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await services.close();
      return 0;
    },
  },
};

function help(out: (line: string) => void): void {
  out('ReturnDesk command line — usage: npm run cli -- <command> [options]\n');
  out('Commands:');
  for (const command of Object.values(commands)) out(`  ${command.usage.padEnd(44)} ${command.summary}`);
  out('\nConfiguration (environment): RETURNDESK_DATA_DIR, RETURNDESK_API_KEY, RETURNDESK_BASE_URL.');
  out('With no API key, commands run against the built-in sandbox with demo data.');
}

/** Runs one CLI invocation; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(out);
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}". Run "npm run cli -- --help" for the list.\n`);
    return 2;
  }
  let values: CommandContext['values'];
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
    values = parsed.values as CommandContext['values'];
    positionals = parsed.positionals;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nUsage: npm run cli -- ${command.usage}\n`);
    return 2;
  }
  if (values.help) {
    out(`Usage: npm run cli -- ${command.usage}\n${command.summary}`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger({
    sinks: [consoleSink, fileSink(join(config.dataDir, 'logs', 'returndesk-cli.log'))],
    secrets: () => [config.apiKey],
    level: process.env.RETURNDESK_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
  });
  return command.run({ config, logger, values, positionals, out });
}

if (import.meta.main) {
  runCli(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`ReturnDesk: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
