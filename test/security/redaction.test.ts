// A server that echoes the API key encoded (base64, base64url, hex, URL-encoded) in its error text:
// none of those forms may reach the CLI's stdout and stderr, the CLI log, or the outbox's stored
// server message and audit (the SQLite file and its WAL). The sandbox's echo-key fault plays that server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAdmin } from '../../sandbox/admin-client.ts';
import { echoedKeyMessage } from '../../sandbox/faults.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { runCli } from '../helpers/cli-process.ts';

const KEY = `RD-ECHO:${randomBytes(12).toString('hex')}`;
/** Every form the echo carries, long enough to be unmistakable (the middle of each, so edge characters do not matter). */
const NEEDLES: Array<[string, string]> = [
  ['raw', KEY],
  ['base64', Buffer.from(KEY).toString('base64').slice(2, -4)],
  ['base64url in a header', Buffer.from(`Api-Key ${KEY}`).toString('base64url').slice(12, -4)],
  ['hex', Buffer.from(KEY).toString('hex').slice(2, -2)],
  ['HEX', Buffer.from(KEY).toString('hex').toUpperCase().slice(2, -2)],
  ['url-encoded', encodeURIComponent(KEY).slice(2, -2)],
];
let sandbox: RunningSandbox;
let dataDir: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

async function cli(args: string[]): Promise<string> {
  const run = await runCli(args, { RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: KEY, RETURNDESK_BASE_URL: sandbox.url });
  return run.stdout + run.stderr;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, apiKey: KEY, returns: 30, seed: 9 });
  dataDir = mkdtempSync(join(tmpdir(), 'rd-echo-'));
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a server echoing the key, encoded', () => {
  it('the echo carries every form (the check below can fail)', () => {
    const echo = echoedKeyMessage(KEY);
    for (const [what, needle] of NEEDLES.slice(1)) expect(echo, what).toContain(needle);
  });

  it('reaches no output, log, stored server message or audit', async () => {
    const admin = sandboxAdmin(sandbox.url);
    const outputs: Array<[string, string]> = [['sync', await cli(['sync', '--once'])]];

    // A decision the Market refuses with the echo: its words are stored with the failed entry.
    const db = new DatabaseSync(join(dataDir, 'returndesk.sqlite'), { readOnly: true });
    const target = db
      .prepare(
        "SELECT r.id AS returnId, i.return_item_id AS itemId FROM returns r JOIN return_items i ON i.return_id = r.id WHERE r.refund_status IN ('PREMODERATION_DECISION_WAITING', 'WAITING_FOR_DECISION') AND i.return_item_id IS NOT NULL AND r.item_count = 1 LIMIT 1",
      )
      .get() as { returnId: number; itemId: number };
    db.close();
    expect(target).toBeDefined();
    outputs.push(['decide', await cli(['decide', '--return', String(target.returnId), '--item', String(target.itemId), '--type', 'REFUND_MONEY'])]);
    await admin.setFaults({ type: 'echo-key', path: 'decision/submit$', count: 1, status: 400 });
    outputs.push(['drain', await cli(['outbox', 'drain', '--timeout', '30'])]);
    outputs.push(['outbox list', await cli(['outbox', 'list'])]);
    expect(outputs.at(-1)![1]).toMatch(/failed/);

    // A sync whose every call fails with the echo: the errors are printed and logged.
    await admin.setFaults({ type: 'echo-key', path: 'campaigns', status: 500 });
    outputs.push(['sync under the echo', await cli(['sync', '--once'])]);
    expect(outputs.at(-1)![1], JSON.stringify(outputs, null, 1)).toMatch(/Request rejected/);
    await admin.clearFaults();

    const hits: string[] = [];
    for (const [what, text] of outputs) for (const [form, needle] of NEEDLES) if (text.includes(needle)) hits.push(`${what} (${form})`);
    const files = filesUnder(dataDir);
    expect(files.map((f) => relative(dataDir, f))).toEqual(expect.arrayContaining(['returndesk.sqlite', join('logs', 'returndesk-cli.log')]));
    for (const file of files) {
      const content = readFileSync(file);
      for (const [form, needle] of NEEDLES) if (content.includes(Buffer.from(needle))) hits.push(`${relative(dataDir, file)} (${form})`);
    }
    expect(hits).toEqual([]);
    // The refusal itself is kept, with the key's forms taken out.
    const stored = new DatabaseSync(join(dataDir, 'returndesk.sqlite'), { readOnly: true });
    const message = (stored.prepare('SELECT server_message FROM outbox WHERE return_id = ?').get(target.returnId) as { server_message: string }).server_message;
    stored.close();
    expect(message).toMatch(/Request rejected.*\[redacted\]/);
  }, 120_000);
});
