/**
 * The baseline of shared/data/README.md, re-implemented: the UTC hour-of-day histogram of a window is fitted against
 * one fixed working-day profile by maximum likelihood over whole-hour offsets. No learning, no weekday/weekend split,
 * no half-hour offsets, and its "distribution" is the normalised likelihood under a flat prior.
 */

// Relative activity per local hour for someone who works office hours: asleep at night, ramping up in the morning,
// a lunch dip, tailing off in the evening. Written by hand, never fitted.
const WORKING_DAY = [
  0.5,0.3,0.2,0.1,0.1,0.1,0.2,0.5,1.5,3,4,4,3.5,4,4,4,3.5,3,2.5,2.5,2.5,2.3,1.8,1,
];

const LOG_PROFILE = (() => {
  const sum = WORKING_DAY.reduce((a, b) => a + b, 0);
  return WORKING_DAY.map((v) => Math.log(v / sum));
})();

export const BASELINE_OFFSETS = Array.from({ length: 27 }, (_, i) => (i - 12) * 60);

/** Posterior over whole-hour offsets (minutes), flat prior. */
export function baselinePosterior(times: readonly number[]): Map<number, number> {
  const hist = new Array<number>(24).fill(0);
  for (const t of times) hist[Math.floor(t / 3600) % 24]! += 1;
  const logL = BASELINE_OFFSETS.map((offset) => {
    const shift = offset / 60;
    let s = 0;
    for (let h = 0; h < 24; h++) {
      if (hist[h] === 0) continue;
      s += hist[h]! * LOG_PROFILE[(((h + shift) % 24) + 24) % 24]!;
    }
    return s;
  });
  const max = Math.max(...logL);
  const w = logL.map((l) => Math.exp(l - max));
  const total = w.reduce((a, b) => a + b, 0);
  return new Map(BASELINE_OFFSETS.map((o, i) => [o, w[i]! / total]));
}
