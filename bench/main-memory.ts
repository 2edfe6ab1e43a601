// Main's memory after an ingest, quickly: the sandbox with N returns, web mode (`npm run web`, as the rendering
// section starts it) synced against it, then VmRSS and where it lies — no browser, no scrolling.
// Run: ./node_modules/.bin/node bench/main-memory.ts [--returns 10000] [--detail] [--env NAME=VALUE …]
// --checkout DIR runs another checkout's web mode (A/B against a commit). --detail starts web mode with --inspect and reads V8's heap and process.memoryUsage() from inside (the inspector
// costs a few MiB of its own: compare VmRSS without it). --env sets variables of web mode's process (A/B runs).
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import type { ChildProcess } from 'node:child_process';
import { storePath } from '../main/store/store.ts';
import { npmRunWeb } from '../scripts/web.js';
import { startAndRead } from './rendering.ts';

const MiB = 1024 * 1024;
const mib = (bytes: number): string => (bytes / MiB).toFixed(1);

/** /proc/<pid>/status's memory lines, in bytes. */
function statusOf(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(Vm\w+|Rss\w+|Threads):\s+(\d+)(?: kB)?$/gm))
    out[m[1]!] = m[1] === 'Threads' ? Number(m[2]) : Number(m[2]) * 1024;
  return out;
}

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
  rss: number;
  anon: number;
}

function mappingsOf(pid: number): Mapping[] {
  const maps: Mapping[] = [];
  let current: Mapping | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      current = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3]!, path: head[4] ?? '', rss: 0, anon: 0 };
      maps.push(current);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field && current) current[field[1] === 'Rss' ? 'rss' : 'anon'] = Number(field[2]) * 1024;
  }
  return maps;
}

/**
 * Where the resident memory lies. glibc's non-main malloc arenas are anonymous heaps of 64 MiB (HEAP_MAX_SIZE),
 * aligned to 64 MiB, each an rw part followed by its ---p reserve; the main arena is [heap].
 */
function breakdown(pid: number): Record<string, string> {
  const maps = mappingsOf(pid);
  const ARENA = 64n * BigInt(MiB);
  let arenas = 0;
  let arenaRss = 0;
  let otherAnon = 0;
  let bigAnon = 0;
  const files = new Map<string, number>();
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i]!;
    if (m.path.startsWith('/')) {
      const name = m.path.split('/').slice(-1)[0]!;
      files.set(name, (files.get(name) ?? 0) + m.rss);
      continue;
    }
    if (m.path !== '') continue;
    const next = maps[i + 1];
    const arenaStart = m.start % ARENA === 0n && m.perms.startsWith('rw');
    const arenaWhole = next && next.start === m.end && next.perms.startsWith('---') && next.end - m.start === ARENA;
    if (arenaStart && (arenaWhole || m.end - m.start === ARENA)) {
      arenas++;
      arenaRss += m.rss;
    } else if (m.rss >= 8 * MiB) bigAnon += m.rss;
    else otherAnon += m.rss;
  }
  if (process.env.BENCH_MAPS) {
    const anon = maps.filter((m) => m.path === '' && m.rss > 0);
    const bySize = new Map<string, { n: number; rss: number }>();
    for (const m of anon) {
      const size = Number(m.end - m.start) / 1024;
      const key = size <= 256 ? `${size} KiB` : size < 1024 ? '<1 MiB' : size < 8192 ? '1–8 MiB' : size < 65536 ? '8–64 MiB' : '≥64 MiB';
      const b = bySize.get(key) ?? { n: 0, rss: 0 };
      b.n++;
      b.rss += m.rss;
      bySize.set(key, b);
    }
    for (const [k, b] of [...bySize.entries()].sort((x, y) => y[1].rss - x[1].rss).slice(0, 12))
      console.log(`    anon ${k.padEnd(10)} ×${String(b.n).padStart(4)} ${mib(b.rss)} MiB`);
  }
  const heap = maps.filter((m) => m.path === '[heap]').reduce((n, m) => n + m.rss, 0);
  const stacks = maps.filter((m) => m.path.startsWith('[stack')).reduce((n, m) => n + m.rss, 0);
  const topFiles = [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
  const fileTotal = [...files.values()].reduce((n, v) => n + v, 0);
  return {
    '[heap] (main arena, brk)': mib(heap),
    [`glibc arenas (${arenas} × 64 MiB heaps)`]: mib(arenaRss),
    'other anonymous ≥ 8 MiB mappings': mib(bigAnon),
    'other anonymous (small mappings)': mib(otherAnon),
    stacks: mib(stacks),
    'file-backed, total': mib(fileTotal),
    ...Object.fromEntries(topFiles.map(([name, rss]) => [`  file ${name}`, mib(rss)])),
  };
}

function threadsOf(pid: number): string {
  const names = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    names.set(comm, (names.get(comm) ?? 0) + 1);
  }
  return [...names.entries()].map(([n, c]) => (c > 1 ? `${n}×${c}` : n)).join(', ');
}

/** Sends one inspector command and waits for its answer. */
async function inspectorCall(inspectorUrl: string, method: string, params: object = {}): Promise<void> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const done = new Promise<void>((resolve) => {
    socket.onmessage = (event) => {
      if ((JSON.parse(String(event.data)) as { id?: number }).id === 1) resolve();
    };
  });
  socket.send(JSON.stringify({ id: 1, method, params }));
  await done;
  socket.close();
}

/** Writes a heap snapshot of web mode's main thread to `file` through the inspector. */
async function snapshot(inspectorUrl: string, file: string): Promise<void> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const chunks: string[] = [];
  const done = new Promise<void>((resolve) => {
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; method?: string; params?: { chunk: string } };
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(message.params!.chunk);
      if (message.id === 1) resolve();
    };
  });
  socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.takeHeapSnapshot', params: { reportProgress: false } }));
  await done;
  socket.close();
  writeFileSync(file, chunks.join(''));
}

/** Evaluates `expression` in web mode's main thread through the inspector (node --inspect). */
async function evaluate(inspectorUrl: string, expression: string): Promise<unknown> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const answer = new Promise<unknown>((resolve, reject) => {
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: { result?: { value?: unknown }; exceptionDetails?: unknown } };
      if (message.id !== 1) return;
      if (message.result?.exceptionDetails) reject(new Error(JSON.stringify(message.result.exceptionDetails)));
      else resolve(message.result?.result?.value);
    };
  });
  socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true, awaitPromise: true } }));
  try {
    return await answer;
  } finally {
    socket.close();
  }
}

const INSIDE = `(async () => {
  const v8 = process.getBuiltinModule('node:v8');
  const before = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  const h = v8.getHeapStatistics();
  return { memoryUsage: before, spaces, malloced: h.malloced_memory, peakMalloced: h.peak_malloced_memory, external: h.external_memory, contexts: h.number_of_native_contexts };
})()`;

export async function measureMainMemory(
  returns: number,
  options: { detail?: boolean; snapshot?: string; env?: Record<string, string>; nodeArgs?: string[]; log?: string; settleS?: number; checkout?: string } = {},
): Promise<number> {
  const apiKey = 'ACMA:bench-rendering-key-0001';
  const dataDir = mkdtempSync(join(tmpdir(), 'rd-bench-memory-'));
  const children: ChildProcess[] = [];
  try {
    const sandbox = await startAndRead(
      [join(import.meta.dirname, '..', 'sandbox', 'cli.ts'), '--port', '0', '--returns', String(returns), '--api-key', apiKey],
      {},
      /on (http:\/\/127\.0\.0\.1:\d+)/,
      120_000,
    );
    children.push(sandbox.child);
    const started = Date.now();
    const web = await startAndRead(
      [...(options.nodeArgs ?? []), ...(options.detail ? ['--inspect=127.0.0.1:0'] : []), ...npmRunWeb(options.checkout), '--port', '0'],
      { RETURNDESK_DATA_DIR: dataDir, RETURNDESK_API_KEY: apiKey, RETURNDESK_BASE_URL: sandbox.match[1], ...options.env },
      /Open: (\S+)/,
      120_000,
    );
    children.push(web.child);
    const pid = web.child.pid!;
    const inspectorUrl = /Debugger listening on (ws:\S+)/.exec(web.output())?.[1];
    // The event loop's delay in web mode from now to the end of the ingest (what the operator's page waits on).
    if (inspectorUrl)
      await evaluate(
        inspectorUrl,
        `globalThis.__benchLoop = process.getBuiltinModule('node:perf_hooks').monitorEventLoopDelay({ resolution: 10 }); globalThis.__benchLoop.enable(); 1`,
      );
    // Every store's back-fill done and the count still for 3 s (as bench/rendering.ts waits).
    let stored = 0;
    let peak = 0;
    for (let stable = 0; stable < 3 && Date.now() - started < 900_000;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      peak = Math.max(peak, statusOf(pid).VmRSS ?? 0);
      const db = new DatabaseSync(storePath(dataDir), { readOnly: true });
      try {
        const now = Number((db.prepare('SELECT COUNT(*) AS n FROM returns').get() as { n: number }).n);
        const pending = Number(
          (
            db.prepare('SELECT (SELECT COUNT(*) FROM sync_cursors WHERE backfill_done = 0) + (SELECT COUNT(*) = 0 FROM sync_cursors) AS n').get() as {
              n: number;
            }
          ).n,
        );
        stable = pending === 0 && now > 0 && now === stored ? stable + 1 : 0;
        stored = now;
      } catch {
        stable = 0; // the schema is not there yet
      } finally {
        db.close();
      }
    }
    if (options.settleS) {
      console.log(`right after the ingest: VmRSS ${mib(statusOf(pid).VmRSS!)} MiB; waiting ${options.settleS} s`);
      await new Promise((resolve) => setTimeout(resolve, options.settleS! * 1000));
    }
    const status = statusOf(pid);
    const cpu = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const cpuS = (Number(cpu[11]) + Number(cpu[12])) / 100;
    if (inspectorUrl) {
      const loop = (await evaluate(
        inspectorUrl,
        `(() => { const h = globalThis.__benchLoop; h.disable(); return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 }; })()`,
      )) as { p50: number; p99: number; max: number };
      console.log(`event-loop delay during the ingest: p50 ${loop.p50.toFixed(1)} ms, p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms`);
    }
    console.log(`web mode's CPU time ${cpuS.toFixed(1)} s`);
    console.log(`returns stored ${stored} in ${((Date.now() - started) / 1000).toFixed(0)} s; env ${JSON.stringify(options.env ?? {})}`);
    console.log(
      `VmRSS ${mib(status.VmRSS!)} MiB (peak seen ${mib(peak)}; VmHWM ${mib(status.VmHWM!)}), RssAnon ${mib(status.RssAnon!)}, RssFile ${mib(status.RssFile!)}, RssShmem ${mib(status.RssShmem!)}`,
    );
    console.log(`threads (${status.Threads}): ${threadsOf(pid)}`);
    for (const [name, value] of Object.entries(breakdown(pid))) console.log(`  ${name.padEnd(44)} ${value.padStart(7)} MiB`);
    if (options.detail) {
      const url = inspectorUrl;
      if (url) {
        const inside = (await evaluate(url, INSIDE)) as {
          memoryUsage: Record<string, number>;
          spaces: Record<string, { size: number; used: number }>;
          malloced: number;
          peakMalloced: number;
          contexts: number;
        };
        console.log(
          `  process.memoryUsage(): ${Object.entries(inside.memoryUsage)
            .map(([k, v]) => `${k} ${mib(v)}`)
            .join(', ')}`,
        );
        console.log(`  V8 malloced ${mib(inside.malloced)} (peak ${mib(inside.peakMalloced)}), native contexts ${inside.contexts}`);
        for (const [space, s] of Object.entries(inside.spaces))
          if (s.size > 0) console.log(`    ${space.padEnd(28)} size ${mib(s.size).padStart(6)}  used ${mib(s.used).padStart(6)}`);
        if (options.snapshot) await snapshot(url, options.snapshot);
        // What is left once V8 collects everything it can: the live heap, and what the process gives back.
        await inspectorCall(url, 'HeapProfiler.collectGarbage');
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const after = statusOf(pid);
        console.log(`after a full GC (inspector): VmRSS ${mib(after.VmRSS!)} MiB, RssAnon ${mib(after.RssAnon!)}`);
        for (const [name, value] of Object.entries(breakdown(pid))) console.log(`  ${name.padEnd(44)} ${value.padStart(7)} MiB`);
        const inside2 = (await evaluate(url, INSIDE)) as { memoryUsage: Record<string, number> };
        console.log(
          `  process.memoryUsage(): ${Object.entries(inside2.memoryUsage)
            .map(([k, v]) => `${k} ${mib(v)}`)
            .join(', ')}`,
        );
      }
    }
    if (options.log) writeFileSync(options.log, web.output());
    return status.VmRSS!;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      returns: { type: 'string', default: '10000' },
      detail: { type: 'boolean', default: false },
      snapshot: { type: 'string' },
      'node-arg': { type: 'string', multiple: true, default: [] },
      log: { type: 'string' },
      settle: { type: 'string' },
      checkout: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const env = Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  await measureMainMemory(Number(values.returns), {
    detail: values.detail || values.snapshot !== undefined,
    ...(values.snapshot ? { snapshot: values.snapshot } : {}),
    env,
    nodeArgs: values['node-arg'],
    ...(values.log ? { log: values.log } : {}),
    ...(values.settle ? { settleS: Number(values.settle) } : {}),
    ...(values.checkout ? { checkout: values.checkout } : {}),
  });
  process.exit(0);
}
