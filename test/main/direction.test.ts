// Dependencies point down: hosts → wiring → ipc → domain → store/market. Each rule names the files that break it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'main');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every relative module a file imports or re-exports, statically or with import(), as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(root, resolve(dirname(file), s)));
}

type Layer = 'host' | 'wiring' | 'ipc' | 'domain';

/** The layer of a file under main/ (paths from the repository root). */
function layerOf(path: string): Layer {
  const inMain = path.slice('main/'.length);
  if (['cli.ts', 'web.ts', 'electron.ts'].includes(inMain) || /^[^/]+\/cli\.ts$/.test(inMain) || /^(web|platform)\//.test(inMain)) return 'host';
  if (['composition.ts', 'services.ts'].includes(inMain) || inMain.startsWith('app/')) return 'wiring';
  if (inMain.startsWith('ipc/')) return 'ipc';
  return 'domain';
}

const RANK: Record<Layer, number> = { host: 3, wiring: 2, ipc: 1, domain: 0 };
const edges = files(main).flatMap((file) => {
  const from = relative(root, file);
  return importsOf(file)
    .filter((to) => to.startsWith('main/'))
    .map((to) => ({ from, to }));
});

describe('dependency direction in main/', () => {
  it('reads the imports it judges', () => {
    // The rules below are only as good as the scan: it must see imports that exist.
    expect(edges).toContainEqual({ from: 'main/services.ts', to: 'main/composition.ts' });
    expect(edges).toContainEqual({ from: 'main/cli.ts', to: 'main/composition.ts' });
    expect(edges.length).toBeGreaterThan(200);
    expect(layerOf('main/outbox/cli.ts')).toBe('host');
    expect(layerOf('main/app/status.ts')).toBe('wiring');
    expect(layerOf('main/chats/chat-service.ts')).toBe('domain');
  });

  it('has no import pointing up: domain ← ipc ← wiring (composition, services, app/) ← hosts', () => {
    const upward = edges.filter(({ from, to }) => RANK[layerOf(to)] > RANK[layerOf(from)]).map(({ from, to }) => `${from} → ${to}`);
    expect(upward).toEqual([]);
  });

  it('keeps the ipc handlers off the store: they read through the domain', () => {
    const direct = edges.filter(({ from, to }) => from.startsWith('main/ipc/') && to.startsWith('main/store/')).map(({ from, to }) => `${from} → ${to}`);
    expect(direct).toEqual([]);
  });

  it('assembles the Market client, sync engine and outbox in one place', () => {
    const assembling = files(main)
      .filter((file) => /new (MarketClient|SyncEngine|Outbox)\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(assembling).toEqual(['main/composition.ts']);
  });
});
