/**
 * The log file's writer, run on pino's worker thread: appends each line and rotates past a size to
 * file.1 … file.N (the oldest dropped), so the main thread never waits on the disk.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

export interface RotatingFileOptions {
  file: string;
  maxBytes: number;
  generations: number;
}

export default function rotatingFile({ file, maxBytes, generations }: RotatingFileOptions): Writable {
  // Logs name returns and stores: readable by the owner only, like the rest of the data folder.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Counted here instead of a stat per line; read once so a restart continues the current generation.
  let size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const rotate = (): void => {
    for (let g = Math.max(1, generations) - 1; g >= 1; g--) {
      try {
        renameSync(`${file}.${g}`, `${file}.${g + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(file, `${file}.1`);
  };
  const append = (line: string): void => {
    try {
      if (size > maxBytes) {
        rotate();
        size = 0;
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      // A full disk or a vanished folder loses this line, not the process; the next line tries again.
      size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  // The worker receives lines in batches: rotation is decided line by line, as before the batch.
  let partial = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const lines = (partial + String(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) append(`${line}\n`);
      done();
    },
    final(done) {
      if (partial) append(`${partial}\n`);
      partial = '';
      done();
    },
  });
}
