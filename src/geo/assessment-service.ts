/**
 * Location assessments of a case (issue 8, DESIGN §10). An assessment has a subject (an online identity of the case,
 * or the case as a whole) and an audience; its evidence is gathered from the case's data by reference — posts of the
 * identity, the case's media metadata, camera serials shared with other cases' media — plus the items an analyst
 * enters. Every change of the evidence (an edit here, or new posts and media found when it is next read) makes a new
 * version holding the evidence as it was, its toggles, the result and who/when.
 *
 * Handling codes: an assessment never shows anyone an item built from a record they may not see. Its audience says
 * who reads it and therefore what may be gathered: 'case' (every participating agency; only records every participant
 * may see, i.e. TLP:AMBER, GREEN, CLEAR) or 'agency' (the owner agency alone; its own TLP:RED and AMBER+STRICT
 * records count too). Other cases are cited only when every reader's agency takes part in them.
 *
 * Reading needs `case.read`, changing `case.contribute`. Reads are consultation events; computing a version combines
 * records and media (a combination event); edits are alteration events — each in the change's own transaction.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy, ParticipantAccess } from '../cases/case-access.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { actorName, systemActor, type Actor } from '../identity/actor.js';
import type { RequestContext } from '../identity/context.js';
import { mayView, SHARED_IN_CASE } from '../intel/records/handling-policy.js';
import type { HandlingCode } from '../intel/vocabulary.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, LocationAssessmentsTable } from '../store/schema.js';
import { compareVersions, type ComparableVersion } from './assessment-compare.js';
import { prepareEvidence, type SnapshotItem, type StoredAnalystItem } from './assessment-evidence.js';
import { createAssessmentRepository, type AssessmentRow, type EvidenceScope, type VersionRow } from './assessment-repository.js';
import { sharedWorkerAssess, type AssessFn } from './assessment-runner.js';
import {
  ANALYST_LIMITS,
  type AnalystItemInput,
  type AssessmentPatch,
  type AssessmentSummary,
  type AssessmentView,
  type Audience,
  type Comparison,
  type CountryPrior,
  type EvidenceItemView,
  type ItemPatch,
  type NewAssessment,
  type VersionReason,
  type VersionSummary,
  type VersionView,
} from './assessment-schemas.js';
import { countries } from './countries.js';
import type { ActivityReport, EvidenceContribution } from './types.js';

export type LocationAssessmentService = ReturnType<typeof createLocationAssessmentService>;

/**
 * Part of every version's source state: bump it when the engine's results change for the same evidence, so stored
 * assessments are recomputed when next read.
 */
export const ENGINE_REVISION = 'geo-1';

const CONTRIBUTOR_ROLES = ['investigator', 'victim-id', 'analyst'];

interface StoredResult {
  countries: { code: string; name: string; numeric: string | null; probability: number }[];
  credibleSet: string[];
  credibleLevel: number;
  explanation: string;
  assumptions: string[];
  activity: ActivityReport[];
  evidence: EvidenceContribution[];
}

interface Computed {
  state: string;
  evidence: SnapshotItem[];
  result: StoredResult;
}

/** The fields of an assessment row that decide its evidence. */
type EvidenceFields = Pick<LocationAssessmentsTable, 'case_id' | 'audience' | 'owner_agency_id' | 'identity_id' | 'subject_label' | 'country_prior' | 'analyst_items' | 'disabled_items'>;

function agencyOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.agencyId : (actor.agencyId ?? null);
}

function scopeOf(row: EvidenceFields): EvidenceScope {
  return { caseId: row.case_id, audience: row.audience as Audience, ownerAgencyId: row.owner_agency_id, identityId: row.identity_id };
}

const finite = (n: number) => (Number.isFinite(n) ? n : n > 0 ? 300 : -300);

function summaryOf(row: { version: number; reason: string; created_at: string; created_by: string; top_country: string; top_probability: number; credible_set: string; evidence: string }): VersionSummary {
  const evidence = JSON.parse(row.evidence) as SnapshotItem[];
  return {
    version: row.version,
    reason: row.reason as VersionReason,
    createdAt: row.created_at,
    createdBy: row.created_by,
    top: { code: row.top_country, name: countries().get(row.top_country)?.name ?? row.top_country, probability: row.top_probability },
    credibleSet: JSON.parse(row.credible_set) as string[],
    items: evidence.length,
    enabledItems: evidence.filter((e) => e.enabled).length,
  };
}

function evidenceView(evidence: SnapshotItem[], result: StoredResult): EvidenceItemView[] {
  const byId = new Map(result.evidence.map((c) => [c.id, c]));
  return evidence.map((e) => {
    const c = byId.get(e.id);
    return {
      id: e.id,
      kind: e.kind,
      origin: e.origin,
      label: e.label,
      enabled: e.enabled,
      detail: e.detail,
      sources: e.sources,
      sourceCount: e.sourceCount,
      contribution: {
        usable: c?.usable ?? false,
        summary: c?.summary ?? '',
        favours: c?.favours ?? [],
        log10BayesFactorForTop: finite(c?.log10BayesFactorForTop ?? 0),
        topProbabilityWithoutThisItem: c?.topProbabilityWithoutThisItem ?? 0,
      },
    };
  });
}

function resultView(result: StoredResult): AssessmentView['result'] {
  return {
    countries: result.countries,
    credibleSet: result.credibleSet,
    credibleLevel: result.credibleLevel,
    explanation: result.explanation,
    assumptions: result.assumptions,
    activity: result.activity,
  };
}

export function createLocationAssessmentService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; assess?: AssessFn }) {
  const { db, audit, access } = deps;
  const assess = deps.assess ?? sharedWorkerAssess();
  const repo = createAssessmentRepository(db);

  function ownState(row: EvidenceFields): Record<string, unknown> {
    return { engine: ENGINE_REVISION, prior: row.country_prior, analyst: row.analyst_items, disabled: row.disabled_items, label: row.subject_label };
  }

  /** Gathers the evidence now and runs the engine on it. */
  async function compute(row: EvidenceFields): Promise<Computed> {
    const scope = scopeOf(row);
    // The state is read before the data: a change in between is caught by the next read, never lost.
    const state = await repo.sourceState(scope, ownState(row));
    const gathered = await repo.gather(scope);
    const prepared = prepareEvidence(gathered, JSON.parse(row.analyst_items) as StoredAnalystItem[], new Set(JSON.parse(row.disabled_items) as string[]), row.subject_label);
    const assessment = await assess(
      prepared.map((p) => p.engine),
      { countryPrior: row.country_prior as CountryPrior },
    );
    const all = countries();
    return {
      state,
      evidence: prepared.map((p) => p.snapshot),
      result: {
        countries: assessment.countries.map((c) => ({ ...c, numeric: all.get(c.code)?.numeric?.padStart(3, '0') ?? null })),
        credibleSet: assessment.credibleSet,
        credibleLevel: assessment.credibleLevel,
        explanation: assessment.explanation,
        assumptions: assessment.assumptions,
        activity: assessment.activity,
        evidence: assessment.evidence,
      },
    };
  }

  function versionRow(assessmentId: string, version: number, reason: VersionReason, by: string, at: string, c: Computed) {
    const top = c.result.countries[0]!;
    return {
      assessment_id: assessmentId,
      version,
      reason,
      source_state: c.state,
      evidence: JSON.stringify(c.evidence),
      result: JSON.stringify(c.result),
      top_country: top.code,
      top_probability: top.probability,
      credible_set: JSON.stringify(c.result.credibleSet),
      created_by: by,
      created_at: at,
    };
  }

  function visibleTo(actor: Actor, row: AssessmentRow): boolean {
    if (row.audience === 'case') return true;
    const agency = agencyOf(actor);
    return agency === null || agency === row.owner_agency_id;
  }

  function mayEdit(actor: Actor, level: ParticipantAccess | undefined, row: AssessmentRow): boolean {
    if (!visibleTo(actor, row)) return false;
    if (actor.kind === 'system') return true;
    return level !== undefined && level !== 'read' && actor.roles.some((r) => CONTRIBUTOR_ROLES.includes(r));
  }

  /** The assessment if the actor holds `permission` on its case and belongs to its audience; otherwise 404/403. */
  async function load(ctx: RequestContext, caseId: string, id: string, permission: 'case.read' | 'case.contribute') {
    const granted = await access.require(ctx.actor, permission, [caseId]);
    const row = await repo.loadAssessment(caseId, id);
    if (!row || !visibleTo(ctx.actor, row)) throw new NotFoundError('The location assessment');
    return { row, level: granted.get(caseId) };
  }

  /**
   * Brings the assessment up to date with its sources: when the posts, media or linked cases changed since the
   * current version, a new version is computed (by the node, on behalf of the reader's request).
   */
  async function refresh(ctx: RequestContext, row: AssessmentRow, force = false): Promise<AssessmentRow> {
    const current = await repo.loadVersion(row.id, row.current_version);
    if (!force && current && current.source_state === (await repo.sourceState(scopeOf(row), ownState(row)))) return row;
    const computed = await compute(row);
    if (!force && current && current.source_state === computed.state) return row;
    const actor = force ? ctx.actor : systemActor('location:evidence-changed', row.owner_agency_id);
    const by = actorName(actor);
    const at = nowIso();
    const reason: VersionReason = force ? 'recomputed' : 'evidence-changed';
    const moved = await db.transaction().execute(async (trx) => {
      const ok = await repo.advance(trx, row.id, row.current_version, { updated_at: at, updated_by: by }, versionRow(row.id, row.current_version + 1, reason, by, at, computed));
      if (ok) {
        await audit.record(trx, {
          actor,
          operation: 'combination',
          action: 'location.recompute',
          object: { type: 'location-assessment', id: row.id },
          caseId: row.case_id,
          details: { version: row.current_version + 1, reason, items: computed.evidence.length, top: computed.result.countries[0]!.code },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      }
      return ok;
    });
    // Someone else moved it meanwhile: theirs is at least as fresh.
    const reloaded = await repo.loadAssessment(row.case_id, row.id);
    if (!reloaded) throw new NotFoundError('The location assessment');
    if (!moved && force) return refresh(ctx, reloaded, true);
    return reloaded;
  }

  async function view(actor: Actor, level: ParticipantAccess | undefined, row: AssessmentRow): Promise<AssessmentView> {
    const version = await repo.loadVersion(row.id, row.current_version);
    if (!version) throw new NotFoundError('The location assessment version');
    const result = JSON.parse(version.result) as StoredResult;
    const top = result.countries[0]!;
    return {
      ...summaryFields(row, top, result.credibleSet),
      current: { version: version.version, reason: version.reason as VersionReason, createdAt: version.created_at, createdBy: version.created_by },
      can: { edit: mayEdit(actor, level, row) },
      evidence: evidenceView(JSON.parse(version.evidence) as SnapshotItem[], result),
      result: resultView(result),
    };
  }

  function summaryFields(row: AssessmentRow, top: { code: string; name: string; probability: number }, credibleSet: string[]): AssessmentSummary {
    return {
      id: row.id,
      caseId: row.case_id,
      title: row.title,
      subject: { type: row.subject_type as 'identity' | 'case', identityId: row.identity_id, label: row.subject_label },
      audience: row.audience as Audience,
      ownerAgencyId: row.owner_agency_id,
      ownerAgencyName: row.owner_agency_name,
      countryPrior: row.country_prior as CountryPrior,
      version: row.current_version,
      top: { code: top.code, name: top.name, probability: top.probability },
      credibleSet,
      createdAt: row.created_at,
      createdBy: row.created_by,
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  function checkAnalystItem(input: AnalystItemInput): void {
    if (input.kind === 'clue' || input.kind === 'camera-serial') {
      const unknown = input.countries.filter((c) => !countries().has(c));
      if (unknown.length > 0) throw new BadRequestError(`Unknown country code(s): ${unknown.join(', ')}. Use ISO 3166-1 alpha-2 codes such as PT, BR, GB.`, 'unknown-country');
    }
  }

  function evidenceIds(version: VersionRow | undefined, analyst: StoredAnalystItem[]): Set<string> {
    return new Set([...(version ? (JSON.parse(version.evidence) as SnapshotItem[]).map((e) => e.id) : []), ...analyst.map((a) => a.id)]);
  }

  /**
   * An edit of the evidence: `apply` returns the row's new evidence fields from the current ones, the new version is
   * computed and stored if nobody moved the assessment meanwhile (else it is retried on the newer one, or refused
   * with 409 when the caller named the version it edits).
   */
  async function edit(
    ctx: RequestContext,
    caseId: string,
    id: string,
    expectedVersion: number | undefined,
    action: string,
    apply: (row: AssessmentRow, current: VersionRow | undefined) => { changes: Partial<LocationAssessmentsTable>; details: Record<string, unknown> },
  ): Promise<AssessmentView> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const { row, level } = await load(ctx, caseId, id, 'case.contribute');
      if (!mayEdit(ctx.actor, level, row)) throw new NotFoundError('The location assessment');
      if (expectedVersion !== undefined && expectedVersion !== row.current_version) {
        throw new ConflictError(`The assessment changed meanwhile (now version ${row.current_version}); reload it and edit again.`, 'version-conflict');
      }
      const current = await repo.loadVersion(row.id, row.current_version);
      const { changes, details } = apply(row, current);
      const next = { ...row, ...changes };
      const computed = await compute(next);
      const by = actorName(ctx.actor);
      const at = nowIso();
      const moved = await db.transaction().execute(async (trx) => {
        const ok = await repo.advance(trx, row.id, row.current_version, { ...changes, updated_at: at, updated_by: by }, versionRow(row.id, row.current_version + 1, 'edited', by, at, computed));
        if (ok) {
          await audit.record(trx, {
            actor: ctx.actor,
            operation: 'alteration',
            action,
            object: { type: 'location-assessment', id: row.id },
            caseId,
            details: { ...details, version: row.current_version + 1, top: computed.result.countries[0]!.code },
            requestId: ctx.requestId,
            ip: ctx.ip,
          });
        }
        return ok;
      });
      if (moved) {
        const after = await repo.loadAssessment(caseId, id);
        if (!after) throw new NotFoundError('The location assessment');
        return view(ctx.actor, level, after);
      }
      if (expectedVersion !== undefined) throw new ConflictError('The assessment changed meanwhile; reload it and edit again.', 'version-conflict');
    }
    throw new ConflictError('The assessment keeps changing; try again in a moment.', 'version-conflict');
  }

  async function consulted(ctx: RequestContext, caseId: string, action: string, id: string | null, details?: Record<string, unknown>) {
    await audit.record(db, {
      actor: ctx.actor,
      operation: 'consultation',
      action,
      object: { type: 'location-assessment', id },
      caseId,
      justification: ctx.justification,
      details: details ?? null,
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  }

  async function comparable(row: AssessmentRow, version: number): Promise<ComparableVersion> {
    const v = await repo.loadVersion(row.id, version);
    if (!v) throw new NotFoundError(`Version ${version} of the location assessment`);
    const result = JSON.parse(v.result) as StoredResult;
    return {
      summary: summaryOf(v),
      evidence: JSON.parse(v.evidence) as SnapshotItem[],
      countries: result.countries,
      credibleSet: result.credibleSet,
      summaries: new Map(result.evidence.map((e) => [e.id, e.summary])),
    };
  }

  return {
    async create(ctx: RequestContext, caseId: string, input: NewAssessment): Promise<AssessmentView> {
      const granted = await access.require(ctx.actor, 'case.contribute', [caseId]);
      const reference = await repo.caseReference(caseId);
      if (reference === undefined) throw new NotFoundError('The case');
      const audience: Audience = input.audience ?? 'case';
      let owner = agencyOf(ctx.actor);
      if (owner === null) {
        owner = (await db.selectFrom('cases').select('lead_agency_id').where('id', '=', caseId).executeTakeFirstOrThrow()).lead_agency_id;
      }
      let label = reference;
      let identityId: string | null = null;
      if (input.subject.type === 'identity') {
        const identity = await repo.identity(caseId, input.subject.identityId);
        const handling = identity?.handling_code as HandlingCode | undefined;
        if (!identity || !mayView({ handlingCode: handling!, originatorAgencyId: identity.originator_agency_id }, agencyOf(ctx.actor))) {
          throw new BadRequestError('subject.identityId must be an online identity of this case.', 'unknown-identity');
        }
        if (audience === 'case' && !SHARED_IN_CASE.includes(handling!)) {
          throw new BadRequestError(`This identity is recorded as ${handling}: an assessment every participating agency reads cannot use it. Choose the audience "agency".`, 'identity-restricted');
        }
        if (audience === 'agency' && identity.originator_agency_id !== owner && !SHARED_IN_CASE.includes(handling!)) {
          throw new BadRequestError('subject.identityId must be an online identity of this case.', 'unknown-identity');
        }
        label = identity.subject ?? 'an online identity';
        identityId = identity.id;
      }
      const items = (input.items ?? []).map((i) => {
        checkAnalystItem(i);
        return { id: newId(), input: i, addedBy: actorName(ctx.actor), addedAt: nowIso() } satisfies StoredAnalystItem;
      });
      const id = newId();
      const at = nowIso();
      const by = actorName(ctx.actor);
      const row: LocationAssessmentsTable = {
        id,
        case_id: caseId,
        owner_agency_id: owner,
        audience,
        subject_type: input.subject.type,
        identity_id: identityId,
        subject_label: label,
        title: input.title ?? `Location of ${label}`,
        country_prior: input.countryPrior ?? 'population',
        analyst_items: JSON.stringify(items),
        disabled_items: '[]',
        current_version: 1,
        created_by: by,
        created_at: at,
        updated_at: at,
        updated_by: by,
        deleted_at: null,
        deleted_by: null,
        deletion_reason: null,
      };
      const computed = await compute(row);
      await db.transaction().execute(async (trx) => {
        await repo.insertAssessment(trx, row);
        await repo.insertFirstVersion(trx, versionRow(id, 1, 'created', by, at, computed));
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'combination',
          action: 'location.create',
          object: { type: 'location-assessment', id },
          caseId,
          details: { subject: input.subject.type, identityId, audience, items: computed.evidence.length, top: computed.result.countries[0]!.code },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      const created = await repo.loadAssessment(caseId, id);
      return view(ctx.actor, granted.get(caseId), created!);
    },

    /** The assessments of the case the actor may read, each brought up to date first. */
    async list(ctx: RequestContext, caseId: string): Promise<AssessmentSummary[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const out: AssessmentSummary[] = [];
      for (const listed of await repo.listAssessments(caseId)) {
        if (!visibleTo(ctx.actor, listed)) continue;
        const row = await refresh(ctx, listed);
        const version = await repo.loadVersion(row.id, row.current_version);
        const result = JSON.parse(version!.result) as StoredResult;
        out.push(summaryFields(row, result.countries[0]!, result.credibleSet));
      }
      await consulted(ctx, caseId, 'location.list', out.length === 1 ? out[0]!.id : null, { assessmentIds: out.map((a) => a.id) });
      return out;
    },

    async get(ctx: RequestContext, caseId: string, id: string): Promise<AssessmentView> {
      const { row, level } = await load(ctx, caseId, id, 'case.read');
      const fresh = await refresh(ctx, row);
      await consulted(ctx, caseId, 'location.read', id, { version: fresh.current_version });
      return view(ctx.actor, level, fresh);
    },

    /** Gathers the evidence again and computes a new version now, whether or not the sources changed. */
    async recompute(ctx: RequestContext, caseId: string, id: string): Promise<AssessmentView> {
      const { row, level } = await load(ctx, caseId, id, 'case.contribute');
      if (!mayEdit(ctx.actor, level, row)) throw new NotFoundError('The location assessment');
      return view(ctx.actor, level, await refresh(ctx, row, true));
    },

    async update(ctx: RequestContext, caseId: string, id: string, patch: AssessmentPatch): Promise<AssessmentView> {
      const evidenceChange = patch.countryPrior !== undefined || patch.enabled !== undefined;
      if (!evidenceChange) {
        const title = patch.title;
        if (title === undefined) throw new BadRequestError('Nothing to change: send title, countryPrior or enabled.', 'empty-patch');
        // A new title changes no evidence: no new version, but an alteration all the same.
        const { row, level } = await load(ctx, caseId, id, 'case.contribute');
        if (!mayEdit(ctx.actor, level, row)) throw new NotFoundError('The location assessment');
        if (patch.expectedVersion !== undefined && patch.expectedVersion !== row.current_version) {
          throw new ConflictError(`The assessment changed meanwhile (now version ${row.current_version}); reload it and edit again.`, 'version-conflict');
        }
        await db.transaction().execute(async (trx) => {
          await repo.updateTitle(trx, id, { title, updated_at: nowIso(), updated_by: actorName(ctx.actor) });
          await audit.record(trx, {
            actor: ctx.actor,
            operation: 'alteration',
            action: 'location.update',
            object: { type: 'location-assessment', id },
            caseId,
            details: { fields: ['title'] },
            requestId: ctx.requestId,
            ip: ctx.ip,
          });
        });
        return view(ctx.actor, level, (await repo.loadAssessment(caseId, id))!);
      }
      return edit(ctx, caseId, id, patch.expectedVersion, 'location.update', (row, current) => {
        const changes: Partial<LocationAssessmentsTable> = {};
        const details: Record<string, unknown> = {};
        if (patch.title !== undefined) changes.title = patch.title;
        if (patch.countryPrior !== undefined) {
          changes.country_prior = patch.countryPrior;
          details.countryPrior = patch.countryPrior;
        }
        if (patch.enabled !== undefined) {
          const known = evidenceIds(current, JSON.parse(row.analyst_items) as StoredAnalystItem[]);
          const unknown = Object.keys(patch.enabled).filter((k) => !known.has(k));
          if (unknown.length > 0) throw new BadRequestError(`No evidence item ${unknown.join(', ')} in this assessment.`, 'unknown-item');
          const disabled = new Set(JSON.parse(row.disabled_items) as string[]);
          for (const [itemId, on] of Object.entries(patch.enabled)) {
            if (on) disabled.delete(itemId);
            else disabled.add(itemId);
          }
          changes.disabled_items = JSON.stringify([...disabled].sort());
          details.enabled = patch.enabled;
        }
        return { changes, details };
      });
    },

    async addItem(ctx: RequestContext, caseId: string, id: string, input: AnalystItemInput): Promise<AssessmentView> {
      checkAnalystItem(input);
      return edit(ctx, caseId, id, undefined, 'location.item.add', (row) => {
        const items = JSON.parse(row.analyst_items) as StoredAnalystItem[];
        if (items.length >= ANALYST_LIMITS.items) throw new BadRequestError(`An assessment holds at most ${ANALYST_LIMITS.items} analyst items.`, 'too-many-items');
        const item: StoredAnalystItem = { id: newId(), input, addedBy: actorName(ctx.actor), addedAt: nowIso() };
        return { changes: { analyst_items: JSON.stringify([...items, item]) }, details: { itemId: item.id, kind: input.kind } };
      });
    },

    async updateItem(ctx: RequestContext, caseId: string, id: string, itemId: string, patch: ItemPatch): Promise<AssessmentView> {
      if (patch.item) checkAnalystItem(patch.item);
      return edit(ctx, caseId, id, patch.expectedVersion, 'location.item.update', (row, current) => {
        const items = JSON.parse(row.analyst_items) as StoredAnalystItem[];
        if (!evidenceIds(current, items).has(itemId)) throw new NotFoundError('The evidence item');
        const changes: Partial<LocationAssessmentsTable> = {};
        const details: Record<string, unknown> = { itemId };
        if (patch.item) {
          const at = items.findIndex((i) => i.id === itemId);
          if (at < 0) throw new BadRequestError('Only items an analyst entered can be changed; gathered items can be switched off.', 'not-analyst-item');
          items[at] = { ...items[at]!, input: patch.item, addedBy: actorName(ctx.actor), addedAt: nowIso() };
          changes.analyst_items = JSON.stringify(items);
          details.kind = patch.item.kind;
        }
        if (patch.enabled !== undefined) {
          const disabled = new Set(JSON.parse(row.disabled_items) as string[]);
          if (patch.enabled) disabled.delete(itemId);
          else disabled.add(itemId);
          changes.disabled_items = JSON.stringify([...disabled].sort());
          details.enabled = patch.enabled;
        }
        return { changes, details };
      });
    },

    async removeItem(ctx: RequestContext, caseId: string, id: string, itemId: string): Promise<AssessmentView> {
      return edit(ctx, caseId, id, undefined, 'location.item.remove', (row, current) => {
        const items = JSON.parse(row.analyst_items) as StoredAnalystItem[];
        if (!items.some((i) => i.id === itemId)) {
          if (evidenceIds(current, items).has(itemId)) throw new BadRequestError('Only items an analyst entered can be removed; gathered items can be switched off.', 'not-analyst-item');
          throw new NotFoundError('The evidence item');
        }
        const disabled = (JSON.parse(row.disabled_items) as string[]).filter((d) => d !== itemId);
        return { changes: { analyst_items: JSON.stringify(items.filter((i) => i.id !== itemId)), disabled_items: JSON.stringify(disabled) }, details: { itemId } };
      });
    },

    /** Soft erasure: gone from every view; the rows stay for the audit trail. */
    async remove(ctx: RequestContext, caseId: string, id: string, reason: string): Promise<void> {
      const { row, level } = await load(ctx, caseId, id, 'case.contribute');
      if (!mayEdit(ctx.actor, level, row)) throw new NotFoundError('The location assessment');
      await db.transaction().execute(async (trx) => {
        await repo.markDeleted(trx, id, actorName(ctx.actor), reason, nowIso());
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'erasure',
          action: 'location.delete',
          object: { type: 'location-assessment', id },
          caseId,
          justification: ctx.justification ?? reason,
          details: { reason },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
    },

    async versions(ctx: RequestContext, caseId: string, id: string): Promise<VersionSummary[]> {
      const { row } = await load(ctx, caseId, id, 'case.read');
      const fresh = await refresh(ctx, row);
      const rows = await repo.listVersions(fresh.id);
      await consulted(ctx, caseId, 'location.versions', id);
      return rows.map((r) => summaryOf({ ...r, version: Number(r.version) }));
    },

    async version(ctx: RequestContext, caseId: string, id: string, version: number): Promise<VersionView> {
      const { row } = await load(ctx, caseId, id, 'case.read');
      const v = await repo.loadVersion(row.id, version);
      if (!v) throw new NotFoundError(`Version ${version} of the location assessment`);
      const result = JSON.parse(v.result) as StoredResult;
      await consulted(ctx, caseId, 'location.version', id, { version });
      return {
        assessmentId: id,
        version: v.version,
        reason: v.reason as VersionReason,
        createdAt: v.created_at,
        createdBy: v.created_by,
        evidence: evidenceView(JSON.parse(v.evidence) as SnapshotItem[], result),
        result: resultView(result),
      };
    },

    async compare(ctx: RequestContext, caseId: string, id: string, from: number, to: number): Promise<Comparison> {
      const { row } = await load(ctx, caseId, id, 'case.read');
      const comparison = compareVersions(await comparable(row, from), await comparable(row, to));
      await consulted(ctx, caseId, 'location.compare', id, { from, to });
      return comparison;
    },
  };
}
