// Content fingerprint for duplicate detection: sha256 of the first and last MiB plus the size,
// so a copy at another path is recognised without reading whole multi-GB files.
import fs from 'node:fs/promises';
import { createHash } from 'node:crypto';

const CHUNK = 1024 * 1024;

export async function partialHash(absPath: string, sizeBytes: number): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`size:${sizeBytes}\n`);
  const fh = await fs.open(absPath, 'r');
  try {
    const ranges =
      sizeBytes <= 2 * CHUNK
        ? [[0, sizeBytes]]
        : [
            [0, CHUNK],
            [sizeBytes - CHUNK, CHUNK],
          ];
    const buf = Buffer.alloc(Math.min(sizeBytes, 2 * CHUNK));
    for (const [start, length] of ranges as [number, number][]) {
      let off = 0;
      // read() may return fewer bytes than asked; loop until the range is in or the file ends.
      while (off < length) {
        const { bytesRead } = await fh.read(buf, off, length - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      hash.update(buf.subarray(0, off));
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}
