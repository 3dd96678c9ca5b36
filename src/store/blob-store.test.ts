import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralMasterKey } from '../exchange/crypto/master-key.js';
import { createBlobStore, StagedBlobWriter } from './blob-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dirs: string[] = [];
function store() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-blobs-'));
  dirs.push(dir);
  return createBlobStore({ root: path.join(dir, 'blobs'), masterKey: ephemeralMasterKey() });
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function stage(s: ReturnType<typeof store>, key: string, bytes: Buffer, chunk = 65536) {
  const w = await StagedBlobWriter.create(s.stagingDir(key), s.issueGrant());
  for (let at = 0; at < bytes.length; at += chunk) await w.write(bytes.subarray(at, at + chunk));
  return w.finish('media', sha(bytes));
}

describe('blob store', () => {
  it('stores encrypted, content-addressed blobs and reads any range back authenticated', async () => {
    const s = store();
    const bytes = randomBytes(3 * (1 << 20) + 12345);
    const staged = await stage(s, 'ingest-1', bytes, 300_000);
    expect(await s.has('media', sha(bytes))).toBe(false);
    expect(await s.promote(staged)).toBe('stored');
    expect(await s.has('media', sha(bytes))).toBe(true);
    expect(statSync(s.pathOf('media', sha(bytes))).mode & 0o777).toBe(0o600);
    const atRest = readFileSync(s.pathOf('media', sha(bytes)));
    expect(atRest.includes(bytes.subarray(1000, 1064))).toBe(false);

    const r = await s.open('media', sha(bytes));
    expect(r.size).toBe(bytes.length);
    expect((await r.readAll()).equals(bytes)).toBe(true);
    for (const [a, b] of [[0, 0], [5, 99], [(1 << 20) - 3, (1 << 20) + 3], [2 * (1 << 20), bytes.length - 1], [bytes.length - 1, bytes.length - 1]] as const) {
      const parts: Buffer[] = [];
      for await (const c of r.read(a, b)) parts.push(c as Buffer);
      expect(Buffer.concat(parts).equals(bytes.subarray(a, b + 1))).toBe(true);
    }
    expect(() => r.read(0, bytes.length)).toThrow(RangeError);
  });

  it('keeps the first copy when the same content is promoted twice', async () => {
    const s = store();
    const bytes = randomBytes(5000);
    const first = await stage(s, 'a', bytes);
    const second = await stage(s, 'b', bytes);
    expect(await s.promote(first)).toBe('stored');
    const before = readFileSync(s.pathOf('media', sha(bytes)));
    expect(await s.promote(second)).toBe('existing');
    expect(readFileSync(s.pathOf('media', sha(bytes))).equals(before)).toBe(true);
    expect(existsSync(second)).toBe(false);
    expect(await s.list('media')).toEqual([sha(bytes)]);
  });

  it('sweeps a crashed writer: partial files go, committed blobs are promoted, uncommitted ones deleted', async () => {
    const s = store();
    const committed = randomBytes(2000);
    const uncommitted = randomBytes(3000);
    await stage(s, 'job', committed);
    await stage(s, 'job', uncommitted);
    const partial = await StagedBlobWriter.create(s.stagingDir('job'), s.issueGrant());
    await partial.write(randomBytes(100)); // never finished: a .part file
    writeFileSync(path.join(s.stagingDir('job'), 'stray-file'), 'x');
    const asked: string[][] = [];
    const result = await s.sweep('job', async (shas) => {
      asked.push(shas);
      return new Set(shas.filter((x) => x === sha(committed)));
    });
    expect(asked[0]!.sort()).toEqual([sha(committed), sha(uncommitted)].sort());
    expect(result).toEqual({ promoted: 1, removed: 3 });
    expect(await s.list('media')).toEqual([sha(committed)]);
    expect(existsSync(s.stagingDir('job'))).toBe(false);
    expect((await (await s.open('media', sha(committed))).readAll()).equals(committed)).toBe(true);
    expect(readdirSync(path.dirname(s.stagingDir('job')))).toEqual([]);
  });

  it('refuses names that are not a sha256 and staging keys that could escape the store', async () => {
    const s = store();
    expect(() => s.stagingDir('../etc')).toThrow();
    await expect(s.put('media', 'not-a-hash', Buffer.from('x'))).rejects.toThrow(/sha256/);
  });
});
