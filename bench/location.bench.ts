/**
 * npm run bench:location — location assessments of issue 8 through the service, on SQLite: an identity with N posts
 * (times and texts) and a case with pictures carrying GPS (200 places around Lisbon) and capture offsets. For each N
 * it times
 *
 *   - creating the assessment (gather the posts and media, run the engine, store version 1),
 *   - reading it when nothing changed (the freshness check alone: aggregate queries, no engine),
 *   - reading it after one new post (the freshness check finds the change, a new version is computed),
 *   - a toggle (a new version),
 *
 * next to the baseline: the engine alone on the same evidence already in memory (`assessLocation`), i.e. what
 * gathering from the database and storing versions add.
 *
 *   npm run bench:location [-- --posts 1000,10000,50000] [-- --media 200]   (--media 100000: a triage-sized case)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { ephemeralMasterKey } from '../src/exchange/crypto/master-key.js';
import { DEFAULT_ACTIVITY_PARAMS } from '../src/geo/activity-offsets.js';
import { assessLocation } from '../src/geo/assess-location.js';
import { sharedWorkerAssess } from '../src/geo/assessment-runner.js';
import { syntheticTimes } from '../src/geo/synthetic-activity.js';
import { zoneOffsetAt } from '../src/geo/time-zones.js';
import { systemActor } from '../src/identity/actor.js';
import { createServices } from '../src/server/services.js';
import { newId, nowIso } from '../src/store/ids.js';
import { openStore } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';

const { values: args } = parseArgs({ options: { posts: { type: 'string', default: '1000,10000,50000' }, media: { type: 'string', default: '200' } } });
const SIZES = args.posts.split(',').map(Number);
const MEDIA = Number(args.media);
const TEXTS = ['Estou a carregar o ficheiro, espera um bocado.', 'A minha equipa viu isso, de facto.', 'O utilizador novo não consegue aceder ao ecrã.', 'Vou estar a trabalhar nisso durante a tarde.'];
const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;

function localIso(zone: string, unix: number): string {
  const offset = zoneOffsetAt(zone, unix);
  const wall = new Date((unix + offset * 60) * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${wall}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

async function* once(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function run(n: number) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-location-'));
  const store = openStore({ dataDir });
  try {
    await migrateToLatest(store.db);
    const services = createServices({ db: store.db, dialect: 'sqlite', config: loadConfig({ TESSERA_DATA_DIR: dataDir }), masterKey: ephemeralMasterKey() });
    const system = { actor: systemActor('bench') };
    const agency = await services.agencies.create(system, { name: 'Bench agency', country: 'PT' });
    const user = await services.users.create(system, { agencyId: agency.id, username: 'bench', roles: ['investigator', 'analyst'], password: 'correct horse battery staple' });
    const ctx = { actor: { kind: 'user' as const, userId: user.id, username: 'bench', agencyId: agency.id, roles: ['investigator' as const, 'analyst' as const], via: 'token' as const } };
    const kase = await services.cases.create(ctx, { reference: 'BENCH-LOC', title: 'Bench' });

    // Posts: a Lisbon routine stretched over enough days to hold n posts.
    // At most three years of posting, as a busy forum account would have; more posts mean busier days.
    const days = Math.min(Math.ceil(n / 2.5), 1100);
    const times = syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2022, 0, 1) / 1000, days, perDay: Math.max(3, (n / days) * 1.25), hourOfWeek: office, seed: 5 }).slice(0, n);
    const lines = times.map((t, i) => JSON.stringify({ author: 'bench', time: localIso('Europe/Lisbon', t), text: `${TEXTS[i % TEXTS.length]} #${i}` })).join('\n');
    await services.postImports.importStream(ctx, kase.id, once(lines), { fileName: 'bench.jsonl', platform: 'forum.example', handlingCode: 'TLP:AMBER', dataSubject: 'suspect' });
    // Media metadata rows (the pictures themselves do not matter here): GPS around Lisbon and capture offsets.
    const now = nowIso();
    for (let start = 0; start < MEDIA; start += 500) {
      const ids = Array.from({ length: Math.min(500, MEDIA - start) }, () => newId());
      await store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('media')
          .values(
            ids.map((id, k) => {
              const i = start + k;
              return {
                id, sha256: id, md5: id, sha1: id, size: 1, type: 'jpeg', mime: 'image/jpeg', kind: 'image', width: 1, height: 1, duration: null, pdq: null, pdq_quality: null, vpdq: null,
                camera_make: 'Canon', camera_model: 'EOS', camera_serial: `SN-${i % 3}`, capture_time: `2021-0${1 + (i % 9)}-10T12:00:00`, capture_offset: i % 2 ? '+01:00' : '+00:00',
                gps_lat: 38.6 + (i % 50) / 200, gps_lon: -9.3 + (i % 40) / 200, metadata: '{}', has_thumbnail: 0, problem: null, problem_detail: null, near_group: null, first_ingest_id: null, created_at: now,
              };
            }),
          )
          .execute();
        await trx
          .insertInto('case_media')
          .values(ids.map((id) => ({ case_id: kase.id, media_id: id, category: 'uncategorised', category_scheme: 'tessera', category_code: 'uncategorised', category_source: 'examiner', categorised_by: null, categorised_at: null, first_ingest_id: null, added_at: now })))
          .execute();
      });
    }
    const identity = (await services.records.list(ctx, kase.id, { kind: 'online-identity', limit: 1, offset: 0 })).items[0]!;

    const svc = services.locationAssessments;
    const created = await time(() => svc.create(ctx, kase.id, { subject: { type: 'identity', identityId: identity.id } }));
    const id = created.value.id;
    const fresh = await time(() => svc.get(ctx, kase.id, id));
    await services.records.create(ctx, kase.id, { kind: 'post', text: 'mais um', handlingCode: 'TLP:AMBER', dataSubject: 'suspect', identityId: identity.id, occurredAt: '2024-05-01T10:00:00Z' });
    const changed = await time(() => svc.get(ctx, kase.id, id));
    const toggled = await time(() => svc.update(ctx, kase.id, id, { enabled: { 'language-posts': false } }));

    // Baseline: the engine alone, evidence already in memory.
    const engine = await time(() =>
      assessLocation([
        { id: 'activity', kind: 'activity', times },
        { id: 'language', kind: 'language', texts: times.map((_, i) => `${TEXTS[i % TEXTS.length]} #${i}`) },
        { id: 'gps', kind: 'gps', lat: 38.7, lon: -9.1 },
        { id: 'o1', kind: 'capture-offset', offsetMinutes: 0, capturedAt: Date.UTC(2021, 0, 10, 12) / 1000 },
        { id: 'o2', kind: 'capture-offset', offsetMinutes: 60, capturedAt: Date.UTC(2021, 5, 10, 11) / 1000 },
      ]),
    );
    if (changed.value.current.version !== 2 || fresh.value.current.version !== 1) throw new Error('unexpected versions');
    return { n: times.length, create: created.ms, fresh: fresh.ms, changed: changed.ms, toggle: toggled.ms, engine: engine.ms, top: created.value.result.countries[0]!.code };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  // Warm the engine once (language detector and outlines load on first use) so no size pays for it.
  // The node's engine runs in a worker thread; warm that one too.
  const warm = syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2022, 0, 1) / 1000, days: 1100, perDay: 1, seed: 1 });
  const warmEvidence = [
    { id: 'a', kind: 'activity' as const, times: warm },
    { id: 'w', kind: 'language' as const, texts: ['olá'] },
    { id: 'g', kind: 'gps' as const, lat: 0, lon: 0 },
  ];
  await sharedWorkerAssess()(warmEvidence, {});
  await assessLocation(warmEvidence);
  console.log(`location assessments on SQLite, ${MEDIA} media items with metadata; times in ms`);
  console.log('posts    create   read (unchanged)   read (1 new post)   toggle   | baseline: engine alone   top');
  for (const n of SIZES) {
    const r = await run(n);
    console.log(
      `${String(r.n).padStart(6)} ${r.create.toFixed(0).padStart(8)} ${r.fresh.toFixed(0).padStart(18)} ${r.changed.toFixed(0).padStart(19)} ${r.toggle.toFixed(0).padStart(8)}   | ${r.engine.toFixed(0).padStart(22)}   ${r.top}`,
    );
  }
}

await main();
