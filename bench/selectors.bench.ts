/**
 * npm run bench:selectors — selector extraction over 100 000 short synthetic posts, the size of the post import
 * of issue 7, whose budget is one minute for the whole import. Printed next to two reference points: that budget,
 * and libphonenumber-js's own findPhoneNumbersInText run over the same posts (one selector type only).
 *
 *   npm run bench:selectors [-- --posts 100000]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import { base58CheckEncode } from '../src/intel/selectors/base58.js';
import { segwitEncode } from '../src/intel/selectors/bech32.js';
import { toEip55 } from '../src/intel/selectors/eth.js';
import { extractSelectors } from '../src/intel/selectors/extract.js';
import { onionV3Address } from '../src/intel/selectors/onion.js';

const { values: args } = parseArgs({ options: { posts: { type: 'string', default: '100000' } } });
const N = Number(args.posts);

let seed = 0;
const rand = (): number => {
  const h = createHash('sha256').update(String(seed++)).digest();
  return h.readUInt32BE(0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const bytes = (n: number): Uint8Array => createHash('sha512').update(String(seed++)).digest().subarray(0, n);

const WORDS = ('the a new drop tonight price ok thanks anyone have link mirror down again check my post last week ' +
  'please send contact me later update version build release meeting date vendor market admin rules forum thread ' +
  'reply quote pm dm escrow shipping fast trusted scam warning banned moderator welcome hello').split(' ');
const PARTS = [
  () => `@user_${Math.floor(rand() * 5000)} on telegram`,
  () => `mail seller${Math.floor(rand() * 900)}@example.com`,
  () => `call +351 91${Math.floor(1000000 + rand() * 8999999)}`,
  () => `see https://forum.example.org/t/${Math.floor(rand() * 1e6)}`,
  () => `mirror http://${onionV3Address(bytes(32))}/`,
  () => `btc ${base58CheckEncode(Uint8Array.of(0, ...bytes(20)))}`,
  () => `btc ${segwitEncode('bc', 0, bytes(20))}`,
  () => `eth ${toEip55(Buffer.from(bytes(20)).toString('hex'))}`,
  () => `from 203.0.113.${Math.floor(rand() * 255)}`,
  () => `version 1.${Math.floor(rand() * 20)}.3.4`,
  () => `on 2024-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
  () => `t.me/chan_${Math.floor(rand() * 1000)}`,
];

function post(): string {
  const words: string[] = [];
  const n = 8 + Math.floor(rand() * 25);
  for (let i = 0; i < n; i++) words.push(rand() < 0.06 ? pick(PARTS)() : pick(WORDS));
  return words.join(' ');
}

const posts = Array.from({ length: N }, post);
const chars = posts.reduce((s, p) => s + p.length, 0);

// Warm up the JIT and libphonenumber's metadata once.
for (let i = 0; i < 500; i++) extractSelectors(posts[i]!, { defaultRegion: 'PT', defaultPlatform: 'forum' });

let t0 = performance.now();
let found = 0;
for (const p of posts) found += extractSelectors(p, { defaultRegion: 'PT', defaultPlatform: 'forum' }).length;
const ours = (performance.now() - t0) / 1000;

t0 = performance.now();
let phones = 0;
for (const p of posts) phones += findPhoneNumbersInText(p, 'PT').length;
const phoneOnly = (performance.now() - t0) / 1000;

const row = (label: string, seconds: number, extra: string): string =>
  `${label.padEnd(48)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(N / seconds).toLocaleString('en').padStart(10)} posts/s  ${extra}`;
console.log(`${N.toLocaleString('en')} posts, ${(chars / N).toFixed(0)} characters on average, one core`);
console.log(row('extractSelectors (all types, region PT)', ours, `${found.toLocaleString('en')} selectors`));
console.log(row('baseline: issue 7 budget for the whole import', 60, ''));
console.log(row('reference: libphonenumber findPhoneNumbersInText', phoneOnly, `${phones.toLocaleString('en')} phones only`));
