/**
 * The handling policy (handling-policy.ts) as query conditions, so lists, counts, correlation and the graph filter in
 * the database rather than after loading rows. Each takes the viewer's agency, or null for the node itself.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { SHARED_IN_CASE } from './handling-policy.js';

const always = sql<SqlBool>`1 = 1`;

/** A record (under `alias`) the agency may see. Deleted records are never visible. */
export function recordVisible(eb: ExpressionBuilder<any, any>, agencyId: string | null, alias = 'records'): Expression<SqlBool> {
  const live = eb(`${alias}.deleted_at`, 'is', null);
  if (agencyId === null) return live;
  return eb.and([live, eb.or([eb(`${alias}.handling_code`, 'in', [...SHARED_IN_CASE]), eb(`${alias}.originator_agency_id`, '=', agencyId)])]);
}

/**
 * A selector (under `alias`) the agency may see: one of the records it was found in is visible, or it has a
 * provenance of its own (entered by hand, read from media metadata, imported) whose handling allows it.
 */
export function selectorVisible(eb: ExpressionBuilder<any, any>, agencyId: string | null, alias = 'selectors'): Expression<SqlBool> {
  if (agencyId === null) return always;
  const fromRecord = eb.exists(
    eb
      .selectFrom('selector_sources as vis_s')
      .innerJoin('records as vis_r', 'vis_r.id', 'vis_s.source_id')
      .select('vis_s.selector_id')
      .whereRef('vis_s.selector_id', '=', `${alias}.id`)
      .where('vis_s.source_type', '=', 'record')
      .where((e) => recordVisible(e, agencyId, 'vis_r')),
  );
  const ownProvenance = eb.and([
    eb(`${alias}.origin`, '!=', 'extracted'),
    eb.or([eb(`${alias}.handling_code`, 'in', [...SHARED_IN_CASE]), eb(`${alias}.agency_id`, '=', agencyId)]),
  ]);
  return eb.or([fromRecord, ownProvenance]);
}
