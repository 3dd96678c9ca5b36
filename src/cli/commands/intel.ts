import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { BadRequestError, NotFoundError } from '../../errors.js';
import type { UserActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import type { PostImport } from '../../intel/posts/import-service.js';
import { isDataSubjectCategory, isHandlingCode, type DataSubjectCategory, type HandlingCode } from '../../intel/vocabulary.js';
import type { Services } from '../../server/services.js';
import type { Database } from '../../store/schema.js';
import { UsageError, withNode, type GlobalOptions } from '../node-context.js';

const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

/** `import` and `export` are shared with other streams (VICS, CSV digests): reuse the group if one registered it. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** A case by its reference; `--agency` (the lead agency's id) settles a reference two agencies both use. */
export async function resolveCase(db: Kysely<Database>, reference: string, leadAgencyId?: string): Promise<{ id: string; leadAgencyId: string }> {
  let q = db.selectFrom('cases').select(['id', 'lead_agency_id']).where('reference', '=', reference);
  if (leadAgencyId) q = q.where('lead_agency_id', '=', leadAgencyId);
  const rows = await q.execute();
  if (rows.length === 0) throw new NotFoundError(`The case ${reference}`);
  if (rows.length > 1) throw new UsageError(`${rows.length} agencies use the reference ${reference}: add --agency <lead agency id>`);
  return { id: rows[0]!.id, leadAgencyId: rows[0]!.lead_agency_id };
}

/** `--as USERNAME`: the command acts as that user (their agency, roles and access apply; the audit names them). */
async function actingAs(services: Services, ctx: RequestContext, username: string | undefined): Promise<RequestContext> {
  if (!username) return ctx;
  const user = await services.users.findByUsername(username);
  if (!user || user.status !== 'active') throw new NotFoundError(`The active user ${username}`);
  const actor: UserActor = { kind: 'user', userId: user.id, username: user.username, agencyId: user.agencyId, roles: user.roles, via: 'token' };
  return { ...ctx, actor };
}

function fmt(n: number): string {
  return n.toLocaleString('en-GB');
}

/** A one-line progress bar on a terminal; on a pipe, nothing until the summary. */
export function progressBar(stream: NodeJS.WriteStream, total: number | null) {
  const started = Date.now();
  let last = 0;
  return {
    update(p: { bytesRead: number; imported: number; malformed: number }, force = false) {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      const ratio = total ? Math.min(1, p.bytesRead / total) : 0;
      const width = 30;
      const filled = Math.round(ratio * width);
      const seconds = ((now - started) / 1000).toFixed(1);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${fmt(p.imported)} posts  ${fmt(p.malformed)} malformed  ${seconds} s `);
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

function summary(result: PostImport, seconds: number): string {
  const p = result.progress;
  const lines = [
    `imported ${fmt(p.imported)} posts under ${fmt(p.identities)} new online identities, ${fmt(p.selectors)} selector occurrences linked, in ${seconds.toFixed(1)} s`,
    `${fmt(p.malformed)} malformed line(s)${p.malformed ? ' skipped' : ''}; import ${result.id}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Intelligence commands: importing captured posts; STIX and MISP exchange are added to the same groups. */
export function registerIntelCommands(program: Command): void {
  group(program, 'import', 'bring data into a case')
    .command('posts')
    .description('import captured posts (CSV with a header row, or JSON lines) into a case: {author, time, text, thread?, url?}')
    .argument('<file>', 'CSV or JSON-lines file')
    .requiredOption('--case <reference>', 'case reference')
    .option('--agency <id>', 'lead agency of the case, when two agencies use the same reference')
    .option('--as <username>', 'act as this user (their agency becomes the originator)')
    .option('--platform <platform>', 'platform of authors written as bare names (telegram, x, a forum host…); default: the host of each post URL')
    .option('--format <format>', 'csv or jsonl (default: from the file name or content)')
    .option('--handling <code>', 'TLP 2.0 handling code of the records', 'TLP:AMBER')
    .option('--data-subject <category>', 'data-subject category of the records: suspect, convicted, victim, witness, other', 'other')
    .option('--naive-times-utc', 'read times written without a zone as UTC (default: such lines are refused)')
    .action(
      async (
        file: string,
        options: { case: string; agency?: string; as?: string; platform?: string; format?: string; handling: string; dataSubject: string; naiveTimesUtc?: boolean },
        command: Command,
      ) => {
        if (options.format && options.format !== 'csv' && options.format !== 'jsonl') throw new UsageError('--format is csv or jsonl');
        const handling = options.handling.toUpperCase().startsWith('TLP:') ? options.handling.toUpperCase() : `TLP:${options.handling.toUpperCase()}`;
        if (!isHandlingCode(handling)) throw new UsageError('--handling is one of TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, TLP:GREEN, TLP:CLEAR');
        if (!isDataSubjectCategory(options.dataSubject)) throw new UsageError('--data-subject is one of suspect, convicted, victim, witness, other');
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new UsageError(`cannot read ${file}`);
        }
        const handle = await open(file, 'r');
        const head = Buffer.alloc(64);
        const { bytesRead } = await handle.read(head, 0, 64, 0);
        await handle.close();
        await withNode(globals(command), async ({ services, ctx }) => {
          const { id: caseId } = await resolveCase(services.db, options.case, options.agency);
          const as = await actingAs(services, ctx, options.as);
          const bar = progressBar(process.stderr, size);
          const started = Date.now();
          const result = await services.postImports.importStream(
            as,
            caseId,
            createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>,
            {
              fileName: path.basename(file),
              ...(options.format ? { format: options.format as 'csv' | 'jsonl' } : {}),
              ...(options.platform ? { platform: options.platform } : {}),
              handlingCode: handling as HandlingCode,
              dataSubject: options.dataSubject as DataSubjectCategory,
              naiveTimesAreUtc: options.naiveTimesUtc ?? false,
              totalBytes: size,
              head: head.subarray(0, bytesRead).toString('utf8'),
            },
            (p) => bar.update(p),
          );
          bar.update(result.progress, true);
          bar.done();
          process.stdout.write(summary(result, (Date.now() - started) / 1000));
          for (const e of result.errors.slice(0, 20)) process.stderr.write(`line ${e.line}: ${e.message}\n`);
          if (result.errors.length > 20) process.stderr.write(`… and ${fmt(result.progress.malformed - 20)} more (GET /api/v1/cases/${caseId}/imports/${result.id} lists the first 1000)\n`);
          if (result.progress.imported === 0 && result.progress.malformed > 0) throw new BadRequestError('No post could be imported.');
        });
      },
    );
}
