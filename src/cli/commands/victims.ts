import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { systemActor } from '../../identity/actor.js';
import { globals, UsageError, withNode } from '../node-context.js';

/**
 * Victim identification from the command line, for a triage laptop after `tessera ingest`: series proposals of a case,
 * and a VICS file from another agency or tool applied to a case. Both act as the node for the case's lead agency and
 * are audited like the same actions in the web app.
 */
export function registerVictimCommands(program: Command): void {
  const series = program.command('series').description('series of media that show the same victim or scene');

  series
    .command('propose')
    .description('compute series proposals of a case (near-duplicates in any orientation, crops, camera serials, tags, hash-set series) and list them')
    .requiredOption('--case <ref>', 'case reference or id')
    .option('--agency <id>', 'lead agency of the case, when several agencies use the same reference')
    .option('--json', 'print the proposals as JSON')
    .action(async (options: { case: string; agency?: string; json?: boolean }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const target = await services.ingest.resolveCase(options.case, options.agency);
        const refreshed = await services.seriesProposals.refresh(ctx, target.id);
        const { items } = await services.seriesProposals.list(ctx, target.id, { limit: 500 });
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...refreshed, proposals: items }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${refreshed.open} open proposal${refreshed.open === 1 ? '' : 's'} over ${refreshed.media} media items of ${target.reference} (${refreshed.added} new, ${refreshed.removed} no longer supported)\n`);
        for (const p of items) {
          const ev = p.evidence;
          const why = [ev.maxDistance !== undefined ? `PDQ <= ${ev.maxDistance}` : '', ev.orientedLinks ? `${ev.orientedLinks} rotated/mirrored` : '', ev.croppedLinks ? `${ev.croppedLinks} cropped` : '', ev.cameraSerial ? `camera ${ev.cameraSerial}` : '', ev.tag ? `tag "${ev.tag}"` : '', ev.setSeries ? `hash-set series "${ev.setSeries}"${ev.victimIdentified ? ' (victim identified)' : ''}` : '']
            .filter(Boolean)
            .join(', ');
          const what = p.kind === 'new' ? `new series of ${p.mediaIds.length}` : p.kind === 'extend' ? `add ${p.mediaIds.length} to ${p.series[0]?.code}` : `merge ${p.series.map((s) => s.code).join('+')}`;
          process.stdout.write(`  ${p.id}  ${what.padEnd(24)}  ${p.bases.join('+')}: ${why}\n`);
        }
      });
    });

  series
    .command('import-vics')
    .description("apply a VICS JSON file to a case: categories for uncategorised media, series and victim-identified flags as series")
    .argument('<file>', 'VICS JSON file')
    .requiredOption('--case <ref>', 'case reference or id')
    .option('--agency <id>', 'lead agency of the case, when several agencies use the same reference')
    .action(async (file: string, options: { case: string; agency?: string }, command: Command) => {
      if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
      await withNode(globals(command), async ({ services }) => {
        const target = await services.ingest.resolveCase(options.case, options.agency);
        const lead = await services.db.selectFrom('cases').select('lead_agency_id').where('id', '=', target.id).executeTakeFirstOrThrow();
        const ctx = { actor: systemActor('cli', lead.lead_agency_id) };
        const r = await services.seriesVics.importIntoCase(ctx, target.id, { fileName: path.basename(file), content: readFileSync(file, 'utf8') });
        process.stdout.write(
          `${r.matched} of ${r.entries} entries are media of ${target.reference}: ${r.categorised} categorised (${r.categoryConflicts} left as an examiner graded them), ` +
            `${r.seriesCreated} series created, ${r.seriesExtended} extended, ${r.seriesIdentified} marked victim-identified\n`,
        );
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      });
    });
}
