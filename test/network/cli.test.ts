import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.js';
import { runCli, type CliResult } from '../support/cli.js';
import { startTestNode, type TestNode } from './support.js';

/**
 * Runs a command in this process (the commands are the same; a child process per call costs seconds each). The real
 * entry point is exercised once below and by test/cli.
 */
async function inProcess(args: string[], options: { env: Record<string, string> }): Promise<CliResult> {
  const savedEnv = { ...process.env };
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stdout = '';
  let stderr = '';
  Object.assign(process.env, options.env);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'tessera', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

describe('tessera network (CLI) against a running hub', () => {
  let hub: TestNode;
  const nodeDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-net-cli-'));
  const hubEnv = () => ({ TESSERA_DATA_DIR: hub.dataDir });
  const nodeEnv = { TESSERA_DATA_DIR: nodeDir };
  let agencyId = '';

  beforeAll(async () => {
    hub = await startTestNode('cli-hub', 'hub');
    agencyId = (await inProcess(['agency', 'create', '--name', 'Guardia Civil (test)', '--country', 'ES'], { env: nodeEnv })).stdout.trim();
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
    rmSync(nodeDir, { recursive: true, force: true });
  });

  it('enrols, joins, approves and shows the membership', async () => {
    const notHub = await inProcess(['network', 'enrol', '--name', 'X', '--country', 'ES'], { env: hubEnv() });
    expect(notHub.code).toBe(2);
    expect(notHub.stderr).toMatch(/hub command/);

    const enrol = await runCli(['network', 'enrol', '--name', 'Guardia Civil', '--country', 'ES', '--role', 'hub'], { env: hubEnv() });
    expect(enrol.code).toBe(0);
    const token = enrol.stdout.trim();
    expect(token).toMatch(/^tsn1\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);

    // A token whose pinned hub key does not match the hub's is refused before anything is sent.
    const forged = `${token.slice(0, -43)}${'A'.repeat(43)}`;
    const refused = await inProcess(['network', 'join', '--hub', hub.url, '--token', forged], { env: nodeEnv });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not match the enrolment token/);

    const join = await inProcess(['network', 'join', '--hub', hub.url, '--token', token], { env: nodeEnv });
    expect(join.code).toBe(0);
    expect(join.stdout).toContain(`as ${agencyId}: pending`);

    const members = await inProcess(['network', 'members', '--role', 'hub'], { env: hubEnv() });
    expect(members.stdout).toMatch(new RegExp(`${agencyId}\\s+pending\\s+ES\\s+Guardia Civil`));
    const approve = await inProcess(['network', 'approve', 'Guardia Civil', '--role', 'hub'], { env: hubEnv() });
    expect(approve.stdout).toContain('is active');

    const sync = await inProcess(['network', 'sync'], { env: nodeEnv });
    expect(sync.code).toBe(0);
    const status = await inProcess(['network', 'status'], { env: nodeEnv });
    expect(status.stdout).toMatch(/status\s+active/);
    expect(status.stdout).toMatch(/key\s+sig current/);
  }, 120_000);
});
