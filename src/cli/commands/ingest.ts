import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { estimateInputs } from '../../ingest/estimate.js';
import type { IngestProgress, IngestSummary } from '../../ingest/ingest-schemas.js';
import { PROBLEMS, type ProblemCode } from '../../ingest/problems.js';
import { globals, UsageError, withNode } from '../node-context.js';

function batch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('an integer from 1 to 10000');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new InvalidArgumentError('an integer from 0 to 256');
  return n;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One terminal line, redrawn in place: files, rates, ETA and errors. */
export function progressLine(p: IngestProgress, width = 80): string {
  const total = p.estimatedBytes && p.estimatedBytes > 0 ? Math.min(1, p.bytesDone / p.estimatedBytes) : undefined;
  const barWidth = 20;
  const bar = total === undefined ? '' : `[${'#'.repeat(Math.round(total * barWidth)).padEnd(barWidth, '.')}] ${String(Math.floor(total * 100)).padStart(3)}% `;
  const files = p.estimatedFiles ? `${p.filesDone}/~${p.estimatedFiles}` : `${p.filesDone}`;
  const eta = p.etaSeconds !== undefined && !p.walkDone ? `  ETA ${duration(p.etaSeconds)}` : '';
  const line = `${bar}${files} files  ${p.filesPerSecond.toFixed(1)} files/s  ${mb(p.bytesPerSecond)} MB/s${eta}  errors ${p.errors}`;
  return line.length > width ? line.slice(0, width) : line;
}

export function summaryText(s: IngestSummary, caseRef: string): string {
  const lines = [
    `Ingest ${s.ingestId} into case ${caseRef} (source "${s.source}")${s.runs > 1 ? `, run ${s.runs}` : ''}: ${s.status}`,
    `  files seen       ${s.filesSeen}  (${mb(s.bytes)} MB${s.archives ? `, ${s.archives} archive${s.archives === 1 ? '' : 's'} walked` : ''})`,
    `  new media        ${s.newMedia}`,
    `  duplicates       ${s.duplicates}${s.alreadyInNode ? `  (${s.alreadyInNode} item${s.alreadyInNode === 1 ? '' : 's'} already in this node)` : ''}`,
    `  known            ${s.known}${s.knownMedia ? `  (${s.knownMedia} item${s.knownMedia === 1 ? '' : 's'} in a known hash set)` : ''}`,
    `  near-duplicates  ${s.nearDuplicates}  (new items that look like one already in the node)`,
    `  refused          ${s.refused}`,
  ];
  const reasons = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    lines.push('  problems by reason:');
    for (const [code, n] of reasons) lines.push(`    ${String(n).padStart(6)}  ${code} — ${PROBLEMS[code as ProblemCode] ?? code}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest')
    .description('take in a seized device: folders and zip/tar/tar.gz archives, resumable (run the same command again after a crash)')
    .argument('<paths...>', 'folders, archives or files')
    .requiredOption('--case <ref>', 'case reference or id')
    .option('--source <label>', 'where the files come from, e.g. "phone-1 (exhibit 12)" (default: the input names)')
    .option('--agency <id>', 'lead agency of the case, when several agencies use the same reference')
    .option('--workers <n>', `worker threads (default ${availableParallelism()}, the cores)`, count)
    .option('--batch <n>', 'files committed per transaction (default 64); smaller loses less work to a crash, larger is faster', batch)
    .option('--json', 'print the summary as JSON (no progress bar)')
    .action(async (paths: string[], options: { case: string; source?: string; agency?: string; workers?: number; batch?: number; json?: boolean }, command: Command) => {
      for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p} does not exist`);
      await withNode(globals(command), async ({ services, ctx }) => {
        const target = await services.ingest.resolveCase(options.case, options.agency);
        const { record, created } = await services.ingest.prepare(ctx, { caseId: target.id, inputs: paths, ...(options.source ? { source: options.source } : {}) });
        const tty = !options.json && process.stderr.isTTY === true;
        if (!options.json) {
          process.stderr.write(created ? `ingest ${record.id} started\n` : `resuming ingest ${record.id} (run ${record.runs + 1})\n`);
        }
        const controller = new AbortController();
        let interrupts = 0;
        const onSigint = () => {
          interrupts++;
          if (interrupts === 1) {
            process.stderr.write('\nstopping: finishing the files in flight (Ctrl-C again to quit at once; run the same command to resume)\n');
            controller.abort();
          } else process.exit(130);
        };
        process.on('SIGINT', onSigint);
        process.on('SIGTERM', onSigint);
        const estimate = tty ? await estimateInputs(paths) : undefined;
        const width = Math.max(40, (process.stderr.columns || 100) - 1);
        try {
          const outcome = await services.ingest.run(ctx, record.id, {
            ...(options.workers !== undefined ? { workers: options.workers } : {}),
            ...(options.batch !== undefined ? { batchSize: options.batch } : {}),
            signal: controller.signal,
            ...(estimate ? { estimate } : {}),
            ...(tty ? { onProgress: (p: IngestProgress) => process.stderr.write(`\r${progressLine(p, width).padEnd(width)}`) } : {}),
          });
          if (tty) process.stderr.write('\n');
          if (options.json) process.stdout.write(`${JSON.stringify(outcome.summary, null, 2)}\n`);
          else process.stdout.write(summaryText(outcome.summary, target.reference));
          if (outcome.interrupted) process.exitCode = 1;
        } finally {
          process.off('SIGINT', onSigint);
          process.off('SIGTERM', onSigint);
        }
      });
    });

  const hashset = program.command('hashset').description('known hash sets (Project VIC VICS JSON, CSV digest lists) matched against all media');
  hashset
    .command('import')
    .description('import a hash set and match it against every media item of the node')
    .argument('<file>', 'VICS JSON or CSV file')
    .requiredOption('--format <format>', 'vics or csv')
    .requiredOption('--name <name>', 'a name for the set, unique on this node')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { format: string; name: string; json?: boolean }, command: Command) => {
      if (options.format !== 'vics' && options.format !== 'csv') throw new UsageError('--format is vics or csv');
      if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
      await withNode(globals(command), async ({ services, ctx }) => {
        const r = await services.hashSets.import(ctx, { name: options.name, format: options.format as 'vics' | 'csv', content: readFileSync(file), fileName: file });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        process.stdout.write(`imported "${r.set.name}" (${r.set.id}): ${r.set.entries} entries${r.skipped ? `, ${r.skipped} skipped (no usable digest)` : ''}\n`);
        for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
        process.stdout.write(`matched ${r.matches.media} media item(s) of this node: ${r.matches.exact} exact, ${r.matches.near} near (PDQ distance <= 31)\n`);
      });
    });
  hashset
    .command('list')
    .description('list the hash sets with their entries and matched media')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const sets = await services.hashSets.list(ctx);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(sets, null, 2)}\n`);
          return;
        }
        if (sets.length === 0) process.stdout.write('no hash sets\n');
        for (const s of sets) process.stdout.write(`${s.name}\t${s.format}\t${s.entries} entries\t${s.matchedMedia} matched\timported ${s.importedAt} by ${s.importedBy}\t${s.id}\n`);
      });
    });
  hashset
    .command('delete')
    .description('delete a hash set, its matches and the categories it set')
    .argument('<name-or-id>')
    .action(async (nameOrId: string, _options: unknown, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        await services.hashSets.remove(ctx, nameOrId);
        process.stdout.write(`deleted ${nameOrId}\n`);
      });
    });
  hashset
    .command('export')
    .description("write a case's media as a hash set (VICS JSON or CSV)")
    .requiredOption('--case <ref>', 'case reference or id')
    .requiredOption('--format <format>', 'vics or csv')
    .option('--agency <id>', 'lead agency of the case, when several agencies use the same reference')
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (options: { case: string; format: string; agency?: string; out?: string }, command: Command) => {
      if (options.format !== 'vics' && options.format !== 'csv') throw new UsageError('--format is vics or csv');
      await withNode(globals(command), async ({ services, ctx }) => {
        const target = await services.ingest.resolveCase(options.case, options.agency);
        const out = await services.hashSets.exportCase(ctx, target.id, options.format as 'vics' | 'csv');
        if (options.out) {
          writeFileSync(options.out, out.body, { mode: 0o600 });
          process.stderr.write(`wrote ${options.out}\n`);
        } else process.stdout.write(out.body);
      });
    });
}
