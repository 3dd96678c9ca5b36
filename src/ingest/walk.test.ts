import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTar, buildZip } from '../../test/ingest/support/archives.js';
import { DEFAULT_LIMITS, keyOf, sniffArchive, unsafeMemberPath, walkInputs, type WalkItem, type WalkLimits } from './walk.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tessera-walk-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function walk(inputs: string[], options: { limits?: Partial<WalkLimits>; done?: Set<string>; spoolDir?: string } = {}): Promise<WalkItem[]> {
  const items: WalkItem[] = [];
  const ctx = { limits: { ...DEFAULT_LIMITS, ...options.limits }, spoolDir: options.spoolDir ?? path.join(tmp(), 'spool'), isDone: (k: string) => options.done?.has(k) ?? false };
  for await (const item of walkInputs(ctx, inputs)) items.push(item);
  return items;
}

const summary = (items: WalkItem[]) =>
  items.map((i) => (i.kind === 'error' ? `${i.path} ERROR ${i.problem.code}` : i.kind === 'archive-end' ? `${i.path} END` : `${i.path}${i.warnings.length ? ` WARN ${i.warnings.map((w) => w.code).join(',')}` : ''}`));

async function bytesOf(item: WalkItem): Promise<string> {
  if (item.kind !== 'file') throw new Error('not a file');
  if (item.source.kind === 'bytes') return item.source.bytes.toString();
  const { readFileSync } = await import('node:fs');
  return readFileSync(item.source.path).toString();
}

describe('walking folders', () => {
  it('lists files in a stable order, records links (loops included) and special files instead of following them', async () => {
    const root = path.join(tmp(), 'phone');
    mkdirSync(path.join(root, 'DCIM', '100'), { recursive: true });
    writeFileSync(path.join(root, 'DCIM', '100', 'b.jpg'), 'b');
    writeFileSync(path.join(root, 'DCIM', '100', 'a.jpg'), 'a');
    writeFileSync(path.join(root, 'notes.txt'), 'n');
    symlinkSync(path.join(root, 'notes.txt'), path.join(root, 'link-to-notes'));
    symlinkSync('loop-b', path.join(root, 'loop-a'));
    symlinkSync('loop-a', path.join(root, 'loop-b'));
    symlinkSync('..', path.join(root, 'DCIM', 'up'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    writeFileSync(Buffer.from(path.join(root, 'caf\xe9.jpg'), 'latin1'), 'latin1 name');

    const items = await walk([root]);
    expect(summary(items)).toEqual([
      'phone/DCIM/100/a.jpg',
      'phone/DCIM/100/b.jpg',
      'phone/DCIM/up ERROR symlink',
      'phone/caf\ufffd.jpg WARN non-utf8-name',
      'phone/link-to-notes ERROR symlink',
      'phone/loop-a ERROR symlink',
      'phone/loop-b ERROR symlink',
      'phone/notes.txt',
      'phone/pipe ERROR special-file',
    ]);
    const latin = items.find((i) => i.path.startsWith('phone/caf'))!;
    expect(latin.pathRaw).toBe(Buffer.from('phone/caf\xe9.jpg', 'latin1').toString('hex'));
    expect(latin.key).toBe(keyOf(Buffer.from('phone/caf\xe9.jpg', 'latin1')));
    // Same tree, same keys: the identity a resumed ingest relies on.
    expect((await walk([root])).map((i) => i.key)).toEqual(items.map((i) => i.key));
  });

  it('skips what is already done without reading it, and names duplicate inputs apart', async () => {
    const a = path.join(tmp(), 'dev');
    const b = path.join(tmp(), 'dev');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(path.join(a, 'x'), '1');
    writeFileSync(path.join(b, 'x'), '2');
    const all = await walk([a, b]);
    expect(all.map((i) => i.path)).toEqual(['dev/x', 'dev~2/x']);
    const rest = await walk([a, b], { done: new Set([all[0]!.key]) });
    expect(rest.map((i) => i.path)).toEqual(['dev~2/x']);
  });

  it('records an unreadable input and goes on', async () => {
    const ok = path.join(tmp(), 'ok.txt');
    writeFileSync(ok, 'fine');
    const items = await walk(['/proc/self/mem', path.join(tmp(), 'missing'), ok]);
    expect(summary(items)).toEqual(['mem ERROR unreadable', 'missing ERROR vanished', 'ok.txt']);
  });
});

describe('walking archives', () => {
  it('walks zip, tar and tar.gz nested in each other, by content not by name', async () => {
    const innerTgz = await buildTar([{ name: 'deep/c.txt', data: Buffer.from('C') }], { gzip: true });
    const innerZip = buildZip([{ name: 'b.txt', data: Buffer.from('B') }, { name: 'renamed.dat', data: innerTgz }]);
    const outer = buildZip([
      { name: 'photos/', data: Buffer.alloc(0) },
      { name: 'photos/a.txt', data: Buffer.from('A'), mtimeUtc: 1_600_000_000 },
      { name: 'inner.zip', data: innerZip, method: 'store' },
      { name: 'stored.txt', data: Buffer.from('S'), method: 'store' },
    ]);
    const dir = tmp();
    writeFileSync(path.join(dir, 'dump.bin'), outer);
    const items = await walk([path.join(dir, 'dump.bin')]);
    expect(summary(items)).toEqual([
      'dump.bin!/photos/a.txt',
      'dump.bin!/inner.zip!/b.txt',
      'dump.bin!/inner.zip!/renamed.dat!/deep/c.txt',
      'dump.bin!/inner.zip!/renamed.dat END',
      'dump.bin!/inner.zip END',
      'dump.bin!/stored.txt',
      'dump.bin END',
    ]);
    expect(await bytesOf(items[2]!)).toBe('C');
    const a = items[0]!;
    expect(a.kind === 'file' && a.times.modified).toBe(new Date(1_600_000_000_000).toISOString());
    expect(items[2]!.containers).toEqual([keyOf(Buffer.from('dump.bin')), keyOf(Buffer.from('dump.bin!/inner.zip')), keyOf(Buffer.from('dump.bin!/inner.zip!/renamed.dat'))]);
    const stored = items[5]!;
    expect(stored.kind === 'file' && stored.times.modified).toBe('2020-05-01T12:30:00');
  });

  it('refuses "../" and absolute names, links, encrypted entries and bombs — and goes on', async () => {
    const zeros = Buffer.alloc(4 << 20);
    const zip = buildZip([
      { name: '../../etc/evil.txt', data: Buffer.from('x') },
      { name: '/abs/evil.txt', data: Buffer.from('x') },
      { name: 'C:\\windows\\evil.txt', data: Buffer.from('x') },
      { name: 'link', data: Buffer.from('/etc/passwd'), mode: 0o120777, method: 'store' },
      { name: 'secret.jpg', data: Buffer.from('ciphertext'), encrypted: true, method: 'store' },
      { name: 'bomb.bin', data: zeros },
      { name: Buffer.from('caf\x82.txt', 'latin1'), data: Buffer.from('cp437'), utf8Flag: false },
      { name: 'fine.txt', data: Buffer.from('fine') },
    ]);
    const tgz = await buildTar(
      [
        { name: '../up.txt', data: Buffer.from('x') },
        { name: '/root.txt', data: Buffer.from('x') },
        { name: 'sym', type: 'symlink', linkname: '/etc/shadow' },
        { name: 'hard', type: 'link', linkname: 'fine.txt' },
        { name: 'fifo', type: 'fifo' },
        { name: 'fine.txt', data: Buffer.from('ok') },
      ],
      { gzip: true },
    );
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.zip'), zip);
    writeFileSync(path.join(dir, 'b.tgz'), tgz);
    const spoolDir = path.join(dir, 'spool');
    const items = await walk([path.join(dir, 'a.zip'), path.join(dir, 'b.tgz')], { spoolDir });
    expect(summary(items)).toEqual([
      'a.zip!/../../etc/evil.txt ERROR unsafe-path',
      'a.zip!//abs/evil.txt ERROR unsafe-path',
      'a.zip!/C:\\windows\\evil.txt ERROR unsafe-path',
      'a.zip!/link ERROR symlink',
      'a.zip!/secret.jpg ERROR encrypted',
      'a.zip!/bomb.bin ERROR zip-bomb',
      'a.zip!/caf\u00e9.txt WARN non-utf8-name',
      'a.zip!/fine.txt',
      'a.zip END',
      'b.tgz!/../up.txt ERROR unsafe-path',
      'b.tgz!//root.txt ERROR unsafe-path',
      'b.tgz!/sym ERROR symlink',
      'b.tgz!/hard ERROR symlink',
      'b.tgz!/fifo ERROR special-file',
      'b.tgz!/fine.txt',
      'b.tgz END',
    ]);
    // Nothing was written anywhere but the spool folder, and nothing stayed there.
    expect(readdirSync(dir).sort()).toEqual(['a.zip', 'b.tgz']);
  });

  it('stops a gzip bomb, an archive over the total size and nesting past the depth limit', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'bomb.tgz'), await buildTar([{ name: 'zeros.bin', data: Buffer.alloc(8 << 20) }, { name: 'after.txt', data: Buffer.from('x') }], { gzip: true }));
    let nested = buildZip([{ name: 'core.txt', data: Buffer.from('core') }]);
    for (let i = 0; i < 4; i++) nested = buildZip([{ name: `level${i}.zip`, data: nested, method: 'store' }]);
    writeFileSync(path.join(dir, 'deep.zip'), nested);
    writeFileSync(path.join(dir, 'big.zip'), buildZip([1, 2, 3, 4].map((i) => ({ name: `f${i}.bin`, data: Buffer.alloc(300_000, i), method: 'store' as const }))));

    expect(summary(await walk([path.join(dir, 'bomb.tgz')], { limits: { maxRatio: 100, ratioFloorBytes: 1 << 20 } }))).toEqual(['bomb.tgz ERROR zip-bomb']);
    const limits = { maxDepth: 3, maxArchiveBytes: 700_000 };
    const items = await walk([path.join(dir, 'deep.zip'), path.join(dir, 'big.zip')], { limits });
    expect(summary(items)).toEqual([
      'deep.zip!/level3.zip!/level2.zip!/level1.zip ERROR archive-too-deep',
      'deep.zip!/level3.zip!/level2.zip END',
      'deep.zip!/level3.zip END',
      'deep.zip END',
      'big.zip!/f1.bin',
      'big.zip!/f2.bin',
      'big.zip ERROR archive-too-large',
    ]);
  });

  it('keeps the entries before the damage in a truncated archive and records the damage', async () => {
    const tgz = await buildTar([{ name: 'one.txt', data: Buffer.from('1') }, { name: 'two.bin', data: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)) }], { gzip: true });
    const dir = tmp();
    writeFileSync(path.join(dir, 'cut.tgz'), tgz.subarray(0, Math.floor(tgz.length * 0.6)));
    const zip = buildZip([{ name: 'z.txt', data: Buffer.from('z') }]);
    writeFileSync(path.join(dir, 'cut.zip'), zip.subarray(0, zip.length - 10));
    const items = await walk([path.join(dir, 'cut.tgz'), path.join(dir, 'cut.zip')]);
    expect(summary(items)).toEqual(['cut.tgz!/one.txt', 'cut.tgz ERROR corrupt-archive', 'cut.zip ERROR corrupt-archive']);
  });

  it('spools large members to the spool folder instead of memory, and skips done members on resume', async () => {
    const big = Buffer.alloc(300_000, 7);
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.tar'), await buildTar([{ name: 'small.txt', data: Buffer.from('s') }, { name: 'big.bin', data: big }]));
    const spoolDir = path.join(dir, 'spool');
    const items = await walk([path.join(dir, 'a.tar')], { limits: { memoryEntryBytes: 100_000 }, spoolDir });
    const bigItem = items.find((i) => i.path.endsWith('big.bin'))!;
    expect(bigItem.kind === 'file' && bigItem.source.kind).toBe('spooled');
    expect(bigItem.kind === 'file' && bigItem.source.kind === 'spooled' && path.dirname(bigItem.source.path)).toBe(spoolDir);
    const again = await walk([path.join(dir, 'a.tar')], { done: new Set([items[0]!.key]) });
    expect(summary(again)).toEqual(['a.tar!/big.bin', 'a.tar END']);
  });
});

describe('archive helpers', () => {
  it('recognises archives by content and refuses unsafe member paths', async () => {
    expect(sniffArchive(buildZip([]))).toBe('zip');
    expect(sniffArchive(await buildTar([{ name: 'x', data: Buffer.from('x') }]))).toBe('tar');
    expect(sniffArchive(await buildTar([{ name: 'x', data: Buffer.from('x') }], { gzip: true }))).toBe('tar.gz');
    expect(sniffArchive((await import('node:zlib')).gzipSync(Buffer.from('just text')))).toBeUndefined();
    expect(sniffArchive(Buffer.from('hello'))).toBeUndefined();
    expect(unsafeMemberPath('a/b/c.jpg')).toBeUndefined();
    expect(unsafeMemberPath('a/../b')).toMatch(/\.\./);
    expect(unsafeMemberPath('..\\b')).toMatch(/\.\./);
    expect(unsafeMemberPath('/x')).toMatch(/absolute/);
    expect(unsafeMemberPath('D:/x')).toMatch(/absolute/);
  });
});
