// Loaded into a host process with NODE_OPTIONS=--import (before the host's own code; it changes no V8 setting):
// on SIGUSR2 the main thread makes garbage with survivors over many turns of the event loop, as a sync decoding
// pages does, and writes the largest new space (bytes) it saw to YOUNG_PROBE_OUT.
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

const out = process.env.YOUNG_PROBE_OUT;
if (isMainThread && out) {
  const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  process.on('SIGUSR2', async () => {
    const kept = [];
    let largest = newSpace();
    for (let turn = 0; turn < 300; turn++) {
      for (let i = 0; i < 10_000; i++) {
        const row = { id: i, text: `return ${i}`, items: [i, i + 1] };
        if (i % 3 === 0) kept.push(row);
      }
      if (kept.length > 200_000) kept.length = 0;
      largest = Math.max(largest, newSpace());
      await new Promise((resolve) => setImmediate(resolve));
    }
    writeFileSync(out, String(largest));
  });
}
