// Web mode exactly as `npm run web` runs it, serving a one-page stand-in renderer: tests of the server
// and of the services behind it then need no `npm run build`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWebMode } from '../../main/web.ts';

const rendererDir = mkdtempSync(join(tmpdir(), 'returndesk-stand-in-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ReturnDesk</title>');
await runWebMode(process.argv.slice(2), rendererDir);
