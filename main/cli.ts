/**
 * Headless ReturnDesk: `npm run cli -- <command> [options]`. Same configuration and services as the
 * desktop app and web mode; output on stdout, diagnostics on stderr, non-zero exit on failure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, PRODUCTION_BASE_URL, type RuntimeConfig } from './config.ts';
import { consoleSink, createLogger, fileSink, type Logger } from './log.ts';

const root = join(import.meta.dirname, '..');

export interface CommandContext {
  config: RuntimeConfig;
  logger: Logger;
  values: Record<string, string | boolean | undefined>;
  out: (line: string) => void;
}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(context: CommandContext): Promise<number>;
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
        api: config.apiKey ? (config.baseUrl ?? PRODUCTION_BASE_URL) : config.baseUrl ? `${config.baseUrl} (needs RETURNDESK_API_KEY)` : 'built-in sandbox (demo mode)',
      };
      if (values.json) out(JSON.stringify(facts, null, 2));
      else for (const [key, value] of Object.entries(facts)) out(`${key.padEnd(8)} ${value}`);
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
  try {
    values = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, strict: true }).values as CommandContext['values'];
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
  return command.run({ config, logger, values, out });
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
