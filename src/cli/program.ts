import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { AppError } from '../errors.js';
import { UnknownMigrationsError } from '../store/migrate.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerNetworkCommands } from './commands/network.js';
import { registerIntelCommands } from './commands/intel.js';
import { registerMatchingCommands } from './commands/matching.js';
import { registerMediaCommands } from './commands/media.js';
import { registerServeCommand } from './commands/serve.js';
import { registerIngestCommands } from './commands/ingest.js';
import { registerVictimCommands } from './commands/victims.js';
import { UsageError } from './node-context.js';

/** Exit codes: 0 ok, 1 failure, 2 usage. */
export function buildProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera — secure collaboration for agencies investigating online child sexual exploitation')
    .option('--data-dir <dir>', 'data directory (env TESSERA_DATA_DIR, default ./data)')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerAdminCommands(program);
  registerNetworkCommands(program);
  registerMediaCommands(program);
  registerMatchingCommands(program);
  registerIntelCommands(program);
  registerIngestCommands(program);
  registerVictimCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof AppError || err instanceof UnknownMigrationsError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
