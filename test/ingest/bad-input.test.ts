/**
 * Hostile input through the whole ingest (walker, workers, commit): every refusal is recorded with its reason, the
 * good files around them are taken in, and nothing is written anywhere but the data directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/stores.js';
import { buildTar, buildZip } from './support/archives.js';
import { picture } from './support/device.js';
import { createTestNode, type TestNode } from './support/node.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-bad-'));
const device = path.join(work, 'device');

function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

beforeAll(async () => {
  mkdirSync(path.join(device, 'folder'), { recursive: true });
  const good = await picture(301);
  writeFileSync(path.join(device, 'good.jpg'), good);
  writeFileSync(Buffer.from(path.join(device, 'folder', 'na\xefve.jpg'), 'latin1'), await picture(302));
  symlinkSync('/etc/passwd', path.join(device, 'folder', 'passwd-link'));
  symlinkSync('.', path.join(device, 'folder', 'self-loop'));
  symlinkSync('loop2', path.join(device, 'folder', 'loop1'));
  symlinkSync('loop1', path.join(device, 'folder', 'loop2'));
  execFileSync('mkfifo', [path.join(device, 'folder', 'fifo')]);
  writeFileSync(
    path.join(device, 'evil.zip'),
    buildZip([
      { name: '../../../../tmp/tessera-escaped.jpg', data: good },
      { name: '/etc/cron.d/evil', data: Buffer.from('* * * * * root true') },
      { name: 'link-out', data: Buffer.from('/'), mode: 0o120777, method: 'store' },
      { name: 'secret.jpg', data: good, encrypted: true, method: 'store' },
      { name: 'bomb.bin', data: Buffer.alloc(16 << 20) },
      { name: Buffer.from('r\x82sum\x82.jpg', 'latin1'), data: await picture(303), utf8Flag: false },
      { name: 'ok.jpg', data: await picture(304), method: 'store' },
    ]),
  );
  writeFileSync(path.join(device, 'gzbomb.tar.gz'), await buildTar([{ name: 'zeros', data: Buffer.alloc(24 << 20) }], { gzip: true }));
  const tgz = await buildTar([{ name: 'a.jpg', data: await picture(305) }, { name: 'b.bin', data: Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24)) }], { gzip: true });
  writeFileSync(path.join(device, 'truncated.tgz'), tgz.subarray(0, Math.floor(tgz.length * 0.7)));
  writeFileSync(path.join(device, 'not-really.jpg'), Buffer.from('this is text pretending to be a picture'));
  writeFileSync(path.join(device, 'truncated.jpg'), good.subarray(0, 200));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(testDialects)('ingest of hostile input (%s)', (dialect) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode(dialect);
  });
  afterAll(async () => node.close());

  it('records each refusal with its reason, takes in the rest, and writes nothing outside the data directory', async () => {
    const before = tree(work);
    const { services, ctx, caseId } = node;
    const { record } = await services.ingest.prepare(ctx, { caseId, inputs: [device], source: 'hostile' });
    const s = (await services.ingest.run(ctx, record.id, { workers: 1, limits: { maxRatio: 100 } })).summary;

    const issues = await services.ingest.issues(ctx, caseId, record.id, { limit: 1000 });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.problem]));
    expect(byPath).toMatchObject({
      'device/evil.zip!/../../../../tmp/tessera-escaped.jpg': 'unsafe-path',
      'device/evil.zip!//etc/cron.d/evil': 'unsafe-path',
      'device/evil.zip!/link-out': 'symlink',
      'device/evil.zip!/secret.jpg': 'encrypted',
      'device/evil.zip!/bomb.bin': 'zip-bomb',
      'device/evil.zip!/r\u00e9sum\u00e9.jpg': 'non-utf8-name',
      'device/folder/na\ufffdve.jpg': 'non-utf8-name',
      'device/folder/passwd-link': 'symlink',
      'device/folder/self-loop': 'symlink',
      'device/folder/loop1': 'symlink',
      'device/folder/loop2': 'symlink',
      'device/folder/fifo': 'special-file',
      'device/gzbomb.tar.gz': 'zip-bomb',
      'device/truncated.tgz': 'corrupt-archive',
      'device/truncated.jpg': 'undecodable',
    });
    // Stored despite a caveat: the two non-UTF-8 names and the truncated picture; the good ones plainly.
    const stored = issues.filter((i) => i.mediaId).map((i) => i.path).sort();
    expect(stored).toEqual(['device/evil.zip!/r\u00e9sum\u00e9.jpg', 'device/folder/na\ufffdve.jpg', 'device/truncated.jpg']);
    const occ = await node.store.db.selectFrom('media_occurrences').select(['path', 'path_raw']).where('case_id', '=', caseId).execute();
    expect(occ.map((o) => o.path).sort()).toEqual(
      ['device/evil.zip!/ok.jpg', 'device/evil.zip!/r\u00e9sum\u00e9.jpg', 'device/folder/na\ufffdve.jpg', 'device/good.jpg', 'device/not-really.jpg', 'device/truncated.jpg', 'device/truncated.tgz!/a.jpg'].sort(),
    );
    // The raw bytes of a name that is not UTF-8 are kept with the occurrence.
    expect(occ.find((o) => o.path.startsWith('device/folder/na'))!.path_raw).toBe(Buffer.from('device/folder/na\xefve.jpg', 'latin1').toString('hex'));
    expect(s.refused).toBe(12);
    expect(s.errors['symlink']).toBe(5);

    // Nothing appeared next to the device, nor where the "../" entry pointed (other processes share the system temp
    // folder, so that is checked by name).
    expect(tree(work)).toEqual(before);
    expect(() => statSync('/tmp/tessera-escaped.jpg')).toThrow();
    // And in the data directory, only the store and the database; no staging or spool left behind.
    expect(readdirSync(path.join(node.store.dataDir, 'blobs')).filter((d) => d !== 'staging').sort()).toEqual(['media', 'thumb']);
    const staging = path.join(node.store.dataDir, 'blobs', 'staging');
    expect(statSync(staging, { throwIfNoEntry: false }) ? readdirSync(staging) : []).toEqual([]);
  });
});
