import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { newId, nowIso } from '../store/ids.js';
import type { AgenciesTable, Database } from '../store/schema.js';
import type { RequestContext } from './context.js';
import { isCountryCode } from './country.js';

export interface Agency {
  id: string;
  name: string;
  country: string;
  status: 'active' | 'pending' | 'suspended';
  hosted: boolean;
  nodeUrl: string | null;
  createdAt: string;
}

export interface NewAgency {
  name: string;
  country: string;
  hosted?: boolean;
  nodeUrl?: string | null;
}

export function toAgency(row: AgenciesTable): Agency {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    status: row.status as Agency['status'],
    hosted: row.hosted === 1,
    nodeUrl: row.node_url,
    createdAt: row.created_at,
  };
}

export function normaliseAgencyInput(input: NewAgency): { name: string; country: string } {
  const name = input.name.trim().replace(/\s+/g, ' ');
  const country = input.country.trim().toUpperCase();
  if (name.length < 2) throw new BadRequestError('An agency needs a name of at least 2 characters.', 'invalid-agency');
  if (!isCountryCode(country)) {
    throw new BadRequestError(`"${input.country}" is not an ISO 3166-1 alpha-2 country code (e.g. PT, GB) or EU/UN/INT.`, 'invalid-country');
  }
  return { name, country };
}

export type AgencyService = ReturnType<typeof createAgencyService>;

export function createAgencyService(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  /** Runs inside the creating transaction (the exchange gives a new hosted agency its key pairs here). */
  onCreated?: (trx: Kysely<Database>, agency: Agency) => Promise<void>;
}) {
  const { db, audit } = deps;
  return {
    async create(ctx: RequestContext, input: NewAgency, into: Kysely<Database> = db): Promise<Agency> {
      const { name, country } = normaliseAgencyInput(input);
      const row: AgenciesTable = {
        id: newId(),
        name,
        country,
        status: 'active',
        hosted: input.hosted === false ? 0 : 1,
        node_url: input.nodeUrl ?? null,
        created_at: nowIso(),
      };
      const write = async (trx: Kysely<Database>) => {
        await trx.insertInto('agencies').values(row).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: 'agency.create',
          object: { type: 'agency', id: row.id },
          details: { name, country },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        await deps.onCreated?.(trx, toAgency(row));
      };
      if (into.isTransaction) await write(into);
      else await into.transaction().execute(write);
      return toAgency(row);
    },

    async get(id: string): Promise<Agency> {
      const row = await db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError('The agency');
      return toAgency(row);
    },

    async list(): Promise<Agency[]> {
      const rows = await db.selectFrom('agencies').selectAll().orderBy('name').execute();
      return rows.map(toAgency);
    },

    async countHosted(): Promise<number> {
      const row = await db.selectFrom('agencies').select((eb) => eb.fn.countAll<number>().as('n')).where('hosted', '=', 1).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
