/** Generators of hostile inputs: damaged images, bombs, stalls, non-media bytes (tests only). */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { shapesSvg } from './images.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid-looking PNG that declares width x height RGB pixels but carries a few bytes of data. */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1 << 16))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes the hostile corpus into `dir`; returns file paths by name. */
export async function writeHostileCorpus(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const put = (name: string, data: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    files[name] = p;
  };
  const svg = Buffer.from(shapesSvg(640, 480, 11));
  const encoded: Record<string, Buffer> = {
    jpg: await sharp(svg).jpeg().toBuffer(),
    png: await sharp(svg).png().toBuffer(),
    gif: await sharp(svg).gif().toBuffer(),
    webp: await sharp(svg).webp().toBuffer(),
    tiff: await sharp(svg).tiff({ compression: 'lzw' }).toBuffer(),
    avif: await sharp(svg).avif().toBuffer(),
  };
  for (const [ext, buf] of Object.entries(encoded)) {
    put(`truncated.${ext}`, buf.subarray(0, Math.floor(buf.length / 2)));
    // Damage just past the signature, where the structure (headers, tables, boxes) lives.
    const corrupt = Buffer.from(buf);
    for (let i = 12; i < Math.min(corrupt.length, 2000); i++) corrupt[i] = (i * 131) & 255;
    put(`corrupt.${ext}`, corrupt);
  }
  // HEIC (HEVC) cannot be encoded here; a HEIC container whose payload is garbage exercises the same path.
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  put('corrupt.heic', Buffer.concat([ftyp, Buffer.from([0, 0, 1, 0]), Buffer.from('meta'), Buffer.alloc(256, 7)]));
  put('truncated.heic', ftyp.subarray(0, 20));
  put('empty.jpg', new Uint8Array(0));
  put('bomb-100000x100000.png', pngDeclaring(100_000, 100_000));
  put('not-media.jpg', Buffer.from('This is a text file pretending to be a JPEG by its name.\n'.repeat(200)));
  put('random-bytes.mp4', Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24));
  return files;
}

/** A long, detailed full-HD video: decoding every frame takes far longer than a short time limit. */
export function writeSlowVideo(dir: string, seconds = 15): string {
  const p = join(dir, 'slow.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '40', p]);
  return p;
}
