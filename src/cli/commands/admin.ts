import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { NotFoundError } from '../../errors.js';
import { ROLES } from '../../identity/roles.js';
import { migrationStatus, migrateToLatest } from '../../store/migrate.js';
import { openStore } from '../../store/database.js';
import { configFrom, globals, readStdin, UsageError, withNode } from '../node-context.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** The node's administrative commands: database, agencies, users, tokens, audit verification. */
export function registerAdminCommands(program: Command): void {
  const db = program.command('db').description('database schema');
  db.command('status')
    .description('list migrations and whether each is applied')
    .action(async (_options: unknown, command: Command) => {
      const config = configFrom(globals(command));
      const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
      try {
        const { known, unknown } = await migrationStatus(store.db);
        process.stdout.write(`database: ${store.location} (${store.dialect})\n`);
        for (const m of known) process.stdout.write(`  ${m.executedAt ? 'applied ' : 'pending '} ${m.name}${m.executedAt ? `  ${m.executedAt}` : ''}\n`);
        for (const name of unknown) process.stdout.write(`  UNKNOWN  ${name}  (from a newer Tessera)\n`);
        if (unknown.length) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
  db.command('migrate')
    .description('apply pending migrations (the server also does this at start)')
    .action(async (_options: unknown, command: Command) => {
      const config = configFrom(globals(command));
      const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
      try {
        const applied = await migrateToLatest(store.db, (r) => process.stdout.write(`migration ${r.migrationName}: ${r.status.toLowerCase()}\n`));
        process.stdout.write(applied ? `${applied} migration(s) applied\n` : 'database is up to date\n');
      } finally {
        await store.close();
      }
    });

  program
    .command('agency')
    .description('agencies hosted on this node')
    .command('create')
    .description('create an agency hosted on this node; prints its id')
    .requiredOption('--name <name>', 'agency name')
    .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country code (or EU, UN, INT)')
    .action(async (options: { name: string; country: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const agency = await services.agencies.create(ctx, { name: options.name, country: options.country, hosted: true });
        process.stdout.write(`${agency.id}\n`);
      });
    });

  const user = program.command('user').description('users');
  user
    .command('create')
    .description('create a user; the password is read from standard input')
    .requiredOption('--agency <id>', 'agency id')
    .requiredOption('--username <username>', 'unique on this node')
    .requiredOption('--role <role>', `role(s), repeatable or comma-separated: ${ROLES.join(', ')}`, collect)
    .option('--display-name <name>', 'name shown in the app')
    .option('--password-stdin', 'read the password from standard input (required)')
    .action(async (options: { agency: string; username: string; role: string[]; displayName?: string; passwordStdin?: boolean }, command: Command) => {
      if (!options.passwordStdin) throw new UsageError('--password-stdin is required: pipe the password in, never pass it as an argument');
      const password = await readStdin();
      await withNode(globals(command), async ({ services, ctx }) => {
        const created = await services.users.create(ctx, {
          agencyId: options.agency,
          username: options.username,
          roles: options.role,
          password,
          ...(options.displayName ? { displayName: options.displayName } : {}),
        });
        process.stdout.write(`${created.id}\n`);
      });
    });
  user
    .command('unlock')
    .description('lift a sign-in lockout')
    .requiredOption('--username <username>')
    .action(async (options: { username: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const found = await services.users.findByUsername(options.username);
        if (!found) throw new NotFoundError(`The user ${options.username}`);
        await services.users.update(ctx, found.id, { unlock: true });
        process.stdout.write(`unlocked ${found.username}\n`);
      });
    });

  program
    .command('token')
    .description('personal API tokens')
    .command('create')
    .description("create an API token for a user (for scripts); prints it once")
    .requiredOption('--username <username>')
    .option('--name <name>', 'what the token is for', 'cli')
    .action(async (options: { username: string; name: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const found = await services.users.findByUsername(options.username);
        if (!found) throw new NotFoundError(`The user ${options.username}`);
        const token = await services.auth.createToken(ctx, found.id, options.name);
        process.stdout.write(`${token.token}\n`);
      });
    });

  const audit = program.command('audit').description('the audit trail');
  audit
    .command('checkpoint')
    .description("sign the trail's head now with the node's key and print the checkpoint (a running node does so every hour)")
    .action(async (_options: unknown, command: Command) => {
      await withNode(globals(command), async ({ services }) => {
        const made = (await services.auditCheckpoints.checkpoint()) ?? (await services.auditCheckpoints.latest());
        if (!made) {
          process.stdout.write('The audit trail is empty: nothing to sign.\n');
          return;
        }
        process.stdout.write(`${made.jws}\n`);
        process.stderr.write(`checkpoint at event #${made.seq} ${made.hash} (signed ${made.at}); keep it outside the node\n`);
      });
    });
  audit
    .command('verify')
    .description('walk the hash chain and check the signed checkpoints; exit 0 when intact, 1 naming the first break')
    .option('--checkpoint <jws...>', 'also check checkpoints kept outside the node (the JWS from the log, or a file holding it)')
    .action(async (options: { checkpoint?: string[] }, command: Command) => {
      await withNode(globals(command), async ({ services }) => {
        const result = await services.audit.verify();
        if (!result.ok) {
          const b = result.firstBroken!;
          process.stdout.write(`audit trail BROKEN at event #${b.seq} (${b.id}): ${b.reason}\n${result.checked} events before it verified.\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`audit trail intact: ${result.checked} events` + (result.head ? `; head #${result.head.seq} ${result.head.hash}\n` : '\n'));
        const external = (options.checkpoint ?? []).map((c) => (existsSync(c) ? readFileSync(c, 'utf8') : c));
        const checks = [
          ...(await services.auditCheckpoints.verifyStored()).map((c) => ({ ...c, where: 'stored' })),
          ...(await Promise.all(external.map((jws) => services.auditCheckpoints.verifyExternal(jws)))).map((c) => ({ ...c, where: 'given' })),
        ];
        const failed = checks.filter((c) => !c.ok);
        for (const c of failed) process.stdout.write(`checkpoint FAILS (${c.where}${c.seq >= 0 ? `, event #${c.seq}` : ''}${c.at ? `, signed ${c.at}` : ''}): ${c.reason}\n`);
        if (failed.length > 0) {
          process.exitCode = 1;
          return;
        }
        const newest = checks.reduce<(typeof checks)[number] | undefined>((a, c) => (!a || c.seq > a.seq ? c : a), undefined);
        process.stdout.write(
          checks.length > 0
            ? `${checks.length} signed checkpoint(s) match the trail, the newest at event #${newest!.seq} (${newest!.at}).\n`
            : 'No signed checkpoint yet (a running node signs the head at start and every hour).\n',
        );
        process.stdout.write('Keep the checkpoints the node logs (or the head hash) elsewhere: a later verify must reach them, or the tail was cut.\n');
      });
    });
}
