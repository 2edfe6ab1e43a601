import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namespaces } from '../../renderer/i18n/namespaces.ts';

const root = join(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['locales', 'main', 'preload', 'renderer', 'sandbox', 'scripts', 'bench', 'test'];
const SOURCE_FILE = /\.(ts|tsx|css|md|html)$/;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (SOURCE_FILE.test(name)) out.push(path);
  }
  return out;
}

function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => strings(v, path ? `${path}.${key}` : key));
  return [];
}

// Built from parts so this file does not match itself.
const ISSUE_NUMBER = new RegExp(['\\bissue', '\\s*#?\\d+'].join(''), 'i');
const RU_ISSUE_NUMBER = new RegExp(['задач[аеиу]', '\\s*№?\\s*\\d+'].join(''), 'i');
// "скоро будет" alone also says a queued decision will soon be sent: only "soon available" is a placeholder.
const PLACEHOLDER = new RegExp(
  ['arrives with', 'coming soon', 'not implemented yet', 'появится вместе', 'скоро будет доступ', 'скоро появится'].join('|'),
  'i',
);

describe('product text and comments', () => {
  it('name no issue numbers anywhere in the source, README or DEVELOPERS', () => {
    const offenders: string[] = [];
    for (const file of [...SOURCE_DIRS.flatMap((d) => files(join(root, d))), join(root, 'README.md'), join(root, 'DEVELOPERS.md')]) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (ISSUE_NUMBER.test(line) || RU_ISSUE_NUMBER.test(line)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('show the operator no placeholder text in either language', () => {
    const offenders = strings(namespaces).filter(([, text]) => PLACEHOLDER.test(text) || ISSUE_NUMBER.test(text) || RU_ISSUE_NUMBER.test(text));
    expect(offenders).toEqual([]);
  });

  it('would catch the kind of line it forbids', () => {
    expect(ISSUE_NUMBER.test(['Photo review arrives with the gallery (iss', 'ue 8).'].join(''))).toBe(true);
    expect(RU_ISSUE_NUMBER.test(['(зада', 'ча 8)'].join(''))).toBe(true);
    expect(PLACEHOLDER.test(['Photo review arr', 'ives with the gallery'].join(''))).toBe(true);
    expect(PLACEHOLDER.test(['Раздел скоро будет дос', 'тупен'].join(''))).toBe(true);
  });
});
