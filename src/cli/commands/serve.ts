import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createLogger, startNode } from '../../server/start.js';
import { configFrom, type GlobalOptions } from '../node-context.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run a Tessera node (web app and API)')
    .option('--port <port>', 'TCP port (env PORT, default 8080)', port)
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--role <role>', 'agency or hub (env TESSERA_ROLE, default agency)')
    .action(async (options: { port?: number; host?: string; role?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.role && options.role !== 'agency' && options.role !== 'hub') throw new InvalidArgumentError('--role is agency or hub');
      const config = configFrom(globals, {
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host ? { host: options.host } : {}),
        ...(options.role ? { role: options.role as 'agency' | 'hub' } : {}),
      });
      await startNode(config, createLogger(config));
    });
}
