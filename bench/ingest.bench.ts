/**
 * Ingest benchmark: `npm run bench:ingest` (20 000 files), `npm run bench:ingest -- --files 2000` for a quicker run.
 *
 * On a generated seized device (bench/ingest-device.ts), each part in its own process:
 *   limit   the machine's limit: read + md5/sha1/sha256 + decode (sharp to the working size; ffmpeg at 1 fps for video)
 *           of every file and nothing else, on the same workers;
 *   e2e     `tessera ingest` end to end into a fresh SQLite node: walk, digests, encryption, decode, PDQ/vPDQ, EXIF,
 *           thumbnails, database, near-duplicate index, hash-set matching, blob promotion;
 *   resume  the same ingest SIGKILLed half-way and run again: (time to the kill + resumed run) / uninterrupted - 1;
 *   noskip  (with --parts …,noskip) e2e with duplicate-skipping off, so every file is decoded as in the limit.
 * Figures per wall-clock second and per CPU second (CPU time of the process, its threads and its ffmpeg children):
 * the machine is shared, and CPU time is what a core costs. `--dir SUB` measures on one folder of the device only
 * (DCIM/100CANON holds the 12 MP photos, WhatsApp/Media/Images small JPEGs).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { ensureDevice } from './ingest-device.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const FILES = Number(arg('files', '20000'));
const WORKERS = Number(arg('workers', String(availableParallelism())));
const PARTS = arg('parts', 'limit,e2e,resume').split(',');
/** Measure on one folder of the device only (e.g. DCIM/100CANON: the 12 MP photos), to see where the gap is. */
const SUBDIR = arg('dir', '');
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Child {
  pid: number;
  started: Promise<number>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; result?: any; stderr: string }>;
  kill(): void;
}

function child(args: string[]): Child {
  const p = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'ingest-child.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onStart: (t: number) => void = () => {};
  const started = new Promise<number>((r) => (onStart = r));
  p.stdout.on('data', (d) => {
    out += d;
    const m = /STARTED (\d+)/.exec(out);
    if (m) onStart(Number(m[1]));
  });
  p.stderr.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; result?: any; stderr: string }>((resolve) =>
    p.on('close', (code, signal) => {
      const m = /RESULT (.*)/.exec(out);
      resolve({ code, signal, stderr: err, ...(m ? { result: JSON.parse(m[1]!) } : {}) });
    }),
  );
  return { pid: p.pid!, started, done, kill: () => p.kill('SIGKILL') };
}

/** CPU seconds a live process (threads and waited-for children) has used so far. */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) / 100;
}

function ledgerRows(dataDir: string): number {
  try {
    const db = new SQLite(path.join(dataDir, 'tessera.db'), { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    const n = (db.prepare('select count(*) as n from ingest_items').get() as { n: number }).n;
    db.close();
    return n;
  } catch {
    return 0;
  }
}

const runDir = (name: string) => path.join(tmpdir(), 'tessera-bench-ingest', `run-${name}-${process.pid}`);
const mb = (b: number) => b / 1e6;
const f1 = (n: number) => n.toFixed(1);

async function main(): Promise<void> {
  log(`generating (or reusing) a device of ${FILES} files …`);
  const t0 = Date.now();
  const device = await ensureDevice(FILES, log);
  const { manifest } = device;
  const root = SUBDIR ? path.join(device.root, SUBDIR) : device.root;
  if (SUBDIR) log(`measuring on ${SUBDIR} only`);
  log(`device: ${manifest.files} files, ${f1(mb(manifest.bytes))} MB (${JSON.stringify(manifest.kinds)}), ready in ${Math.round((Date.now() - t0) / 1000)} s`);
  const results: Record<string, any> = { files: manifest.files, bytes: manifest.bytes, workers: WORKERS, kinds: manifest.kinds, dir: SUBDIR || null };

  if (PARTS.includes('limit')) {
    log('limit: read + digests + decode only …');
    const r = await child(['limit', root, String(WORKERS)]).done;
    if (!r.result) throw new Error(`limit run failed: ${r.stderr}`);
    results.limit = r.result;
  }
  const e2e = async (name: string, extra: string[] = []) => {
    const dir = runDir(name);
    rmSync(dir, { recursive: true, force: true });
    const r = await child(['run', dir, root, String(WORKERS), ...extra]).done;
    rmSync(dir, { recursive: true, force: true });
    if (!r.result) throw new Error(`${name} run failed: ${r.stderr}`);
    return r.result;
  };
  if (PARTS.includes('e2e')) {
    log('e2e: tessera ingest end to end …');
    results.e2e = await e2e('e2e');
  }
  if (PARTS.includes('noskip')) {
    log('e2e without duplicate skipping …');
    results.noskip = await e2e('noskip', ['--no-skip']);
  }
  if (PARTS.includes('resume')) {
    const expected = results.e2e ? results.e2e.summary.filesSeen + results.e2e.summary.archives : results.limit ? results.limit.files : manifest.files;
    const dir = runDir('resume');
    rmSync(dir, { recursive: true, force: true });
    log(`resume: SIGKILL after ${Math.round(expected / 2)} of ${expected} files, then the same command again …`);
    const first = child(['run', dir, root, String(WORKERS)]);
    const started = await first.started;
    let exited = false;
    void first.done.then(() => (exited = true));
    while (!exited && ledgerRows(dir) < expected / 2) await new Promise((r) => setTimeout(r, 100));
    const cpuBefore = exited ? NaN : cpuOf(first.pid);
    const killedAt = Date.now();
    first.kill();
    await first.done;
    const recorded = ledgerRows(dir);
    const second = await child(['run', dir, root, String(WORKERS)]).done;
    rmSync(dir, { recursive: true, force: true });
    if (!second.result) throw new Error(`resumed run failed: ${second.stderr}`);
    results.resume = { killedAfter: (killedAt - started) / 1000, recordedAtKill: recorded, cpuBeforeKill: cpuBefore, resumed: second.result };
  }

  // ---- report ----
  const lines: string[] = [];
  const L = results.limit;
  const E = results.e2e;
  if (L) lines.push(`| limit: read + digests + decode | ${L.files} | ${f1(L.files / L.wall)} | ${f1(mb(L.bytes) / L.wall)} | ${f1(L.files / L.cpu)} | ${f1(L.wall)} s |`);
  for (const [name, label] of [['e2e', 'tessera ingest, end to end'], ['noskip', 'end to end, duplicates decoded too']] as const) {
    const R = results[name];
    if (R) lines.push(`| ${label} | ${R.summary.filesSeen} | ${f1(R.summary.filesSeen / R.wall)} | ${f1(mb(R.summary.bytes) / R.wall)} | ${f1(R.summary.filesSeen / R.cpu)} | ${f1(R.wall)} s |`);
  }
  process.stdout.write('\n| run | files | files/s (wall) | MB/s (wall) | files per CPU-second | wall |\n|---|---|---|---|---|---|\n');
  process.stdout.write(`${lines.join('\n')}\n\n`);
  if (L && E) {
    process.stdout.write(`end to end / limit: ${(100 * (E.summary.filesSeen / E.wall) / (L.files / L.wall)).toFixed(0)} % of the files/s (wall), ${(100 * (E.summary.filesSeen / E.cpu) / (L.files / L.cpu)).toFixed(0)} % per CPU-second (target >= 80 %)\n`);
    if (results.noskip) {
      const N = results.noskip;
      process.stdout.write(`without duplicate skipping: ${(100 * (N.summary.filesSeen / N.wall) / (L.files / L.wall)).toFixed(0)} % (wall), ${(100 * (N.summary.filesSeen / N.cpu) / (L.files / L.cpu)).toFixed(0)} % per CPU-second\n`);
    }
  }
  const split = (R: any, n: number) => {
    const t = R.threadCpu as Record<string, number> | undefined;
    if (!t) return '';
    // Threads that end between two samples lose their last 100 ms: what is left over is shown, not hidden.
    const unsampled = R.cpu - Object.values(t).reduce((a, b) => a + b, 0);
    const parts = { ...t, unsampled };
    return Object.entries(parts).map(([k, v]) => `${k} ${((1000 * v) / n).toFixed(2)}`).join(', ');
  };
  if (L && E) {
    process.stdout.write(`CPU ms per file by thread: limit: ${split(L, L.files)}\n`);
    process.stdout.write(`                           end to end: ${split(E, E.summary.filesSeen)}\n`);
  }
  if (E) {
    const t = E.timings;
    // Wall time each stage was awaited, summed over the files in flight: a stage that awaits sharp also counts the time
    // the worker's thread spent on the other file in flight (PDQ), so these shares overstate decode and thumbnails.
    const parts = { decode: t.decode, 'hashing (digests + PDQ)': t.digest + t.pdq, 'database (batches)': t.database, 'store (encrypt + write + promote)': t.store + t.promote, thumbnails: t.thumbnail, 'read': t.read, 'EXIF': t.metadata };
    const sum = Object.values(parts).reduce((a, b) => a + b, 0);
    process.stdout.write(`share of time (stage times summed over files and batches): ${Object.entries(parts).map(([k, v]) => `${k} ${((100 * v) / sum).toFixed(0)} %`).join(', ')}\n`);
    process.stdout.write(`summary: ${JSON.stringify(E.summary)}; copies recorded without decoding: ${E.skippedDecodes}\n`);
  }
  if (results.resume && E) {
    const R = results.resume;
    const total = R.killedAfter + R.resumed.wall;
    process.stdout.write(`resume: killed after ${f1(R.killedAfter)} s (${R.recordedAtKill} files recorded), resumed run ${f1(R.resumed.wall)} s: ${f1(total)} s vs ${f1(E.wall)} s uninterrupted = ${((100 * total) / E.wall - 100).toFixed(1)} % overhead (wall); CPU ${f1(R.cpuBeforeKill + R.resumed.cpu)} s vs ${f1(E.cpu)} s = ${((100 * (R.cpuBeforeKill + R.resumed.cpu)) / E.cpu - 100).toFixed(1)} % (target < 5 %)\n`);
    process.stdout.write(`resumed summary identical to the uninterrupted one: ${['filesSeen', 'newMedia', 'duplicates', 'refused', 'bytes'].every((k) => R.resumed.summary[k] === E.summary[k])}\n`);
  }
  process.stdout.write(`\nRESULTS ${JSON.stringify(results)}\n`);
}

await main();
