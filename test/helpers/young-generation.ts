import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const probe = join(import.meta.dirname, 'young-generation-probe.mjs');

/**
 * The environment that loads test/helpers/young-generation-probe.mjs into a host process, and how to make it measure:
 * `measure(pid)` signals the process and resolves with the largest new space (MiB) it saw while making garbage.
 */
export function youngGenerationProbe(): { env: Record<string, string>; measure(pid: number): Promise<number> } {
  const file = join(mkdtempSync(join(tmpdir(), 'rd-young-')), 'largest');
  return {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(probe).href}`.trim(), YOUNG_PROBE_OUT: file },
    async measure(pid) {
      process.kill(pid, 'SIGUSR2');
      for (let waited = 0; !existsSync(file) || readFileSync(file, 'utf8') === ''; waited += 100) {
        if (waited > 60_000) throw new Error('the probe in the host process wrote nothing within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return Number(readFileSync(file, 'utf8')) / 1024 / 1024;
    },
  };
}
