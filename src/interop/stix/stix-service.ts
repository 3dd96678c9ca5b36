import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { ForbiddenError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import { selectForExport } from '../../intel/records/export-selection.js';
import { agencyOf } from '../../intel/records/record-service.js';
import type { Database } from '../../store/schema.js';
import { exportStix, type StixBundle } from './stix-export.js';

/** Who may put case intelligence in a file that leaves the node. */
export const EXPORT_ROLES = ['investigator', 'analyst'] as const;

export function requireExportRole(ctx: RequestContext): void {
  if (ctx.actor.kind === 'user' && !ctx.actor.roles.some((r) => (EXPORT_ROLES as readonly string[]).includes(r))) {
    throw new ForbiddenError('Exports are made by investigators and analysts.');
  }
}

export type StixService = ReturnType<typeof createStixService>;

export function createStixService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;
  return {
    /**
     * The case as a STIX 2.1 bundle for the caller's agency. An export is a disclosure: it is logged with the
     * recipient the caller names (or "file"), the records that went out and how many were held back.
     */
    async exportCase(ctx: RequestContext, caseId: string, recipient?: string): Promise<{ bundle: StixBundle; omitted: number }> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      requireExportRole(ctx);
      const selection = await selectForExport(db, caseId, agencyOf(ctx.actor));
      const bundle = exportStix(selection);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'disclosure',
        action: 'case.export.stix',
        object: { type: 'case', id: caseId },
        caseId,
        justification: ctx.justification,
        recipients: [recipient?.trim() || 'file'],
        details: { objects: bundle.objects.length, records: selection.records.map((r) => r.id), selectors: selection.selectors.length, omitted: selection.omitted.length },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { bundle, omitted: selection.omitted.length };
    },
  };
}
