/**
 * Everything an ingest leaves behind, in a form two nodes can be compared by: ids, keys and timestamps differ between
 * nodes and runs, so rows are compared by content (sha256, paths) and blobs by their decrypted digest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../../src/store/blob-store.js';
import type { Database } from '../../../src/store/schema.js';

export async function snapshot(db: Kysely<Database>, blobs: BlobStore, caseId: string) {
  const media = await db.selectFrom('media').selectAll().orderBy('sha256').execute();
  const shaOf = new Map(media.map((m) => [m.id, m.sha256]));
  const occurrences = (await db.selectFrom('media_occurrences').selectAll().where('case_id', '=', caseId).execute())
    .map((o) => ({ path: o.path, pathRaw: o.path_raw, sha256: shaOf.get(o.media_id), size: o.size, modified: o.modified_at, source: o.source }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const ledger = (await db.selectFrom('ingest_items').selectAll().execute())
    .map((i) => ({ path: i.path, kind: i.outcome === 'new' || i.outcome === 'duplicate' ? 'stored' : i.outcome, sha256: i.media_id ? shaOf.get(i.media_id) : null, problem: i.problem }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const caseMedia = (await db.selectFrom('case_media').selectAll().where('case_id', '=', caseId).execute()).map((c) => `${shaOf.get(c.media_id)} ${c.category} ${c.category_source}`).sort();
  const near = (await db.selectFrom('media_near_duplicates').selectAll().execute()).map((p) => `${shaOf.get(p.media_id)} ${shaOf.get(p.other_id)} ${p.distance}`).sort();
  const groups = new Map<string, string[]>();
  for (const m of media) if (m.near_group) groups.set(m.near_group, [...(groups.get(m.near_group) ?? []), m.sha256]);
  const matches = (await db.selectFrom('media_hash_matches').innerJoin('hash_sets', 'hash_sets.id', 'media_hash_matches.set_id').select(['media_id', 'hash_sets.name', 'match', 'digest', 'distance']).execute())
    .map((h) => `${shaOf.get(h.media_id)} ${h.name} ${h.match} ${h.digest} ${h.distance}`)
    .sort();
  const stored = await blobs.list('media');
  const thumbs = await blobs.list('thumb');
  const plainDigests: string[] = [];
  for (const sha of stored) plainDigests.push(createHash('sha256').update(await (await blobs.open('media', sha)).readAll()).digest('hex'));
  const stagingDir = `${blobs.root}/staging`;
  return {
    media: media.map((m) => ({
      sha256: m.sha256, md5: m.md5, sha1: m.sha1, size: m.size, type: m.type, kind: m.kind, width: m.width, height: m.height, pdq: m.pdq, quality: m.pdq_quality,
      vpdq: m.vpdq, make: m.camera_make, serial: m.camera_serial, capture: m.capture_time, gps: [m.gps_lat, m.gps_lon], metadata: m.metadata, thumbnail: m.has_thumbnail, problem: m.problem,
    })),
    occurrences,
    ledger,
    caseMedia,
    near,
    nearGroups: [...groups.values()].map((g) => g.sort().join(',')).sort(),
    matches,
    blobs: { stored, thumbs, plainDigests, staging: existsSync(stagingDir) ? readdirSync(stagingDir) : [] },
  };
}
