/**
 * The seams of the code base, stated once and checked on every import (static and dynamic) of every
 * source file: who may use SQLite, who may start the sandbox, who may touch Electron, and which way
 * the dependencies of main/ point. A new file that crosses a seam fails here with the rule's reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const SOURCE = /\.(ts|tsx)$/;

function filesUnder(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, folder));
  return out;
}

interface Import {
  from: string;
  /** The specifier as written, e.g. `node:sqlite` or `../store/store.ts`. */
  specifier: string;
  /** Repository-relative path for relative specifiers, else null. */
  target: string | null;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  // preProcessFile reports static imports, re-exports and dynamic import() calls alike.
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(({ fileName }) => ({
    from: file,
    specifier: fileName,
    target: fileName.startsWith('.')
      ? relative(root, resolve(root, dirname(file), fileName))
          .split(sep)
          .join('/')
      : null,
  }));
}

const sourceFiles = ['main', 'preload', 'renderer', 'sandbox'].flatMap(filesUnder);
const allImports = sourceFiles.flatMap(importsOf);
const show = (list: Import[]): string[] => list.map((i) => `${i.from} → ${i.specifier}`);

interface Rule {
  name: string;
  why: string;
  violates: (i: Import) => boolean;
}

/** The one file in main/ that may start the built-in sandbox (demo mode). */
const DEMO_ENTRY = 'main/composition.ts';

const rules: Rule[] = [
  {
    name: 'SQLite is used only inside main/store/',
    why: 'every table has one owner behind a repository interface; a second engine must be able to implement it',
    violates: (i) => i.specifier === 'node:sqlite' && !i.from.startsWith('main/store/'),
  },
  {
    name: `main/ starts the sandbox only from ${DEMO_ENTRY}`,
    why: 'the sandbox is the other side of the wire; only demo mode starts it',
    violates: (i) => i.from.startsWith('main/') && i.from !== DEMO_ENTRY && (i.target?.startsWith('sandbox/') ?? false),
  },
  {
    name: 'main/store/ depends only on the Market layer and the contract',
    why: 'the store is the bottom layer: the features use its repositories, never the other way round',
    violates: (i) => i.from.startsWith('main/store/') && !!i.target && !/^(main\/store|main\/market|preload)\//.test(i.target),
  },
  {
    name: 'the sandbox imports nothing of the app',
    why: 'it emulates the Market; sharing code with the client would let both misread the spec the same way',
    violates: (i) => i.from.startsWith('sandbox/') && !!i.target && /^(main|renderer|preload)\//.test(i.target),
  },
  {
    name: 'the renderer never imports main/ or the sandbox, nor Node',
    why: 'the renderer talks to main only through window.returnDesk',
    violates: (i) => i.from.startsWith('renderer/') && ((!!i.target && /^(main|sandbox)\//.test(i.target)) || i.specifier.startsWith('node:')),
  },
  {
    name: 'electron is imported only by the Electron adapters and the preload',
    why: 'core modules run in plain Node (web mode, CLI, tests)',
    violates: (i) =>
      i.specifier === 'electron' && !(i.from === 'main/electron.ts' || i.from.startsWith('main/platform/electron/') || i.from === 'preload/index.ts'),
  },
];

describe('architecture: the seams hold', () => {
  it('reads the imports of every source file', () => {
    expect(sourceFiles.length).toBeGreaterThan(100);
    // The rules below would pass vacuously if imports were not found at all.
    expect(allImports.some((i) => i.specifier === 'node:sqlite')).toBe(true);
    expect(allImports.some((i) => i.from === DEMO_ENTRY && i.target === 'sandbox/index.ts')).toBe(true);
  });

  for (const rule of rules) {
    it(`${rule.name} (${rule.why})`, () => {
      expect(show(allImports.filter(rule.violates))).toEqual([]);
    });
  }
});
