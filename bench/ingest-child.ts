/**
 * One measured part of the ingest benchmark, in its own process (so a run can be SIGKILLed, and so peaks and CPU
 * time are its own). Modes:
 *   limit <device> <workers>             read + digests + decode of every file, nothing else (the machine's limit)
 *   run <dataDir> <device> <workers> [--no-skip]   a real ingest into a fresh or existing SQLite node
 * Prints "STARTED <epoch ms>" when the measured part begins and "RESULT {json}" at the end.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config/config.js';
import { loadOrCreateMasterKey } from '../src/exchange/crypto/master-key.js';
import { systemActor } from '../src/identity/actor.js';
import { createServices } from '../src/server/services.js';
import { openStore } from '../src/store/database.js';
import { newId, nowIso } from '../src/store/ids.js';
import { migrateToLatest } from '../src/store/migrate.js';

/** CPU seconds of this process and of the children it waited for (ffmpeg), from /proc. */
export function cpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return (utime! + stime! + cutime! + cstime!) / 100;
}

/**
 * CPU seconds per kind of thread, sampled from /proc while a part runs (a thread's time is kept from its last sample,
 * so threads that end early still count): the main thread, libvips' workers (the decoding and encoding proper), and
 * the rest (ingest workers' JavaScript, libuv's pool that drives sharp, V8's garbage collector and compiler threads).
 */
export function threadSampler(): { stop(): Record<string, number> } {
  const last = new Map<string, { kind: string; cpu: number }>();
  const sample = () => {
    let tids: string[] = [];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const tid of tids) {
      try {
        const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const comm = f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
        const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
        const kind = String(process.pid) === tid ? 'main' : comm.startsWith('libvips') ? 'libvips' : 'other threads';
        last.set(tid, { kind, cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
      } catch {
        // the thread ended between listing and reading
      }
    }
  };
  const childCpu = () => {
    const f = readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  };
  const children0 = childCpu();
  sample();
  const base = new Map([...last].map(([tid, v]) => [tid, v.cpu]));
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const out: Record<string, number> = {};
      for (const [tid, v] of last) out[v.kind] = (out[v.kind] ?? 0) + v.cpu - (base.get(tid) ?? 0);
      out['child processes (ffmpeg)'] = childCpu() - children0;
      return out;
    },
  };
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

function tsWorker(file: string): Worker {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const api = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  const entry = pathToFileURL(file).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

async function limit(device: string, workers: number): Promise<void> {
  const files = listFiles(device);
  const slots = Array.from({ length: workers }, () => tsWorker(path.join(path.dirname(new URL(import.meta.url).pathname), 'ingest-limit-worker.ts')));
  await Promise.all(slots.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve()))));
  let next = 0;
  let bytes = 0;
  let id = 0;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const threads = threadSampler();
  process.stdout.write(`STARTED ${Date.now()}\n`);
  await Promise.all(
    slots.flatMap((w) =>
      [0, 1].map(async () => {
        while (next < files.length) {
          const file = files[next++]!;
          const my = ++id;
          const size = await new Promise<number>((resolve) => {
            const on = (m: { id: number; size: number }) => {
              if (m.id !== my) return;
              w.off('message', on);
              resolve(m.size);
            };
            w.on('message', on);
            w.postMessage({ id: my, file });
          });
          bytes += size;
        }
      }),
    ),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  const threadCpu = threads.stop();
  await Promise.all(slots.map((w) => w.terminate()));
  process.stdout.write(`RESULT ${JSON.stringify({ files: files.length, bytes, wall, cpu, threadCpu })}\n`);
}

async function run(dataDir: string, device: string, workers: number, skipKnown: boolean): Promise<void> {
  const store = openStore({ dataDir });
  await migrateToLatest(store.db);
  let kase = await store.db.selectFrom('cases').select('id').where('reference', '=', 'BENCH-1').executeTakeFirst();
  if (!kase) {
    const now = nowIso();
    const agencyId = newId();
    const caseId = newId();
    await store.db.insertInto('agencies').values({ id: agencyId, name: 'Bench', country: 'PT', status: 'active', hosted: 1, node_url: null, created_at: now }).execute();
    await store.db.insertInto('cases').values({ id: caseId, lead_agency_id: agencyId, reference: 'BENCH-1', title: 'bench', description: '', status: 'open', legal_authority: null, review_date: null, created_by: 'bench', created_at: now, updated_at: now }).execute();
    await store.db.insertInto('case_participants').values({ case_id: caseId, agency_id: agencyId, access: 'lead', added_at: now, added_by: null }).execute();
    kase = { id: caseId };
  }
  const services = createServices({ db: store.db, dialect: 'sqlite', config: loadConfig({ TESSERA_DATA_DIR: dataDir, TESSERA_LOG_LEVEL: 'silent' }), masterKey: loadOrCreateMasterKey(dataDir) });
  const ctx = { actor: systemActor('bench') };
  const { record } = await services.ingest.prepare(ctx, { caseId: kase.id, inputs: [device], source: 'bench-phone' });
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const threads = threadSampler();
  process.stdout.write(`STARTED ${Date.now()}\n`);
  const outcome = await services.ingest.run(ctx, record.id, { workers, skipKnown });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  const threadCpu = threads.stop();
  await store.close();
  process.stdout.write(`RESULT ${JSON.stringify({ wall, cpu, threadCpu, summary: outcome.summary, timings: outcome.timings, skippedDecodes: outcome.skippedDecodes })}\n`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'limit') await limit(args[0]!, Number(args[1]));
else if (mode === 'run') await run(args[0]!, args[1]!, Number(args[2]), !args.includes('--no-skip'));
else {
  process.stderr.write('usage: ingest-child.ts limit <device> <workers> | run <dataDir> <device> <workers> [--no-skip]\n');
  process.exitCode = 2;
}
