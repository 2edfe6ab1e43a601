import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasText, type Texts } from '../../locales/index.ts';
import { EXPLANATIONS } from '../../main/outbox/texts.ts';
import { RULES, SUBMIT_RULES } from '../../preload/decision-rules.ts';
import { namespaces } from '../../renderer/i18n/namespaces.ts';

const root = join(import.meta.dirname, '..', '..');
const LOCALES = ['en', 'ru'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g;

function leaves(texts: Texts, prefix = ''): Array<[string, string]> {
  return Object.entries(texts).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

/** For one language of a namespace: each key without its plural suffix, with the placeholders of all its forms and the forms given. */
function entries(texts: Texts): Map<string, { vars: Set<string>; forms: Set<string> }> {
  const out = new Map<string, { vars: Set<string>; forms: Set<string> }>();
  for (const [key, text] of leaves(texts)) {
    const base = key.replace(PLURAL, '');
    const entry = out.get(base) ?? { vars: new Set<string>(), forms: new Set<string>() };
    entry.forms.add(PLURAL.exec(key)?.[1] ?? '');
    for (const m of text.matchAll(PLACEHOLDER)) entry.vars.add(m[1]!);
    out.set(base, entry);
  }
  return out;
}

const catalogue = Object.fromEntries(
  Object.entries(namespaces).map(([ns, both]) => [ns, Object.fromEntries(LOCALES.map((l) => [l, entries(both[l])]))] as const),
) as Record<string, Record<(typeof LOCALES)[number], ReturnType<typeof entries>>>;

describe('the catalogues (locales/ and renderer/i18n/)', () => {
  it('give every key in both languages', () => {
    const missing: string[] = [];
    for (const [ns, byLocale] of Object.entries(catalogue)) {
      for (const l of LOCALES)
        for (const other of LOCALES) for (const key of byLocale[other].keys()) if (!byLocale[l].has(key)) missing.push(`${l} ${ns}:${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('give every plural form Intl.PluralRules asks of each language (ru: one, few, many, other)', () => {
    const missing: string[] = [];
    for (const [ns, byLocale] of Object.entries(catalogue)) {
      for (const l of LOCALES) {
        const categories = new Intl.PluralRules(l).resolvedOptions().pluralCategories;
        for (const [key, { forms }] of byLocale[l]) {
          if (forms.has('')) continue;
          for (const c of categories) if (!forms.has(c)) missing.push(`${l} ${ns}:${key}_${c}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(new Intl.PluralRules('ru').resolvedOptions().pluralCategories).toEqual(expect.arrayContaining(['one', 'few', 'many', 'other']));
  });

  it('use the same placeholders in both languages', () => {
    const differ: string[] = [];
    for (const [ns, byLocale] of Object.entries(catalogue)) {
      for (const [key, { vars }] of byLocale.en) {
        const ru = byLocale.ru.get(key)?.vars ?? new Set<string>();
        // {{count}} picks the plural form; a language may leave it out of the sentence.
        const a = [...vars].filter((v) => v !== 'count').sort();
        const b = [...ru].filter((v) => v !== 'count').sort();
        if (a.join() !== b.join()) differ.push(`${ns}:${key} en {${a.join()}} ru {${b.join()}}`);
      }
    }
    expect(differ).toEqual([]);
  });
});

// ── Every t('…') call with a literal key: the key exists, and every placeholder of its text is given. ──

interface Call {
  file: string;
  line: number;
  key: string;
  /** Names given in the options object; null when they cannot be read (a variable, a spread, `replace`). */
  given: Set<string> | null;
}

/** The text from `open` (a "{") to its matching "}", skipping quoted strings. */
function balanced(source: string, open: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') {
      depth--;
      if (depth === 0) return source.slice(open, i + 1);
    }
  }
  return source.slice(open);
}

/** The top-level property names of an object literal's text, or null when one is a spread. */
function propertyNames(object: string): Set<string> | null {
  const inner = object.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('{(['.includes(ch)) depth++;
    else if ('})]'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  const names = new Set<string>();
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    if (raw.startsWith('...')) return null;
    const name = /^(['"]?)([\w$-]+)\1\s*(:|$)/.exec(raw)?.[2];
    if (!name) return null;
    names.add(name);
  }
  return names.has('replace') ? null : names;
}

export function callsIn(source: string, file: string): Call[] {
  const calls: Call[] = [];
  for (const m of source.matchAll(/(?<![\w.$])t\(\s*(['"])([^'"\n]+)\1\s*(\)|,)/g)) {
    let given: Set<string> | null = new Set();
    if (m[3] === ',') {
      const rest = m.index + m[0].length;
      const open = source.slice(rest).search(/\S/) + rest;
      given = source[open] === '{' ? propertyNames(balanced(source, open)) : null;
    }
    calls.push({ file, line: source.slice(0, m.index).split('\n').length, key: m[2]!, given });
  }
  return calls;
}

/** What is wrong with one call: an unknown key, or placeholders its options do not give. */
export function problemsOf(call: Call): string[] {
  const [ns, key] = call.key.includes(':') ? (call.key.split(':', 2) as [string, string]) : ['translation', call.key];
  const where = `${call.file}:${call.line} t('${call.key}')`;
  const byLocale = catalogue[ns];
  if (!byLocale) return [`${where}: no namespace "${ns}"`];
  const problems: string[] = [];
  for (const l of LOCALES) {
    const entry = byLocale[l].get(key);
    if (!entry) {
      problems.push(`${where}: no ${l} text`);
      continue;
    }
    if (!call.given) continue;
    const needed = [...entry.vars, ...(entry.forms.has('') ? [] : ['count'])];
    const lacking = [...new Set(needed)].filter((v) => !call.given!.has(v));
    if (lacking.length) problems.push(`${where}: ${l} needs {{${lacking.join('}}, {{')}}}`);
  }
  return problems;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

describe('every text the code asks for', () => {
  const calls = ['renderer', 'main', 'preload', 'locales'].flatMap((dir) =>
    sources(join(root, dir)).flatMap((file) => callsIn(readFileSync(file, 'utf8'), relative(root, file))),
  );

  it('exists in both languages and is given every placeholder it uses', () => {
    expect(calls.flatMap(problemsOf)).toEqual([]);
    // The scan must see the code it checks: hundreds of literal keys, most with readable options.
    expect(calls.length).toBeGreaterThan(400);
    expect(calls.filter((c) => c.given).length / calls.length).toBeGreaterThan(0.9);
  });

  it('has words for every decision rule and outbox explanation the code can store (their keys are built from codes)', () => {
    const keys = [...RULES, ...SUBMIT_RULES].map((r) => `rules:${r}`).concat(EXPLANATIONS.map((e) => `outbox:explanation.${e}`));
    expect(keys.flatMap((k) => LOCALES.filter((l) => !hasText(k, l)).map((l) => `${l} ${k}`))).toEqual([]);
  });

  it('would catch a missing key, a missing placeholder and a missing count', () => {
    const bad = callsIn(
      "t('evidence:photoN');\nt('analytics:money.page', { from: 1, to: f(2, 3) });\nt('alerts:returns', {});\nt('nope.key');\nt('evidence:pane', { n });",
      'x.ts',
    );
    expect(bad.flatMap(problemsOf)).toEqual([
      "x.ts:1 t('evidence:photoN'): en needs {{n}}",
      "x.ts:1 t('evidence:photoN'): ru needs {{n}}",
      "x.ts:2 t('analytics:money.page'): en needs {{total}}",
      "x.ts:2 t('analytics:money.page'): ru needs {{total}}",
      "x.ts:3 t('alerts:returns'): en needs {{count}}",
      "x.ts:3 t('alerts:returns'): ru needs {{count}}",
      "x.ts:4 t('nope.key'): no en text",
      "x.ts:4 t('nope.key'): no ru text",
    ]);
  });
});
