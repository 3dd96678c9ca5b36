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

/**
 * Each orientation as (which bits to invert, by source position, then whether to transpose), in the reference's order
 * (original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1); an index's parity is its frequency's parity
 * minus one. Inversion masks are per row: `even` applies to rows with an even index, `odd` to the others.
 */
const ORIENTATIONS: { even: number; odd: number; transpose: boolean }[] = [
  { even: 0x0000, odd: 0x0000, transpose: false },
  { even: 0x5555, odd: 0x5555, transpose: true }, // invert where the column is even
  { even: 0xaaaa, odd: 0x5555, transpose: false }, // invert where row + column is odd
  { even: 0xffff, odd: 0x0000, transpose: true }, // invert where the row is even
  { even: 0xffff, odd: 0x0000, transpose: false },
  { even: 0x5555, odd: 0x5555, transpose: false },
  { even: 0x0000, odd: 0x0000, transpose: true },
  { even: 0xaaaa, odd: 0x5555, transpose: true },
];

export const ORIENTATION_NAMES = ['original', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const;

/** Row r of the DCT block as a 16-bit word (bit c = column c); the hex is row 15 first, as PDQ writes it. */
function toRows(hex: string): Uint16Array {
  const rows = new Uint16Array(16);
  for (let r = 15; r >= 0; r--) rows[r] = parseInt(hex.slice((15 - r) * 4, (15 - r) * 4 + 4), 16);
  return rows;
}

function toHex(rows: Uint16Array): string {
  let s = '';
  for (let r = 15; r >= 0; r--) s += rows[r]!.toString(16).padStart(4, '0');
  return s;
}

function transpose(rows: Uint16Array): Uint16Array {
  const out = new Uint16Array(16);
  for (let i = 0; i < 16; i++) {
    const row = rows[i]!;
    for (let j = 0; j < 16; j++) if ((row >>> j) & 1) out[j]! |= 1 << i;
  }
  return out;
}

/** The eight orientation estimates of a 64-hex-digit PDQ hash, the original first. */
export function pdqOrientations(hex: string): string[] {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('a PDQ hash is 64 lower-case hex digits');
  const rows = toRows(hex);
  return ORIENTATIONS.map((o, n) => {
    if (n === 0) return hex;
    const inverted = rows.map((w, i) => w ^ (i & 1 ? o.odd : o.even));
    return toHex(o.transpose ? transpose(inverted) : inverted);
  });
}
