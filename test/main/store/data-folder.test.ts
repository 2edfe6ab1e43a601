// The store closes its data folder to other users, but only what is ReturnDesk's: a data folder pointed at
// a shared temp folder or a home must not change anyone else's files (a store opened in /tmp once made
// /tmp itself 0700 on this machine).
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { securePrivateFolder } from '../../../main/store/data-folder.ts';

const mode = (path: string): string => (lstatSync(path).mode & 0o7777).toString(8);

describe.skipIf(process.platform === 'win32')('securing the data folder', () => {
  it('tightens the folder and what ReturnDesk keeps in it, and leaves everything else as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-folder-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    writeFileSync(join(dir, 'logs', 'returndesk.log'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'returndesk.sqlite'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    mkdirSync(join(dir, 'projects'), { mode: 0o755 });
    writeFileSync(join(dir, 'projects', 'build.sh'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'notes.txt'), '', { mode: 0o644 });
    for (const p of [dir, join(dir, 'logs'), join(dir, 'projects')]) chmodSync(p, 0o755);

    expect(securePrivateFolder(dir)).toEqual([]);
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'logs'))).toBe('700');
    expect(mode(join(dir, 'logs', 'returndesk.log'))).toBe('600');
    expect(mode(join(dir, 'returndesk.sqlite'))).toBe('600');
    expect(mode(join(dir, 'settings.json'))).toBe('600');
    // Not ReturnDesk's: untouched, executable bits and all.
    expect(mode(join(dir, 'projects'))).toBe('755');
    expect(mode(join(dir, 'projects', 'build.sh'))).toBe('755');
    expect(mode(join(dir, 'notes.txt'))).toBe('644');
  });

  it('leaves a shared sticky folder (like /tmp) as it is and says why', () => {
    const shared = mkdtempSync(join(tmpdir(), 'rd-shared-'));
    chmodSync(shared, 0o1777);
    writeFileSync(join(shared, 'returndesk.sqlite'), '', { mode: 0o644 });
    const problems = securePrivateFolder(shared);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/shared with other users.*left as it is.*a folder of its own/);
    expect(mode(shared)).toBe('1777');
    expect(mode(join(shared, 'returndesk.sqlite'))).toBe('644');
  });
});
