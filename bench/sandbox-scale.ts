// Demo data at scale: how long the sandbox takes to generate 50,000 returns and answer (the demo and
// every 50,000-return figure wait for it). Run: ./node_modules/.bin/node bench/sandbox-scale.ts
import { startSandbox } from '../sandbox/index.ts';
import { atLeast, limit, printFigures, round, type Figure } from './figures.ts';

export async function runSandboxScaleBench(options: { returns?: number } = {}): Promise<{ figures: Figure[] }> {
  const returns = options.returns ?? 50_000;
  const t0 = performance.now();
  const sandbox = await startSandbox({ port: 0, quiet: true, returns });
  const startMs = performance.now() - t0;
  try {
    const info = (await (await fetch(`${sandbox.url}/_sandbox/info`)).json()) as { returns: number };
    return {
      figures: [
        atLeast('returns generated', info.returns, 'returns', returns, 'as many as asked'),
        limit(`sandbox start with ${returns.toLocaleString('en')} returns`, round(startMs / 1000, 2), 's', 8, 'README: the 50,000-return demo starts ≤ 8 s'),
      ],
    };
  } finally {
    await sandbox.close();
  }
}

if (import.meta.main) printFigures('Demo data', (await runSandboxScaleBench()).figures);
