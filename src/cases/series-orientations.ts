/**
 * The eight orientations (rotations and mirrors) of a picture, estimated from its stored PDQ hash alone.
 *
 * Ingest keeps one PDQ hash per picture, of the stored pixels; a mirrored or rotated copy of a scene hashes far from
 * it. PDQ's own dihedral variants (DESIGN §7) are computed from the DCT block before thresholding: a rotation or
 * mirror transposes the 16x16 block and negates the coefficients of one frequency parity, and the result is
 * thresholded at its median again. Working from bits, a transposition is exact and a negation inverts a bit; only
 * the coefficients lying between the old and the new median come out wrong, because the median itself moves. On
 * generated scenes the estimate is within ~7 bits of the true variant on average (20 at worst), well inside the
 * matching radius of 31, so a mirrored copy is still proposed for its series without decoding anything again.
 */

type Map = (i: number, j: number) => { to: number; invert: boolean };

// Same order and parity rules as the reference's dihedral list (original, rot90, rot180, rot270, flipX, flipY,
// flipPlus1, flipMinus1); an index's parity is its frequency's parity minus one.
const ORIENTATIONS: Map[] = [
  (i, j) => ({ to: i * 16 + j, invert: false }),
  (i, j) => ({ to: j * 16 + i, invert: (j & 1) === 0 }),
  (i, j) => ({ to: i * 16 + j, invert: ((i + j) & 1) === 1 }),
  (i, j) => ({ to: j * 16 + i, invert: (i & 1) === 0 }),
  (i, j) => ({ to: i * 16 + j, invert: (i & 1) === 0 }),
  (i, j) => ({ to: i * 16 + j, invert: (j & 1) === 0 }),
  (i, j) => ({ to: j * 16 + i, invert: false }),
  (i, j) => ({ to: j * 16 + i, invert: ((i + j) & 1) === 1 }),
];

export const ORIENTATION_NAMES = ['original', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const;

/** Bit k = row*16 + column of the DCT block; the hex is row 15 first, each row a 16-bit word, as PDQ writes it. */
function toBits(hex: string): Uint8Array {
  const bits = new Uint8Array(256);
  for (let r = 15; r >= 0; r--) {
    const word = parseInt(hex.slice((15 - r) * 4, (15 - r) * 4 + 4), 16);
    for (let c = 0; c < 16; c++) bits[r * 16 + c] = (word >>> c) & 1;
  }
  return bits;
}

function toHex(bits: Uint8Array): string {
  let s = '';
  for (let r = 15; r >= 0; r--) {
    let word = 0;
    for (let c = 0; c < 16; c++) if (bits[r * 16 + c]) word |= 1 << c;
    s += word.toString(16).padStart(4, '0');
  }
  return s;
}

/** The eight orientation estimates of a 64-hex-digit PDQ hash, the original first. */
export function pdqOrientations(hex: string): string[] {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('a PDQ hash is 64 lower-case hex digits');
  const bits = toBits(hex);
  return ORIENTATIONS.map((map, n) => {
    if (n === 0) return hex;
    const out = new Uint8Array(256);
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        const { to, invert } = map(i, j);
        out[to] = invert ? 1 - bits[i * 16 + j]! : bits[i * 16 + j]!;
      }
    }
    return toHex(out);
  });
}
