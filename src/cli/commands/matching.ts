import type { Command } from 'commander';
import { systemActor } from '../../identity/actor.js';
import { globals, hostedAgency, UsageError, withNode } from '../node-context.js';

/**
 * `tessera matching …`: hit/no-hit for an agency node (the network key, one synchronisation now, the state), and on
 * a hub the choice of the founding agency.
 */
export function registerMatchingCommands(program: Command): void {
  const matching = program.command('matching').description('cross-agency hit/no-hit: the network match key, publishing, hits');
  const agencyOption = (c: Command) => c.option('--agency <id>', 'the hosted agency (id or exact name); default: the only one');

  agencyOption(matching.command('status').description("the network key this agency holds, what it has published, its hits")).action(async (options: { agency?: string }, command: Command) => {
    await withNode(globals(command), async ({ services }) => {
      const agencyId = await hostedAgency(services, options.agency);
      const s = await services.matching.sharing.status({ actor: systemActor('cli', agencyId) });
      process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    });
  });

  agencyOption(matching.command('sync').description('publish what changed, withdraw what is no longer shared, fetch hits: now')).action(async (options: { agency?: string }, command: Command) => {
    await withNode(globals(command), async ({ services }) => {
      const agencyId = await hostedAgency(services, options.agency);
      const r = await services.matching.sync.sync(agencyId);
      if (r.skipped) process.stderr.write(`nothing published: ${r.skipped}\n`);
      process.stdout.write(`epoch ${r.epoch}: ${r.published} published, ${r.withdrawn} withdrawn, ${r.hitsReceived} new hits, ${r.hitsRemoved} hits gone, ${r.keysSent} keys sent\n`);
    });
  });

  agencyOption(matching.command('key').description('(founding agency) create the network match key, or rotate it; every member gets it sealed')).action(async (options: { agency?: string }, command: Command) => {
    await withNode(globals(command), async ({ services }) => {
      const agencyId = await hostedAgency(services, options.agency);
      const s = await services.matching.sharing.createKey({ actor: systemActor('cli', agencyId) });
      process.stdout.write(`epoch ${s.key?.epoch ?? '?'}, fingerprint ${s.key?.fingerprint ?? '?'}\n`);
    });
  });

  matching
    .command('founder <agency>')
    .description('(hub) name the member agency that creates and rotates the network key (id or exact name)')
    .action(async (agency: string, _options: unknown, command: Command) => {
      await withNode(globals(command), async ({ services, ctx }) => {
        if (services.config.role !== 'hub') throw new UsageError("this is a hub command: run it with the hub's data directory and TESSERA_ROLE=hub");
        const id = await services.exchange.hub.members.resolve(agency);
        const state = await services.matching.hub.setFounder(ctx, id);
        process.stdout.write(`the next epoch is announced by ${state.nextFounder}\n`);
      });
    });
}
