import { createLogger, type Logger } from '../../main/log.ts';

/** A real logger whose lines are kept in memory, so tests can read what was logged. */
export function memoryLogger(secrets: () => Array<string | undefined> = () => []): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ sinks: [(line) => lines.push(line)], secrets, level: 'debug' }), lines };
}
