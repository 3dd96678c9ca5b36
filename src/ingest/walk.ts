/**
 * Walks what an examiner hands in — folder trees, and zip, tar and tar.gz archives nested to any (bounded) depth —
 * and yields one item per file, per refusal, and per completed archive, in a deterministic order.
 *
 * Inputs are hostile. Nothing is ever written by an entry's own name: archive members are read into memory, or spooled
 * under a random name in the data directory's staging area when large, so `../` and absolute names cannot escape
 * (they are refused and recorded anyway). Links are never followed. Decompression is bounded by a ratio, a total size
 * and a depth limit, and counted as it streams, so a crafted archive costs bounded time and memory. Every refusal is
 * an item with its reason; the walk goes on.
 *
 * Identity: an item's key is the sha256 of its raw path bytes (names that are not UTF-8 included), so the same file
 * always has the same key and a resumed walk can skip what is done without reading it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, open, readlink, stat, lstat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import yauzl from 'yauzl';
import { fsProblem, problem, PROBLEMS, type Problem } from './problems.js';

export interface WalkLimits {
  /** Archives inside archives, counted from the outermost. */
  maxDepth: number;
  /** Expansion ratio above which an entry (or a gzip stream) is taken for a bomb... */
  maxRatio: number;
  /** ...once it expands past this many bytes (tiny entries compress absurdly well and are harmless). */
  ratioFloorBytes: number;
  /** Total bytes one top-level archive may expand to, nested archives included. */
  maxArchiveBytes: number;
  /** Entries one top-level archive may hold, nested archives included. */
  maxArchiveEntries: number;
  /** Largest single file taken in. */
  maxFileBytes: number;
  /** Archive members up to this size are held in memory; larger ones are spooled to the data directory. */
  memoryEntryBytes: number;
  /** Folder nesting limit (a safeguard against pathological trees). */
  maxFolderDepth: number;
}

export const DEFAULT_LIMITS: WalkLimits = {
  maxDepth: 8,
  maxRatio: 200,
  ratioFloorBytes: 1 << 20,
  maxArchiveBytes: 256 * 2 ** 30,
  maxArchiveEntries: 5_000_000,
  maxFileBytes: 64 * 2 ** 30,
  memoryEntryBytes: 64 << 20,
  maxFolderDepth: 256,
};

export interface ItemName {
  /** sha256 (hex) of the raw path bytes: the item's identity within its ingest. */
  key: string;
  /** The path shown to people: input name, folders, and `!/` between an archive and its members. */
  path: string;
  /** Hex of the raw path bytes, present when some part of the path was not valid UTF-8. */
  pathRaw?: string;
  /** Keys of the archives the item sits in, outermost first. */
  containers: string[];
}

export type FileSource =
  | { kind: 'path'; path: string | Buffer }
  | { kind: 'bytes'; bytes: Buffer }
  /** A large archive member written under a random name in the spool folder; deleted once processed. */
  | { kind: 'spooled'; path: string };

export interface FileTimes {
  modified?: string;
  accessed?: string;
  changed?: string;
  born?: string;
}

export interface FileItem extends ItemName {
  kind: 'file';
  source: FileSource;
  /** For files read from a path: where they sit, so one found to be an archive can be walked. */
  node?: WalkNode;
  /** Known for archive members; for folder files the reader takes it from the open file. */
  size?: number;
  times: FileTimes;
  warnings: Problem[];
}

export interface ErrorItem extends ItemName {
  kind: 'error';
  problem: Problem;
  size?: number;
}

/** Every member of this archive has been yielded: once they are all recorded, the archive itself is done. */
export interface ArchiveEndItem extends ItemName {
  kind: 'archive-end';
}

export type WalkItem = FileItem | ErrorItem | ArchiveEndItem;

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

export interface WalkContext {
  limits: WalkLimits;
  /** Where large archive members are spooled (inside the data directory). */
  spoolDir: string;
  /** Items already recorded by an earlier run of this ingest: skipped without reading their bytes. */
  isDone(key: string): boolean;
}

/** A position in the tree: raw bytes (identity) and the text shown. */
export interface WalkNode {
  raw: Buffer;
  path: string;
  nonUtf8: boolean;
  containers: string[];
}

/** Bytes of the head needed to recognise an archive (a gzip stream is inflated that far to look for a tar header). */
export const ARCHIVE_SNIFF_BYTES = 64 * 1024;

export function keyOf(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

function nameOf(node: WalkNode, containers = node.containers): ItemName {
  return { key: keyOf(node.raw), path: node.path, ...(node.nonUtf8 ? { pathRaw: node.raw.toString('hex') } : {}), containers };
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

export function decodeName(raw: Buffer): { text: string; nonUtf8: boolean } {
  try {
    return { text: utf8Strict.decode(raw), nonUtf8: false };
  } catch {
    return { text: utf8Lossy.decode(raw), nonUtf8: true };
  }
}

export function childNode(parent: WalkNode, separator: '/' | '!/', raw: Buffer, text: string, nonUtf8: boolean, containers = parent.containers): WalkNode {
  return {
    raw: Buffer.concat([parent.raw, Buffer.from(separator), raw]),
    path: `${parent.path}${separator}${text}`,
    nonUtf8: parent.nonUtf8 || nonUtf8,
    containers,
  };
}

export function rootNode(name: string): WalkNode {
  const raw = Buffer.from(name, 'utf8');
  return { raw, path: name, nonUtf8: false, containers: [] };
}

/** Recognises zip, tar and gzip-compressed tar by content. A gzip stream that is not a tar is an ordinary file. */
export function sniffArchive(head: Uint8Array): ArchiveFormat | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'zip';
  if (isTarHeader(b)) return 'tar';
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8) {
    try {
      // A short prefix inflates to at most about a megabyte, whatever it holds, and covers the first tar header.
      const inflated = zlib.gunzipSync(b.subarray(0, 2048), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      if (isTarHeader(inflated)) return 'tar.gz';
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isTarHeader(b: Buffer): boolean {
  return b.length >= 262 && b.toString('latin1', 257, 262) === 'ustar';
}

/** An archive member's path is refused when it could name something outside the archive's own tree. */
export function unsafeMemberPath(name: string): string | undefined {
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/') || /^[A-Za-z]:/.test(n)) return `absolute path ${JSON.stringify(name.slice(0, 200))}`;
  if (n.split('/').some((part) => part === '..')) return `path with "..": ${JSON.stringify(name.slice(0, 200))}`;
  return undefined;
}

class BombError extends Error {}
class BudgetError extends Error {
  constructor(readonly code: 'archive-too-large' | 'archive-too-many-entries' | 'file-too-large', message: string) {
    super(message);
  }
}

/** Shared by an archive and everything nested in it. */
interface ArchiveBudget {
  bytes: number;
  entries: number;
}

function chargeBytes(ctx: WalkContext, budget: ArchiveBudget, n: number): void {
  budget.bytes += n;
  if (budget.bytes > ctx.limits.maxArchiveBytes) {
    throw new BudgetError('archive-too-large', `the archive expands beyond ${ctx.limits.maxArchiveBytes} bytes (the total size limit)`);
  }
}

function chargeEntry(ctx: WalkContext, budget: ArchiveBudget): void {
  budget.entries++;
  if (budget.entries > ctx.limits.maxArchiveEntries) {
    throw new BudgetError('archive-too-many-entries', `the archive holds more than ${ctx.limits.maxArchiveEntries} entries`);
  }
}

/** A stream read chunk by chunk, with the first bytes available before deciding what it is. */
interface ByteStream {
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  destroy(err?: Error): unknown;
}

class ChunkReader {
  private readonly it: AsyncIterator<Buffer>;
  private readonly pending: Buffer[] = [];
  private ended = false;

  constructor(private readonly stream: ByteStream) {
    this.it = stream[Symbol.asyncIterator]();
  }

  async peek(n: number): Promise<Buffer> {
    let have = this.pending.reduce((s, b) => s + b.length, 0);
    while (have < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else {
        this.pending.push(r.value);
        have += r.value.length;
      }
    }
    return Buffer.concat(this.pending);
  }

  async *chunks(): AsyncGenerator<Buffer> {
    while (this.pending.length) yield this.pending.shift()!;
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else yield r.value;
    }
  }

  /** The rest of the stream (peeked bytes first) as a readable. */
  rest(): Readable {
    return Readable.from(this.chunks(), { objectMode: false });
  }

  async drain(): Promise<void> {
    for await (const _ of this.chunks());
  }

  destroy(): void {
    this.stream.destroy();
  }
}

async function spoolPath(ctx: WalkContext): Promise<string> {
  await mkdir(ctx.spoolDir, { recursive: true, mode: 0o700 });
  return path.join(ctx.spoolDir, `${randomBytes(8).toString('hex')}.spool`);
}

/**
 * Reads a member's bytes: into memory when small, else into a spool file. (Its declared size was charged to the
 * archive budget already; the per-file limit is checked again here in case a format lets the actual size differ.)
 */
async function collect(ctx: WalkContext, reader: ChunkReader): Promise<FileSource & { size: number }> {
  const parts: Buffer[] = [];
  let size = 0;
  let spool: { path: string; fh: FileHandle } | undefined;
  try {
    for await (const chunk of reader.chunks()) {
      size += chunk.length;
      if (size > ctx.limits.maxFileBytes) throw new BudgetError('file-too-large', `larger than the per-file limit of ${ctx.limits.maxFileBytes} bytes`);
      if (spool) {
        await spool.fh.write(chunk);
      } else {
        parts.push(chunk);
        if (size > ctx.limits.memoryEntryBytes) {
          const p = await spoolPath(ctx);
          spool = { path: p, fh: await open(p, 'wx', 0o600) };
          for (const part of parts.splice(0)) await spool.fh.write(part);
        }
      }
    }
  } catch (e) {
    if (spool) {
      await spool.fh.close().catch(() => {});
      await unlink(spool.path).catch(() => {});
    }
    throw e;
  }
  if (spool) {
    await spool.fh.close();
    return { kind: 'spooled', path: spool.path, size };
  }
  return { kind: 'bytes', bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), size };
}

/** Counts compressed bytes in and inflated bytes out of a gzip stream, and stops it when the ratio betrays a bomb. */
function guardedGunzip(ctx: WalkContext, source: Readable): Readable {
  let inBytes = 0;
  let outBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      inBytes += chunk.length;
      cb(null, chunk);
    },
  });
  const gunzip = zlib.createGunzip();
  const guard = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      outBytes += chunk.length;
      if (outBytes > ctx.limits.ratioFloorBytes && outBytes > ctx.limits.maxRatio * Math.max(inBytes, 1)) {
        cb(new BombError(`the gzip stream expanded ${outBytes} bytes from ${inBytes} (over ${ctx.limits.maxRatio}:1)`));
        return;
      }
      cb(null, chunk);
    },
  });
  const fail = (e: Error) => guard.destroy(e);
  source.on('error', fail);
  counter.on('error', fail);
  gunzip.on('error', fail);
  guard.on('close', () => {
    source.destroy();
    gunzip.destroy();
  });
  source.pipe(counter).pipe(gunzip).pipe(guard);
  return guard;
}

function archiveProblem(e: unknown): Problem {
  if (e instanceof BombError) return problem('zip-bomb', e.message);
  if (e instanceof BudgetError) return problem(e.code, e.message);
  const msg = e instanceof Error ? e.message : String(e);
  if (/encrypt/i.test(msg)) return problem('encrypted', `${PROBLEMS.encrypted}: ${msg}`);
  return problem('corrupt-archive', `${PROBLEMS['corrupt-archive']}: ${msg}`);
}

/**
 * A member whose bytes are available as a stream: an archive is walked in place, anything else is handed on as a
 * file item (bytes in memory, or spooled). The member's stream is always consumed to its end, so a tar walk can go on.
 */
async function* member(ctx: WalkContext, node: WalkNode, stream: ByteStream, budget: ArchiveBudget, depth: number, times: FileTimes, warnings: Problem[]): AsyncGenerator<WalkItem> {
  const reader = new ChunkReader(stream);
  try {
    const head = await reader.peek(ARCHIVE_SNIFF_BYTES);
    const format = sniffArchive(head);
    if (format && depth + 1 > ctx.limits.maxDepth) {
      yield { kind: 'error', ...nameOf(node), problem: problem('archive-too-deep', `archives nested more than ${ctx.limits.maxDepth} deep`) };
    } else if (format === 'zip') {
      const data = await collect(ctx, reader);
      try {
        yield* walkZipSource(ctx, node, data, budget, depth + 1);
      } finally {
        if (data.kind === 'spooled') await unlink(data.path).catch(() => {});
      }
    } else if (format) {
      yield* walkTarStream(ctx, node, reader.rest(), format === 'tar.gz', budget, depth + 1);
    } else {
      const { size, ...source } = await collect(ctx, reader);
      yield { kind: 'file', ...nameOf(node), source: source as FileSource, size, times, warnings };
    }
  } finally {
    await reader.drain().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// zip
// ---------------------------------------------------------------------------------------------------------------

function openZip(source: { kind: 'path'; path: string } | FileSource): Promise<yauzl.ZipFile> {
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true } as const;
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, zip?: yauzl.ZipFile) => (err || !zip ? reject(err ?? new Error('zip could not be opened')) : resolve(zip));
    if (source.kind === 'bytes') yauzl.fromBuffer(source.bytes, options, cb);
    else yauzl.open(typeof source.path === 'string' ? source.path : source.path.toString(), options, cb);
  });
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => {
      done();
      resolve(e);
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** What we use of yauzl 3 beyond its (version 2) type definitions. */
type ZipEntry = yauzl.Entry & { canDecodeFileData(): boolean; getLastModDate(options?: { timezone?: 'UTC' | 'local' }): Date };
const getFileNameLowLevel = (yauzl as unknown as { getFileNameLowLevel(flags: number, raw: Buffer, extra: unknown, strict: boolean): string }).getFileNameLowLevel;

function zipEntryName(entry: yauzl.Entry): { raw: Buffer; text: string; nonUtf8: boolean } {
  const raw = entry.fileName as unknown as Buffer;
  const flaggedUtf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  const unicodeExtra = entry.extraFields.some((f) => f.id === 0x7075);
  const strict = decodeName(raw);
  if (flaggedUtf8 || !strict.nonUtf8) return { raw, text: strict.text, nonUtf8: strict.nonUtf8 };
  // Legacy zips store names in CP437 (or a local code page nobody recorded); yauzl decodes CP437 and the Info-ZIP
  // Unicode path field. The raw bytes stay the identity either way.
  const text = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
  return { raw, text, nonUtf8: !unicodeExtra };
}

function zipTimes(entry: ZipEntry): FileTimes {
  const utc = entry.extraFields.some((f) => f.id === 0x5455 || f.id === 0x000a);
  const d = entry.getLastModDate({ timezone: 'UTC' });
  if (Number.isNaN(d.getTime())) return {};
  // Without an extended timestamp a zip holds the wall-clock time of an unknown zone: kept as such, no "Z".
  return { modified: utc ? d.toISOString() : d.toISOString().slice(0, 19) };
}

function openZipStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream))));
}

async function* walkZipSource(ctx: WalkContext, archive: WalkNode, source: { kind: 'path'; path: string } | FileSource, budget: ArchiveBudget, depth: number): AsyncGenerator<WalkItem> {
  const archiveKey = keyOf(archive.raw);
  const containers = [...archive.containers, archiveKey];
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source);
  } catch (e) {
    yield { kind: 'error', ...nameOf(archive), problem: archiveProblem(e) };
    return;
  }
  try {
    for (;;) {
      const entry = (await nextZipEntry(zip)) as ZipEntry | null;
      if (!entry) break;
      const name = zipEntryName(entry);
      if (name.text.endsWith('/')) continue;
      chargeEntry(ctx, budget);
      const node = childNode(archive, '!/', name.raw, name.text, name.nonUtf8, containers);
      const item = nameOf(node);
      // Declared sizes are charged (yauzl holds each entry to its declared size), before the resume check, so a
      // resumed walk hits the same limits at the same entries.
      chargeBytes(ctx, budget, entry.uncompressedSize);
      if (ctx.isDone(item.key)) continue;
      const unsafe = unsafeMemberPath(name.text);
      if (unsafe) {
        yield { kind: 'error', ...item, problem: problem('unsafe-path', `${PROBLEMS['unsafe-path']}: ${unsafe}`), size: entry.uncompressedSize };
        continue;
      }
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (mode === 0o120000) {
        yield { kind: 'error', ...item, problem: problem('symlink'), size: entry.uncompressedSize };
        continue;
      }
      if (entry.isEncrypted() || (entry.generalPurposeBitFlag & 0x40) !== 0) {
        yield { kind: 'error', ...item, problem: problem('encrypted'), size: entry.uncompressedSize };
        continue;
      }
      if (!entry.canDecodeFileData()) {
        yield { kind: 'error', ...item, problem: problem('unsupported-archive-entry', `compression method ${entry.compressionMethod} is not supported`), size: entry.uncompressedSize };
        continue;
      }
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > ctx.limits.ratioFloorBytes && ratio > ctx.limits.maxRatio) {
        yield { kind: 'error', ...item, problem: problem('zip-bomb', `declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed (${Math.round(ratio)}:1, limit ${ctx.limits.maxRatio}:1)`), size: entry.uncompressedSize };
        continue;
      }
      if (entry.uncompressedSize > ctx.limits.maxFileBytes) {
        yield { kind: 'error', ...item, problem: problem('file-too-large'), size: entry.uncompressedSize };
        continue;
      }
      const warnings = name.nonUtf8 ? [problem('non-utf8-name')] : [];
      let stream: Readable;
      try {
        stream = await openZipStream(zip, entry);
      } catch (e) {
        yield { kind: 'error', ...item, problem: archiveProblem(e), size: entry.uncompressedSize };
        continue;
      }
      try {
        yield* member(ctx, node, stream, budget, depth, zipTimes(entry), warnings);
      } catch (e) {
        if (e instanceof BudgetError && e.code !== 'file-too-large') throw e;
        stream.destroy();
        yield { kind: 'error', ...item, problem: e instanceof BudgetError ? problem(e.code, e.message) : archiveProblem(e), size: entry.uncompressedSize };
      }
    }
  } catch (e) {
    zip.close();
    yield { kind: 'error', ...nameOf(archive), problem: archiveProblem(e) };
    return;
  }
  yield { kind: 'archive-end', ...nameOf(archive) };
}

// ---------------------------------------------------------------------------------------------------------------
// tar, tar.gz
// ---------------------------------------------------------------------------------------------------------------

function tarEntryName(header: tar.Header): { raw: Buffer; text: string; nonUtf8: boolean } {
  // Plain header names are decoded as latin1 so the raw bytes can be recovered; pax paths are UTF-8 by definition.
  const pax = (header as tar.Header & { pax?: Record<string, string> }).pax;
  const raw = pax?.path !== undefined ? Buffer.from(header.name, 'utf8') : Buffer.from(header.name, 'latin1');
  const { text, nonUtf8 } = decodeName(raw);
  return { raw, text, nonUtf8 };
}

async function* walkTarStream(ctx: WalkContext, archive: WalkNode, input: Readable, gzipped: boolean, budget: ArchiveBudget, depth: number): AsyncGenerator<WalkItem> {
  const archiveKey = keyOf(archive.raw);
  const containers = [...archive.containers, archiveKey];
  const stream = gzipped ? guardedGunzip(ctx, input) : input;
  const extract = tar.extract({ filenameEncoding: 'latin1', allowUnknownFormat: false } as never);
  stream.on('error', (e) => extract.destroy(e));
  stream.pipe(extract);
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const name = tarEntryName(header);
      if (header.type === 'directory') {
        entry.resume();
        continue;
      }
      chargeEntry(ctx, budget);
      const node = childNode(archive, '!/', name.raw, name.text, name.nonUtf8, containers);
      const item = nameOf(node);
      // A tar entry is exactly its header's size.
      const size = header.size ?? 0;
      chargeBytes(ctx, budget, size);
      if (ctx.isDone(item.key)) {
        await new ChunkReader(entry as unknown as ByteStream).drain();
        continue;
      }
      const refuse = (p: Problem): ErrorItem => ({ kind: 'error', ...item, problem: p, size });
      const unsafe = unsafeMemberPath(name.text);
      let refusal: ErrorItem | undefined;
      if (unsafe) refusal = refuse(problem('unsafe-path', `${PROBLEMS['unsafe-path']}: ${unsafe}`));
      else if (header.type === 'symlink' || header.type === 'link') refusal = refuse(problem('symlink', `${PROBLEMS.symlink} (to ${JSON.stringify(String(header.linkname ?? '').slice(0, 200))})`));
      else if (header.type !== 'file' && header.type !== 'contiguous-file') refusal = refuse(problem('special-file', `${PROBLEMS['special-file']} (tar type ${header.type})`));
      else if (size > ctx.limits.maxFileBytes) refusal = refuse(problem('file-too-large'));
      if (refusal) {
        await new ChunkReader(entry as unknown as ByteStream).drain();
        yield refusal;
        continue;
      }
      const times: FileTimes = header.mtime && !Number.isNaN(header.mtime.getTime()) ? { modified: header.mtime.toISOString() } : {};
      const warnings = name.nonUtf8 ? [problem('non-utf8-name')] : [];
      yield* member(ctx, node, entry as unknown as ByteStream, budget, depth, times, warnings);
    }
  } catch (e) {
    stream.destroy();
    extract.destroy();
    yield { kind: 'error', ...nameOf(archive), problem: archiveProblem(e) };
    return;
  }
  yield { kind: 'archive-end', ...nameOf(archive) };
}

// ---------------------------------------------------------------------------------------------------------------
// folders and inputs
// ---------------------------------------------------------------------------------------------------------------

async function* walkFolder(ctx: WalkContext, abs: Buffer, node: WalkNode, depth: number): AsyncGenerator<WalkItem> {
  if (depth > ctx.limits.maxFolderDepth) {
    yield { kind: 'error', ...nameOf(node), problem: problem('unreadable', `folders nested deeper than ${ctx.limits.maxFolderDepth}`) };
    return;
  }
  let entries: { name: Buffer; type: 'file' | 'dir' | 'link' | 'special' | 'unknown' }[];
  try {
    // Synchronous: a listing is one quick system call, and an asynchronous one would wait in the libuv pool behind the
    // decodes of the files already handed out, starving the workers of the next files.
    const dirents = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
    entries = dirents.map((d) => ({
      name: d.name as unknown as Buffer,
      type: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'link' : d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice() ? 'special' : 'unknown',
    }));
  } catch (e) {
    if (!ctx.isDone(keyOf(node.raw))) yield { kind: 'error', ...nameOf(node), problem: fsProblem(e) };
    return;
  }
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const entry of entries) {
    const { text, nonUtf8 } = decodeName(entry.name);
    const child = childNode(node, '/', entry.name, text, nonUtf8);
    const childAbs = Buffer.concat([abs, Buffer.from('/'), entry.name]);
    let type = entry.type;
    if (type === 'unknown') {
      try {
        const s = await lstat(childAbs);
        type = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'special';
      } catch (e) {
        if (!ctx.isDone(keyOf(child.raw))) yield { kind: 'error', ...nameOf(child), problem: fsProblem(e) };
        continue;
      }
    }
    if (type === 'dir') {
      yield* walkFolder(ctx, childAbs, child, depth + 1);
      continue;
    }
    const item = nameOf(child);
    if (ctx.isDone(item.key)) continue;
    if (type === 'file') {
      yield { kind: 'file', ...item, source: { kind: 'path', path: childAbs }, node: child, times: {}, warnings: child.nonUtf8 ? [problem('non-utf8-name')] : [] };
    } else if (type === 'link') {
      let target = '';
      try {
        target = (await readlink(childAbs)).toString();
      } catch {
        // the link itself is what we record; its target is a courtesy
      }
      yield { kind: 'error', ...item, problem: problem('symlink', `${PROBLEMS.symlink} (to ${JSON.stringify(target.slice(0, 200))})`) };
    } else {
      yield { kind: 'error', ...item, problem: problem('special-file') };
    }
  }
}

/** Reads the first bytes of a file (to recognise an archive before walking it). */
export async function readHead(file: string | Buffer, bytes = ARCHIVE_SNIFF_BYTES): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Walks an archive found at a path (a top-level input, or a folder file the reader recognised as an archive). The
 * archive's own item is the node given; its members follow, then its archive-end item.
 */
export async function* walkArchiveFile(ctx: WalkContext, file: string | Buffer, node: WalkNode, format: ArchiveFormat): AsyncGenerator<WalkItem> {
  const budget: ArchiveBudget = { bytes: 0, entries: 0 };
  const filePath = typeof file === 'string' ? file : file.toString();
  try {
    if (format === 'zip') {
      yield* walkZipSource(ctx, node, { kind: 'path', path: filePath }, budget, 1);
    } else {
      const fh = await open(file, 'r');
      yield* walkTarStream(ctx, node, fh.createReadStream({ highWaterMark: 1 << 20 }), format === 'tar.gz', budget, 1);
    }
  } catch (e) {
    // Budget errors end the whole archive: recorded against the archive itself.
    yield { kind: 'error', ...nameOf(node), problem: e instanceof BudgetError ? problem(e.code, e.message) : archiveProblem(e) };
  }
}

/** Display names of the inputs: their base names, made unique. */
export function inputNames(inputs: string[]): string[] {
  const used = new Map<string, number>();
  return inputs.map((input) => {
    const base = path.basename(path.resolve(input)) || 'root';
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}~${n}`;
  });
}

/**
 * Walks every input in order. A folder file that turns out to be an archive is reported by the reader (which sniffs
 * every file anyway) and walked then with `walkArchiveFile`; top-level files are sniffed here.
 */
export async function* walkInputs(ctx: WalkContext, inputs: string[]): AsyncGenerator<WalkItem> {
  const names = inputNames(inputs);
  for (let i = 0; i < inputs.length; i++) {
    const abs = path.resolve(inputs[i]!);
    const node = rootNode(names[i]!);
    const key = keyOf(node.raw);
    let s;
    try {
      s = await stat(abs);
    } catch (e) {
      if (!ctx.isDone(key)) yield { kind: 'error', ...nameOf(node), problem: fsProblem(e) };
      continue;
    }
    if (s.isDirectory()) {
      yield* walkFolder(ctx, Buffer.from(abs), node, 0);
      continue;
    }
    if (ctx.isDone(key)) continue;
    if (!s.isFile()) {
      yield { kind: 'error', ...nameOf(node), problem: problem('special-file') };
      continue;
    }
    let format: ArchiveFormat | undefined;
    try {
      format = sniffArchive(await readHead(abs));
    } catch (e) {
      yield { kind: 'error', ...nameOf(node), problem: fsProblem(e) };
      continue;
    }
    if (format) yield* walkArchiveFile(ctx, abs, node, format);
    else yield { kind: 'file', ...nameOf(node), source: { kind: 'path', path: abs }, node, times: {}, warnings: [] };
  }
}
