/**
 * Draws assets/icon.png (1024×1024): a rounded tile with a return arrow and a clock tick — the
 * app icon electron-builder turns into .ico/.icns. Run once after changing the design.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const size = 1024;
const pixels = Buffer.alloc(size * size * 4);

function crc32(buffer: Buffer): number {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const inRoundedRect = (x: number, y: number, margin: number, radius: number): boolean => {
  const lo = margin + radius;
  const hi = size - margin - radius;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= margin && y >= margin && x < size - margin && y < size - margin;
};

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const i = (y * size + x) * 4;
    if (!inRoundedRect(x, y, 64, 180)) continue;
    // Background: a vertical blue gradient.
    const t = y / size;
    let [r, g, b] = [Math.round(20 + 20 * t), Math.round(110 - 40 * t), Math.round(220 - 60 * t)];
    const dx = x - 512;
    const dy = y - 540;
    const d = Math.hypot(dx, dy);
    // A ring (the 48-hour clock) open at the top right, with an arrow head: "return".
    const angle = Math.atan2(dy, dx);
    const onRing = d > 250 && d < 320 && !(angle > -1.35 && angle < -0.35);
    const arrow = x > 600 && x < 790 && y > 170 && y < 360 && x - 600 + (y - 170) > 120 && x - 600 < 190 - (y - 170) + 190 && y - 170 < 190 - (x - 600) + 95;
    const hand = (Math.abs(dx) < 26 && dy < 0 && dy > -190) || (Math.abs(dy) < 26 && dx > 0 && dx < 150);
    if (onRing || arrow || hand || d < 40) [r, g, b] = [255, 255, 255];
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
    pixels[i + 3] = 255;
  }
}

const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.writeUInt8(8, 8); // bit depth
header.writeUInt8(6, 9); // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(join(import.meta.dirname, '..', 'assets', 'icon.png'), png);
process.stdout.write(`assets/icon.png: ${png.length} bytes\n`);
