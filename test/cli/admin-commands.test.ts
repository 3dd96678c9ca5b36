import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('tessera CLI', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  const env = { TESSERA_DATA_DIR: dataDir };
  let agencyId = '';

  beforeAll(async () => {
    const created = await runCli(['agency', 'create', '--name', 'Polícia Judiciária', '--country', 'PT'], { env });
    expect(created.stderr).toContain('migration 0001-foundation: success');
    expect(created.code).toBe(0);
    agencyId = created.stdout.trim();
  });

  it('creates an agency and prints its id', () => {
    expect(agencyId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('creates a user with the password from standard input, then a token for them', async () => {
    const user = await runCli(['--data-dir', dataDir, 'user', 'create', '--agency', agencyId, '--username', 'rui', '--role', 'investigator,analyst', '--password-stdin'], {
      input: 'a very long password\n',
    });
    expect(user.code).toBe(0);
    expect(user.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const token = await runCli(['token', 'create', '--username', 'rui'], { env });
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^tsr_[A-Za-z0-9_-]{40,}$/);
  });

  it('exits 2 on usage errors and 1 on failures, with a message', async () => {
    const missing = await runCli(['agency', 'create', '--name', 'X'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--country');
    const noStdin = await runCli(['user', 'create', '--agency', agencyId, '--username', 'x1', '--role', 'analyst'], { env });
    expect(noStdin.code).toBe(2);
    const badCountry = await runCli(['agency', 'create', '--name', 'Nowhere', '--country', 'QQ'], { env });
    expect(badCountry.code).toBe(1);
    expect(badCountry.stderr).toMatch(/not an ISO 3166-1/);
  });

  it('verifies the audit trail, and names the first broken event after tampering', async () => {
    const intact = await runCli(['audit', 'verify'], { env });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit trail intact: \d+ events/);

    const db = new Database(path.join(dataDir, 'tessera.db'));
    const second = db.prepare('select seq from audit_events order by seq limit 1 offset 1').get() as { seq: number };
    db.prepare("update audit_events set actor_name = 'someone else' where seq = ?").run(second.seq);
    db.close();

    const broken = await runCli(['audit', 'verify'], { env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at event #${second.seq}`);
  });

  it('signs checkpoints of the head, and a verify that reaches one no more names the cut tail', async () => {
    const cliDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
    const e = { TESSERA_DATA_DIR: cliDir };
    expect((await runCli(['agency', 'create', '--name', 'Policía Nacional', '--country', 'ES'], { env: e })).code).toBe(0);
    const first = await runCli(['audit', 'checkpoint'], { env: e });
    expect(first.code).toBe(0);
    const kept = first.stdout.trim(); // what an operator keeps outside the node
    expect(kept.split('.')).toHaveLength(3);
    expect((await runCli(['agency', 'create', '--name', 'Guardia Civil', '--country', 'ES'], { env: e })).code).toBe(0);
    expect((await runCli(['audit', 'checkpoint'], { env: e })).code).toBe(0);
    const intact = await runCli(['audit', 'verify', '--checkpoint', kept], { env: e });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/3 signed checkpoint\(s\) match the trail/);

    // Someone with the database cuts the newest events and the stored checkpoints that name them: the chain that is
    // left is valid, but the checkpoint kept outside does not fit it.
    const db = new Database(path.join(cliDir, 'tessera.db'));
    const firstSeq = (JSON.parse(Buffer.from(kept.split('.')[1]!, 'base64url').toString()) as { seq: number }).seq;
    db.prepare('delete from audit_events where seq >= ?').run(firstSeq);
    db.prepare('delete from audit_checkpoints').run();
    db.close();
    const cut = await runCli(['audit', 'verify', '--checkpoint', kept], { env: e });
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/audit trail intact/);
    expect(cut.stdout).toMatch(/checkpoint FAILS \(given, event #\d+.*events were removed from its end/);
  });

  it('shows migration status and refuses a database from a newer Tessera', async () => {
    const status = await runCli(['db', 'status'], { env });
    expect(status.stdout).toMatch(/applied\s+0001-foundation/);
    const db = new Database(path.join(dataDir, 'tessera.db'));
    db.prepare("insert into tessera_migration (name, timestamp) values ('9999-future', '2030-01-01')").run();
    db.close();
    const serve = await runCli(['serve', '--port', '0'], { env });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(/does not know \(9999-future\)/);
  });
});
