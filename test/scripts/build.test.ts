import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dependenciesBehind } from '../../scripts/build.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout with `declared` in package.json and `installed` in node_modules. */
function checkout(declared: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }, installed: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rd-build-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(declared));
  for (const [name, version] of Object.entries(installed)) {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  return dir;
}

describe('the build names what node_modules lacks before the bundler trips on it', () => {
  it('a dependency added to package.json and not installed yet, and one at another version', () => {
    const dir = checkout(
      { dependencies: { react: '19.3.1', '@tanstack/react-query': '5.108.4' }, devDependencies: { vite: '8.3.8' } },
      { react: '19.3.1', vite: '8.3.7' },
    );
    expect(dependenciesBehind(dir)).toEqual(['@tanstack/react-query 5.108.4 (installed: none)', 'vite 8.3.8 (installed: 8.3.7)']);
  });

  it('nothing when every declared package is installed at its version', () => {
    expect(dependenciesBehind(checkout({ dependencies: { zod: '4.6.7' } }, { zod: '4.6.7' }))).toEqual([]);
  });
});
