import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { systemActor, type UserActor } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import type { PostImport } from '../../intel/posts/import-service.js';
import { isDataSubjectCategory, isHandlingCode, type DataSubjectCategory, type HandlingCode } from '../../intel/vocabulary.js';
import type { Services } from '../../server/services.js';
import type { Database } from '../../store/schema.js';
import { globals, UsageError, withNode } from '../node-context.js';

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

/** Without --as, an export speaks for the case's lead agency: its handling rules decide what leaves. */
async function exporter(services: Services, ctx: RequestContext, username: string | undefined, leadAgencyId: string): Promise<RequestContext> {
  return username ? actingAs(services, ctx, username) : { ...ctx, actor: systemActor('cli', leadAgencyId) };
}

function writeOut(out: string | undefined, json: unknown): void {
  const text = `${JSON.stringify(json, null, 2)}\n`;
  if (out) writeFileSync(out, text, { mode: 0o600 });
  else process.stdout.write(text);
}

/** Intelligence commands: importing captured posts and MISP events, exporting a case as STIX 2.1 or MISP. */
export function registerIntelCommands(program: Command): void {
  const exports = group(program, 'export', 'take data out of the node (logged as a disclosure)');
  for (const format of ['stix', 'misp'] as const) {
    exports
      .command(format)
      .description(format === 'stix' ? 'a case as a STIX 2.1 bundle (TLP-marked; TLP:RED never leaves)' : 'a case as a MISP event (JSON; TLP:RED never leaves)')
      .requiredOption('--case <reference>', 'case reference')
      .option('--agency <id>', 'lead agency of the case, when two agencies use the same reference')
      .option('--as <username>', "export as this user (their agency's handling rules apply); default: the lead agency")
      .option('--recipient <name>', 'who the file is for (logged)', 'file')
      .option('--out <file>', 'write to a file (mode 0600) instead of standard output')
      .action(async (options: { case: string; agency?: string; as?: string; recipient: string; out?: string }, command: Command) => {
        await withNode(globals(command), async ({ services, ctx }) => {
          const found = await resolveCase(services.db, options.case, options.agency);
          const as = await exporter(services, ctx, options.as, found.leadAgencyId);
          const result = format === 'stix' ? await services.stix.exportCase(as, found.id, options.recipient) : await services.misp.exportCase(as, found.id, options.recipient);
          writeOut(options.out, 'bundle' in result ? result.bundle : result.event);
          if (result.omitted > 0) process.stderr.write(`${result.omitted} item(s) held back by their handling codes\n`);
        });
      });
  }

  group(program, 'import', 'bring data into a case')
    .command('misp')
    .description('import a MISP event (JSON) into a case; prints what Tessera does not model')
    .argument('<file>', 'MISP event JSON ({"Event": {...}})')
    .requiredOption('--case <reference>', 'case reference')
    .option('--agency <id>', 'lead agency of the case, when two agencies use the same reference')
    .option('--as <username>', 'act as this user (their agency becomes the originator)')
    .option('--handling <code>', 'handling code where the event carries no tlp: tag', 'TLP:AMBER')
    .action(async (file: string, options: { case: string; agency?: string; as?: string; handling: string }, command: Command) => {
      const handling = options.handling.toUpperCase().startsWith('TLP:') ? options.handling.toUpperCase() : `TLP:${options.handling.toUpperCase()}`;
      if (!isHandlingCode(handling)) throw new UsageError('--handling is one of TLP:RED, TLP:AMBER+STRICT, TLP:AMBER, TLP:GREEN, TLP:CLEAR');
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      await withNode(globals(command), async ({ services, ctx }) => {
        const found = await resolveCase(services.db, options.case, options.agency);
        const as = options.as ? await actingAs(services, ctx, options.as) : { ...ctx, actor: systemActor('cli', found.leadAgencyId) };
        const result = await services.misp.importEvent(as, found.id, json, { handlingCode: handling as HandlingCode });
        process.stdout.write(`imported "${result.event.info}": ${result.records} record(s), ${result.selectors} selector(s) (${result.invalid} invalid, kept as such)\n`);
        for (const d of result.dropped) process.stdout.write(`dropped ${d.count} × ${d.what}: ${d.reason}\n`);
        for (const i of result.ignored) process.stdout.write(`ignored ${i}\n`);
      });
    });

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
