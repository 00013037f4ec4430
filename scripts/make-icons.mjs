// Draws the extension's icons (a dark rounded square with a white "P" and a badge
// dot) as PNGs into extension/icons/. Run once; the PNGs are committed.
import fs from 'node:fs';
import zlib from 'node:zlib';

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x / size, y / size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const inRoundRect = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), 1 - r), cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
// A "P": a stem and a bowl.
const inP = (x, y) => {
  const stem = x >= 0.28 && x <= 0.4 && y >= 0.22 && y <= 0.8;
  const dx = x - 0.46, dy = y - 0.39, d = Math.sqrt(dx * dx + dy * dy);
  const bowl = x >= 0.34 && d <= 0.19 && d >= 0.08;
  const bar = x >= 0.34 && x <= 0.46 && ((y >= 0.2 && y <= 0.31) || (y >= 0.47 && y <= 0.58));
  return stem || bowl || bar;
};
const inDot = (x, y) => (x - 0.74) ** 2 + (y - 0.72) ** 2 <= 0.11 ** 2;

for (const size of [16, 32, 48, 128]) {
  const img = png(size, (x, y) => {
    if (!inRoundRect(x, y, 0.2)) return [0, 0, 0, 0];
    if (inDot(x, y)) return [0x2e, 0xc4, 0x7a, 255];
    if (inP(x, y)) return [255, 255, 255, 255];
    return [0x0a, 0x3d, 0x62, 255];
  });
  fs.writeFileSync(new URL(`../extension/icons/icon-${size}.png`, import.meta.url), img);
}
console.log('icons written');
