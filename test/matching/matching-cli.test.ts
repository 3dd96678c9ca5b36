import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('tessera matching (a node outside any network)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-matching-'));
  const env = { TESSERA_DATA_DIR: dataDir };

  beforeAll(async () => {
    expect((await runCli(['agency', 'create', '--name', 'Polícia Judiciária', '--country', 'PT'], { env })).code).toBe(0);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports the state, syncs nothing, and refuses to found a key', async () => {
    const status = await runCli(['matching', 'status'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ member: false, epoch: 0, key: null, hits: 0 });
    const sync = await runCli(['matching', 'sync'], { env });
    expect(sync.code).toBe(0);
    expect(sync.stderr).toContain('nothing published: not-a-member');
    const key = await runCli(['matching', 'key'], { env });
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('not an active member');
    const founder = await runCli(['matching', 'founder', 'anyone'], { env });
    expect(founder.code).toBe(2);
    expect(founder.stderr).toContain('hub command');
  });
});
