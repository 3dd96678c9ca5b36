/**
 * The only code of location assessments that talks SQL: the assessment rows, their versions, and reading the
 * case's posts, media and other cases' media as evidence — always through the assessment's scope, so an item can
 * only come from data every reader of the assessment may see.
 */
import { createHash } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SelectQueryBuilder, type SqlBool, type Transaction } from 'kysely';
import { SHARED_IN_CASE } from '../intel/records/handling-policy.js';
import { recordVisible } from '../intel/records/visibility.js';
import type { Database, LocationAssessmentsTable, LocationAssessmentVersionsTable } from '../store/schema.js';
import type { Audience } from './assessment-schemas.js';
import type { GatheredSources, MediaRow, SerialLinkRow } from './assessment-evidence.js';

export type AssessmentRow = Selectable<LocationAssessmentsTable> & { owner_agency_name: string };
export type VersionRow = Selectable<LocationAssessmentVersionsTable>;

/** Whose view of the case's data the evidence is gathered under. */
export interface EvidenceScope {
  caseId: string;
  audience: Audience;
  ownerAgencyId: string;
  identityId: string | null;
}

/** More posts than this are not read for one assessment; the engine subsamples far below it anyway. */
export const MAX_POSTS = 50_000;
/** Texts of the most recent posts only, each cut to its beginning (what the engine reads: at most 5 000 texts). */
export const MAX_TEXT_POSTS = 5_000;
export const MAX_TEXT_CHARS = 4_000;
const POST_KINDS = ['post', 'message-excerpt'];

/**
 * A record the scope may use: for the whole case only codes every participant sees (TLP:AMBER, GREEN, CLEAR);
 * for one agency what that agency sees (its own restricted records too).
 */
function recordInScope(eb: ExpressionBuilder<any, any>, scope: EvidenceScope, alias: string): Expression<SqlBool> {
  if (scope.audience === 'agency') return recordVisible(eb, scope.ownerAgencyId, alias);
  return eb.and([eb(`${alias}.deleted_at`, 'is', null), eb(`${alias}.handling_code`, 'in', [...SHARED_IN_CASE])]);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createAssessmentRepository(db: Kysely<Database>) {
  function assessments(trx: Kysely<Database> = db) {
    return trx
      .selectFrom('location_assessments as a')
      .innerJoin('agencies as owner', 'owner.id', 'a.owner_agency_id')
      .selectAll('a')
      .select('owner.name as owner_agency_name');
  }

  async function identityInScope(scope: EvidenceScope, trx: Kysely<Database> = db): Promise<boolean> {
    if (!scope.identityId) return true;
    const row = await trx
      .selectFrom('records as r')
      .select('r.id')
      .where('r.id', '=', scope.identityId)
      .where('r.case_id', '=', scope.caseId)
      .where('r.kind', '=', 'online-identity')
      .where((eb) => recordInScope(eb, scope, 'r'))
      .executeTakeFirst();
    return !!row;
  }

  function postsQuery(scope: EvidenceScope) {
    let q = db
      .selectFrom('records as r')
      .where('r.case_id', '=', scope.caseId)
      .where('r.kind', 'in', POST_KINDS)
      .where((eb) => recordInScope(eb, scope, 'r'));
    if (scope.identityId) q = q.where('r.identity_id', '=', scope.identityId);
    return q;
  }

  function mediaQuery(caseId: string) {
    return db
      .selectFrom('case_media as cm')
      .innerJoin('media as m', 'm.id', 'cm.media_id')
      .where('cm.case_id', '=', caseId)
      .where((eb) => eb.or([eb('m.gps_lat', 'is not', null), eb('m.capture_offset', 'is not', null), eb('m.camera_serial', 'is not', null)]));
  }

  /**
   * Other cases whose media may be cited: for one agency, the cases it takes part in; for the whole case, the cases
   * every participating agency of this case also takes part in (otherwise a participant would learn of a case it
   * is not in).
   */
  async function citableCases(scope: EvidenceScope): Promise<string[]> {
    if (scope.audience === 'agency') {
      const rows = await db.selectFrom('case_participants').select('case_id').where('agency_id', '=', scope.ownerAgencyId).where('case_id', '!=', scope.caseId).execute();
      return rows.map((r) => r.case_id).sort();
    }
    const participants = (await db.selectFrom('case_participants').select('agency_id').where('case_id', '=', scope.caseId).execute()).map((r) => r.agency_id);
    if (participants.length === 0) return [];
    const rows = await db
      .selectFrom('case_participants')
      .select('case_id')
      .where('agency_id', 'in', participants)
      .where('case_id', '!=', scope.caseId)
      .groupBy('case_id')
      .having((eb) => eb.fn.countAll(), '=', participants.length)
      .execute();
    return rows.map((r) => r.case_id).sort();
  }

  /** What the case's media are now, from its link rows alone (media rows never change once ingested). */
  async function mediaState(caseId: string): Promise<{ n: number; last: string | null }> {
    const row = await db
      .selectFrom('case_media')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('added_at').as('last')])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    return { n: Number(row.n), last: row.last ?? null };
  }

  // A triage case may hold millions of media: its camera serials are read again only when its media change.
  const serialMemo = new Map<string, string[]>();
  async function caseSerials(caseId: string): Promise<string[]> {
    const state = await mediaState(caseId);
    const key = `${caseId}:${state.n}:${state.last}`;
    const known = serialMemo.get(key);
    if (known) return known;
    const serials = (await mediaQuery(caseId).where('m.camera_serial', 'is not', null).select('m.camera_serial').distinct().execute()).map((r) => r.camera_serial!).sort();
    if (serialMemo.size >= 500) serialMemo.delete(serialMemo.keys().next().value!);
    serialMemo.set(key, serials);
    return serials;
  }

  async function serialLinks(scope: EvidenceScope): Promise<SerialLinkRow[]> {
    const serials = await caseSerials(scope.caseId);
    if (serials.length === 0) return [];
    const cases = await citableCases(scope);
    if (cases.length === 0) return [];
    const rows = await db
      .selectFrom('case_media as cm')
      .innerJoin('media as m', 'm.id', 'cm.media_id')
      .innerJoin('cases as c', 'c.id', 'cm.case_id')
      .select(['m.camera_serial', 'm.id as media_id', 'cm.case_id', 'c.reference', 'm.gps_lat', 'm.gps_lon', 'c.lead_agency_id'])
      .select((eb) =>
        eb
          .selectFrom('media_occurrences as mo')
          .innerJoin('ingests as i', 'i.id', 'mo.ingest_id')
          .select('i.agency_id')
          .whereRef('mo.media_id', '=', 'm.id')
          .whereRef('mo.case_id', '=', 'cm.case_id')
          .where('i.agency_id', 'is not', null)
          .limit(1)
          .as('ingest_agency_id'),
      )
      .where('m.camera_serial', 'in', serials)
      .where('cm.case_id', 'in', cases)
      // The same picture held in both cases is no link: its own metadata already counts here.
      .where('m.id', 'not in', (eb) => eb.selectFrom('case_media').select('media_id').where('case_id', '=', scope.caseId))
      .orderBy('cm.case_id')
      .orderBy('m.id')
      .limit(10_000)
      .execute();
    const agencyIds = [...new Set(rows.map((r) => r.ingest_agency_id ?? r.lead_agency_id))];
    const countries = new Map(
      agencyIds.length === 0 ? [] : (await db.selectFrom('agencies').select(['id', 'country']).where('id', 'in', agencyIds).execute()).map((a) => [a.id, a.country.toUpperCase()]),
    );
    return rows.map((r) => ({
      serial: r.camera_serial!,
      mediaId: r.media_id,
      caseId: r.case_id,
      caseReference: r.reference,
      gpsLat: r.gps_lat,
      gpsLon: r.gps_lon,
      originCountry: countries.get(r.ingest_agency_id ?? r.lead_agency_id) ?? null,
    }));
  }

  return {
    identityInScope,

    async loadAssessment(caseId: string, id: string, trx: Kysely<Database> = db): Promise<AssessmentRow | undefined> {
      return assessments(trx).where('a.id', '=', id).where('a.case_id', '=', caseId).where('a.deleted_at', 'is', null).executeTakeFirst();
    },

    async listAssessments(caseId: string): Promise<AssessmentRow[]> {
      return assessments().where('a.case_id', '=', caseId).where('a.deleted_at', 'is', null).orderBy('a.updated_at', 'desc').orderBy('a.id', 'desc').execute();
    },

    async loadVersion(assessmentId: string, version: number): Promise<VersionRow | undefined> {
      return db.selectFrom('location_assessment_versions').selectAll().where('assessment_id', '=', assessmentId).where('version', '=', version).executeTakeFirst();
    },

    /** Versions without their evidence and result (the list view). */
    async listVersions(assessmentId: string) {
      return db
        .selectFrom('location_assessment_versions')
        .select(['version', 'reason', 'top_country', 'top_probability', 'credible_set', 'created_by', 'created_at', 'evidence'])
        .where('assessment_id', '=', assessmentId)
        .orderBy('version', 'desc')
        .execute();
    },

    async caseReference(caseId: string): Promise<string | undefined> {
      return (await db.selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirst())?.reference;
    },

    /** The online identity of the case with its handling, if it exists and is not erased. */
    async identity(caseId: string, identityId: string) {
      return db
        .selectFrom('records')
        .select(['id', 'subject', 'handling_code', 'originator_agency_id'])
        .where('id', '=', identityId)
        .where('case_id', '=', caseId)
        .where('kind', '=', 'online-identity')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
    },

    /**
     * A digest of what the evidence would be gathered from — counts and last changes of the posts and media, the
     * other cases' linked media — without reading it all. When it differs from a version's, the evidence changed.
     */
    async sourceState(scope: EvidenceScope, own: Record<string, unknown>): Promise<string> {
      const identity = await identityInScope(scope);
      const posts = identity
        ? await postsQuery(scope)
            .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('r.updated_at').as('last')])
            .executeTakeFirstOrThrow()
        : { n: 0, last: null };
      const media = await mediaState(scope.caseId);
      const links = (await serialLinks(scope)).map((l) => [l.serial, l.mediaId, l.caseId, l.originCountry]);
      return sha256(JSON.stringify({ own, identity, posts: [Number(posts.n), posts.last], media: [media.n, media.last], links }));
    },

    async gather(scope: EvidenceScope): Promise<GatheredSources> {
      const identity = await identityInScope(scope);
      const newestFirst = <T extends SelectQueryBuilder<any, any, any>>(q: T) =>
        q.orderBy((eb) => eb.fn.coalesce('r.occurred_at', 'r.created_at'), 'desc').orderBy('r.id', 'desc') as T;
      const times = identity ? await newestFirst(postsQuery(scope).select(['r.id', 'r.occurred_at'])).limit(MAX_POSTS + 1).execute() : [];
      // Texts are read for the most recent posts only, and only their beginning: what the language engine reads.
      const texts = identity
        ? await newestFirst(postsQuery(scope).select(['r.id', sql<string>`substr(r.text, 1, ${sql.lit(MAX_TEXT_CHARS)})`.as('text')]))
            .limit(MAX_TEXT_POSTS + 1)
            .execute()
        : [];
      const textOf = new Map(texts.slice(0, MAX_TEXT_POSTS).map((t) => [t.id, t.text]));
      const media: MediaRow[] = (
        await mediaQuery(scope.caseId).select(['m.id', 'm.gps_lat', 'm.gps_lon', 'm.capture_time', 'm.capture_offset', 'm.camera_serial']).orderBy('m.id').execute()
      ).map((m) => ({ id: m.id, gpsLat: m.gps_lat, gpsLon: m.gps_lon, captureTime: m.capture_time, captureOffset: m.capture_offset, cameraSerial: m.camera_serial }));
      return {
        posts: times.slice(0, MAX_POSTS).map((p) => ({ id: p.id, occurredAt: p.occurred_at, text: textOf.get(p.id) ?? '' })),
        postsTruncated: times.length > MAX_POSTS,
        textsTruncated: texts.length > MAX_TEXT_POSTS,
        media,
        serialLinks: await serialLinks(scope),
      };
    },

    async insertAssessment(trx: Transaction<Database>, row: LocationAssessmentsTable): Promise<void> {
      await trx.insertInto('location_assessments').values(row).execute();
    },

    /**
     * Moves the assessment from version `from` to `from + 1` with `changes`, and stores that version. Returns false
     * when someone else moved it first (the caller reloads and decides).
     */
    async advance(trx: Transaction<Database>, id: string, from: number, changes: Partial<LocationAssessmentsTable>, version: LocationAssessmentVersionsTable): Promise<boolean> {
      const moved = await trx
        .updateTable('location_assessments')
        .set({ ...changes, current_version: from + 1 })
        .where('id', '=', id)
        .where('current_version', '=', from)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await trx.insertInto('location_assessment_versions').values(version).execute();
      return true;
    },

    async insertFirstVersion(trx: Transaction<Database>, version: LocationAssessmentVersionsTable): Promise<void> {
      await trx.insertInto('location_assessment_versions').values(version).execute();
    },

    async updateTitle(trx: Transaction<Database>, id: string, changes: Pick<LocationAssessmentsTable, 'title' | 'updated_at' | 'updated_by'>): Promise<void> {
      await trx.updateTable('location_assessments').set(changes).where('id', '=', id).execute();
    },

    async markDeleted(trx: Transaction<Database>, id: string, by: string, reason: string, at: string): Promise<void> {
      await trx.updateTable('location_assessments').set({ deleted_at: at, deleted_by: by, deletion_reason: reason }).where('id', '=', id).execute();
    },
  };
}

export type AssessmentRepository = ReturnType<typeof createAssessmentRepository>;
