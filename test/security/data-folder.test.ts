// Another local user must not read the owner's returns: the data folder ReturnDesk creates is 0700 and
// its files 0600 (database with WAL and SHM, logs, settings, photo cache), whatever the umask; a folder
// left loose by an older version is tightened at start. Where the test runs as root, a real second
// user (nobody) also tries to list the folder and read the database.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxRow, ItemPhotos } from '../../preload/contract.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { openBridge } from '../helpers/bridge-socket.ts';
import { startWebProcess } from '../helpers/web-process.ts';

const isPosix = process.platform !== 'win32';
const asRoot = isPosix && process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
/** The other user runs this checkout's CLI: it must be able to read it (a clone under a private folder, mktemp's, is not). */
const nobodyReadsCheckout =
  asRoot &&
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', join(import.meta.dirname, '..', '..', 'main', 'cli.ts')]).status ===
    0;
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, returns: 40, seed: 3 });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
});

/** Every path under `dir` with its permission bits, e.g. { 'logs/returndesk.log': 0o600 }. */
function modesUnder(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': lstatSync(dir).mode & 0o777 };
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = lstatSync(full);
      out[relative(dir, full)] = stat.mode & 0o777;
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

/** Runs web mode under umask 022 (the usual default) in `dataDir`, syncs, caches a photo, then stops it. */
async function runOnce(dataDir: string): Promise<void> {
  const previous = process.umask(0o022);
  try {
    const web = await startWebProcess({ RETURNDESK_API_KEY: sandbox.apiKey, RETURNDESK_BASE_URL: sandbox.url }, dataDir, { standInRenderer: true });
    try {
      const bridge = await openBridge(web.url);
      await expect
        .poll(
          async () =>
            ((await bridge.call<{ rows: InboxRow[] }>('returns.list', { filter: {}, offset: 0, limit: 100 })) as { value?: { rows: InboxRow[] } }).value?.rows
              .length ?? 0,
          { timeout: 30_000 },
        )
        .toBeGreaterThan(0);
      const rows = ((await bridge.call<{ rows: InboxRow[] }>('returns.list', { filter: {}, offset: 0, limit: 100 })) as { value: { rows: InboxRow[] } }).value
        .rows;
      const withPhoto = rows.find((r) => r.photoCount > 0)!;
      const photos = (await bridge.call<{ items: ItemPhotos[] }>('photos.list', { returnId: withPhoto.returnId })) as {
        ok: true;
        value: { items: ItemPhotos[] };
      };
      const item = photos.value.items.find((i) => i.photos.length > 0)!;
      const fetched = await bridge.call('photos.fetch', {
        returnId: withPhoto.returnId,
        itemId: item.returnItemId,
        imageHash: item.photos[0]!.imageHash,
        kind: 'thumb',
      });
      expect(fetched.ok, JSON.stringify(fetched)).toBe(true);
      await bridge.call('settings.set', { operatorName: 'Ирина' });
      // While it runs the WAL and the shared memory index hold recent returns too.
      for (const file of ['returndesk.sqlite-wal', 'returndesk.sqlite-shm'])
        expect((lstatSync(join(dataDir, file)).mode & 0o777).toString(8), file).toBe('600');
      bridge.close();
    } finally {
      await web.stop();
    }
  } finally {
    process.umask(previous);
  }
}

function expectPrivate(dataDir: string): void {
  const modes = modesUnder(dataDir);
  expect(Object.keys(modes)).toEqual(expect.arrayContaining(['returndesk.sqlite', join('logs', 'returndesk.log'), 'settings.json', join('cache', 'photos')]));
  const loose = Object.entries(modes)
    .filter(([, mode]) => (mode & 0o077) !== 0)
    .map(([path, mode]) => `${path} ${mode.toString(8)}`);
  expect(loose).toEqual([]);
  expect(modes['.']).toBe(0o700);
}

describe.skipIf(!isPosix)('the data folder is private to its owner', () => {
  it('a new data folder is 0700 and everything in it 0600/0700, under umask 022', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'rd-perm-new-')), 'ReturnDesk');
    await runOnce(dataDir);
    expectPrivate(dataDir);
  }, 120_000);

  it('a folder an older version left world-readable is tightened at start', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'rd-perm-old-'));
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'ReturnDesk');
    mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o755 });
    mkdirSync(join(dataDir, 'cache', 'photos', 'ab'), { recursive: true, mode: 0o755 });
    for (const file of ['returndesk.sqlite', join('logs', 'returndesk.log.1'), join('cache', 'photos', 'ab', 'cd')])
      writeFileSync(join(dataDir, file), '', { mode: 0o644 });
    for (const dir of [dataDir, join(dataDir, 'logs'), join(dataDir, 'cache'), join(dataDir, 'cache', 'photos'), join(dataDir, 'cache', 'photos', 'ab')])
      chmodSync(dir, 0o755);
    chmodSync(join(dataDir, 'returndesk.sqlite'), 0o644);
    await runOnce(dataDir);
    expectPrivate(dataDir);
    expect(modesUnder(dataDir)[join('logs', 'returndesk.log.1')]).toBe(0o600);

    if (asRoot) {
      // A real other user: nobody can neither list the folder nor read the database.
      const nobody = (command: string[]): number | null => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...command]).status;
      expect(nobody(['ls', parent])).toBe(0); // the parent is open: the check below is about our folder
      expect(nobody(['ls', dataDir])).not.toBe(0);
      expect(nobody(['cat', join(dataDir, 'returndesk.sqlite')])).not.toBe(0);
    }
  }, 120_000);
});

// A data folder that cannot be used (a file in its path, a folder of another user, a pseudo file system) is said in
// one line that names the path and what to do, before any log or database opens there; nothing is created or changed.
describe('an unusable data folder is one clear message', () => {
  const cli = (dataDir: string, prefix: string[] = []): { status: number | null; stderr: string; stdout: string } => {
    const run = spawnSync(
      prefix[0] ?? process.execPath,
      [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), join(import.meta.dirname, '..', '..', 'main', 'cli.ts'), 'list', '--awaiting'],
      {
        env: { ...process.env, RETURNDESK_DATA_DIR: dataDir, RETURNDESK_LOG_LEVEL: '' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  };
  const expectOneLine = (stderr: string, says: RegExp): void => {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(says);
    expect(lines[0]).toMatch(/Point RETURNDESK_DATA_DIR at a folder you can write to/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+|ENOTDIR|EACCES|ENOENT/);
  };

  it('a file where a folder of the path should be: the file is named, and left as it was', () => {
    const parent = mkdtempSync(join(tmpdir(), 'rd-unusable-'));
    const file = join(parent, 'not-a-folder');
    writeFileSync(file, 'kept');
    const run = cli(join(file, 'ReturnDesk'));
    expect(run.status).toBe(1);
    expectOneLine(run.stderr, new RegExp(`the data folder .*ReturnDesk cannot be used: ${file} is a file, not a folder`));
    expect(readdirSync(parent)).toEqual(['not-a-folder']);
  });

  it.runIf(process.platform === 'linux')('a folder under /proc: said at once (recursive mkdir there never returns)', () => {
    const run = cli('/proc/returndesk-data');
    expect(run.status).toBe(1); // null would be the 60-second timeout
    expectOneLine(run.stderr, /the data folder \/proc\/returndesk-data cannot be used: a folder cannot be created at \/proc\/returndesk-data/);
  });

  it.runIf(nobodyReadsCheckout)('a folder only another user may enter: permission named, for the operator who runs it', () => {
    const parent = mkdtempSync(join(tmpdir(), 'rd-unusable-'));
    chmodSync(parent, 0o700);
    const run = cli(join(parent, 'ReturnDesk'), ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    expect(run.status).toBe(1);
    expectOneLine(run.stderr, new RegExp(`cannot be used: permission to reach ${parent}/ReturnDesk is refused`));
    expect(readdirSync(parent)).toEqual([]);
  });

  it('web mode says the same and exits', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'rd-unusable-'));
    writeFileSync(join(parent, 'file'), '');
    await expect(startWebProcess({}, join(parent, 'file', 'ReturnDesk'))).rejects.toThrow(
      /web mode exited with 1:[\s\S]*could not start: the data folder \S+ cannot be used: \S+file is a file, not a folder/,
    );
  }, 90_000);
});
