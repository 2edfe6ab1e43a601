// The CI audit must be able to fail: it reads Electronegativity's CSV, flags what is not justified,
// and on a deliberately insecure window it reports the findings for real.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackagingConfig, judgeFindings, parseFindingsCsv, readAccepted, runElectronegativity } from '../../scripts/audit.ts';

const root = join(import.meta.dirname, '..', '..');

const CSV = [
  'issue, severity, confidence, filename, location, sample, description, url',
  'NODE_INTEGRATION_JS_CHECK,"INFORMATIONAL","FIRM","main/x.ts","3:4","new BrowserWindow({ a: 1, b: ""q"" })","Disable nodeIntegration, please",https://x',
  'CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",,"No CSP",https://y',
].join('\n');

describe('scripts/audit.ts', () => {
  it('parses quoted CSV fields and fails on a finding that is not justified', () => {
    const findings = parseFindingsCsv(CSV);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ check: 'NODE_INTEGRATION_JS_CHECK', file: 'main/x.ts', sample: 'new BrowserWindow({ a: 1, b: "q" })' });
    const verdict = judgeFindings(findings, [
      { check: 'CSP_GLOBAL_CHECK', file: 'N/A', why: 'header set by the protocol handler' },
      { check: 'OLD', file: 'gone.ts', why: 'was needed once upon a time' },
    ]);
    expect(verdict.unexplained.map((f) => f.check)).toEqual(['NODE_INTEGRATION_JS_CHECK']);
    expect(verdict.explained.map((f) => f.check)).toEqual(['CSP_GLOBAL_CHECK']);
    expect(verdict.stale.map((a) => a.check)).toEqual(['OLD']);
    expect(() => parseFindingsCsv('not,a,csv')).toThrow(/not an Electronegativity CSV/);
  });

  it('every justification in .electronegativity.json has a reason', () => {
    const accepted = readAccepted();
    expect(accepted.length).toBeGreaterThan(0);
    for (const a of accepted) expect(a.why.length).toBeGreaterThan(20);
  });

  it('reports an insecure window that the justifications do not cover', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-insecure-'));
    try {
      mkdirSync(join(dir, 'main'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', devDependencies: { electron: '45.5.0' } }));
      writeFileSync(
        join(dir, 'main', 'bad.ts'),
        "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\nw.loadURL('http://example.com');\n",
      );
      const findings = runElectronegativity({ from: dir, timeoutMs: 60_000 });
      const { unexplained } = judgeFindings(findings, readAccepted());
      const checks = new Set(unexplained.map((f) => f.check));
      for (const id of [
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
        'AUXCLICK_JS_CHECK',
      ])
        expect(checks).toContain(id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('validates electron-builder.yml offline and flags a broken one', async () => {
    expect(await checkPackagingConfig()).toEqual([]);
    const broken = join(root, '.tmp-audit-builder.yml');
    writeFileSync(broken, readFileSync(join(root, 'electron-builder.yml'), 'utf8').replace('target: [AppImage, deb]', 'target: [AppImage]'));
    try {
      expect(await checkPackagingConfig('.tmp-audit-builder.yml')).toContain('linux: target deb is missing');
      writeFileSync(broken, 'appId: x\nnotAnOption: 1\n');
      await expect(checkPackagingConfig('.tmp-audit-builder.yml')).rejects.toThrow(/notAnOption|unknown property/i);
    } finally {
      rmSync(broken, { force: true });
    }
  });

  it('only the window factory constructs a BrowserWindow', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name)) files.push(p);
      }
    };
    for (const d of ['main', 'preload', 'renderer']) walk(join(root, d));
    const constructing = files.filter((f) => /new\s+BrowserWindow\s*\(/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(constructing).toEqual(['main/platform/electron/window.ts']);
  });
});
