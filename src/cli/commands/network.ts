import type { Command } from 'commander';
import type { Services } from '../../server/services.js';
import { globals, hostedAgency, UsageError, withNode } from '../node-context.js';

function requireHub(services: Services): void {
  if (services.config.role !== 'hub') throw new UsageError('this is a hub command: run it with the hub\'s data directory and TESSERA_ROLE=hub (or --role hub)');
}

/**
 * `tessera network …`: on a hub, enrol agencies and approve or suspend members; on an agency node, join a hub, show
 * the membership, rotate keys, re-pin a partner's keys and sync now.
 */
export function registerNetworkCommands(program: Command): void {
  const network = program.command('network').description('the exchange network: hub membership, enrolment, keys');
  const roleOption = (c: Command) => c.option('--role <role>', 'agency or hub (env TESSERA_ROLE)');
  const withRole = (command: Command) => {
    const role = (command.opts() as { role?: string }).role;
    if (role && role !== 'agency' && role !== 'hub') throw new UsageError('--role is agency or hub');
    if (role) process.env.TESSERA_ROLE = role;
  };

  roleOption(
    network
      .command('enrol')
      .description('(hub) issue a one-time enrolment token for a named agency; prints the token')
      .requiredOption('--name <name>', 'the agency as the network will see it')
      .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country code (or EU, UN, INT)'),
  ).action(async (options: { name: string; country: string }, command: Command) => {
    withRole(command);
    await withNode(globals(command), async ({ services, ctx }) => {
      requireHub(services);
      const { token, enrolment } = await services.exchange.hub.members.enrol(ctx, options);
      process.stderr.write(`enrolment for ${enrolment.name} (${enrolment.country}), valid until ${enrolment.expiresAt}\n`);
      process.stdout.write(`${token}\n`);
    });
  });

  roleOption(network.command('members').description('(hub) list member agencies')).action(async (_options: unknown, command: Command) => {
    withRole(command);
    await withNode(globals(command), async ({ services }) => {
      requireHub(services);
      for (const m of await services.exchange.hub.members.members()) {
        process.stdout.write(`${m.agencyId}  ${m.status.padEnd(9)}  ${m.country.padEnd(3)}  ${m.name}\n`);
        // Key ids are thumbprints: compare them with the agency out of band before approving it.
        for (const k of m.keys.filter((x) => x.status === 'current')) process.stdout.write(`    ${k.use} key ${k.kid}\n`);
      }
    });
  });

  for (const verb of ['approve', 'suspend'] as const) {
    roleOption(
      network
        .command(`${verb} <agency>`)
        .description(verb === 'approve' ? '(hub) approve a member that joined (or reinstate a suspended one); id or exact name' : '(hub) suspend a member; id or exact name'),
    ).action(async (agency: string, _options: unknown, command: Command) => {
      withRole(command);
      await withNode(globals(command), async ({ services, ctx }) => {
        requireHub(services);
        const id = await services.exchange.hub.members.resolve(agency);
        const member = await services.exchange.hub.members[verb](ctx, id);
        process.stdout.write(`${member.name} (${member.agencyId}) is ${member.status}\n`);
      });
    });
  }

  network
    .command('join')
    .description("join a hub with the enrolment token its administrator gave you (sends the agency's public keys)")
    .requiredOption('--hub <url>', "the hub's URL, e.g. https://hub.example.org")
    .requiredOption('--token <token>', 'the enrolment token (tsn1.…)')
    .option('--agency <id>', 'the hosted agency that joins (default: the only one)')
    .action(async (options: { hub: string; token: string; agency?: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const agencyId = await hostedAgency(services, options.agency);
        const m = await services.exchange.membership.join(ctx, { hubUrl: options.hub, token: options.token, agencyId });
        process.stdout.write(`joined ${m.hubUrl} (hub ${m.hubId}) as ${agencyId}: ${m.status}\n`);
        if (m.status === 'pending') process.stdout.write('The hub administrator must now approve the agency (tessera network approve).\n');
      });
    });

  network
    .command('status')
    .description("an agency's membership, outbox and rejected envelopes")
    .option('--agency <id>', 'the hosted agency (default: the only one)')
    .action(async (options: { agency?: string }, command: Command) => {
      await withNode(globals(command), async ({ services }) => {
        const agencyId = await hostedAgency(services, options.agency);
        const m = await services.exchange.membership.membership(agencyId);
        if (!m) {
          process.stdout.write(`${agencyId} has not joined a network\n`);
          return;
        }
        process.stdout.write(`agency      ${agencyId}\nhub         ${m.hubUrl} (${m.hubId})\nstatus      ${m.status}\ndirectory   version ${m.directoryVersion}\n`);
        process.stdout.write(`contact     ${m.lastContactAt ?? 'never'}${m.lastError ? `; last error: ${m.lastError}` : ''}\n`);
        process.stdout.write(`outbox      ${await services.exchange.outbox.pending(agencyId)} waiting\n`);
        const rejections = await services.exchange.messages.rejections(agencyId, 10);
        process.stdout.write(`rejected    ${rejections.length}${rejections.length ? ` (latest: ${rejections[0]!.code}, ${rejections[0]!.reason})` : ''}\n`);
        for (const k of await services.exchange.keys.publicKeys(agencyId)) process.stdout.write(`key         ${k.use} ${k.status.padEnd(7)} ${k.kid}\n`);
      });
    });

  network
    .command('rotate-keys')
    .description("new signing and encryption keys for an agency (the hub learns them; old keys stay for reading)")
    .option('--agency <id>', 'the hosted agency (default: the only one)')
    .action(async (options: { agency?: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const agencyId = await hostedAgency(services, options.agency);
        const rotated = await services.exchange.membership.rotateKeys(ctx, agencyId);
        process.stdout.write(`new keys: sig ${rotated.sig}, enc ${rotated.enc}\n`);
      });
    });

  network
    .command('trust')
    .description("re-pin another agency's keys after checking its signing key id with it out of band (clears a key continuity alarm)")
    .requiredOption('--agency <id>', 'the network agency whose keys the directory lists')
    .requiredOption('--kid <kid>', 'its signing key id, as the agency itself told you')
    .action(async (options: { agency: string; kid: string }, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        const pinned = await services.exchange.membership.trust(ctx, options.agency, options.kid);
        process.stdout.write(`pinned for ${options.agency}: sig ${pinned.sig}, enc ${pinned.enc}${pinned.previous ? ` (was sig ${pinned.previous})` : ''}\n`);
      });
    });

  network
    .command('sync')
    .description('refresh the directory, send the outbox and take in the inbox once, now')
    .option('--agency <id>', 'the hosted agency (default: the only one)')
    .action(async (options: { agency?: string }, command: Command) => {
      await withNode(globals(command), async ({ services }) => {
        const agencyId = await hostedAgency(services, options.agency);
        const version = await services.exchange.membership.refreshDirectory(agencyId);
        const sent = await services.exchange.outbox.flush(agencyId);
        const taken = await services.exchange.inbox.pollOnce(agencyId, 0);
        process.stdout.write(`directory v${version}; sent ${sent.sent} (${sent.waiting} waiting, ${sent.failed} refused); received ${taken.accepted}, rejected ${taken.rejected}\n`);
      });
    });
}
