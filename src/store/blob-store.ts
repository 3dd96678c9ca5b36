/**
 * The media store: content-addressed, encrypted blobs under `<dataDir>/blobs` (DESIGN §12).
 *
 *   blobs/media/ab/cd/<sha256>      original bytes, encrypted (exchange/crypto/blob-keys)
 *   blobs/thumb/ab/cd/<sha256>      the thumbnail of that media item, encrypted the same way
 *   blobs/clue/ab/cd/<sha256>       a cropped region of a picture (an identification clue), named by its own digest
 *   blobs/staging/<key>/…           blobs being written by one ingest
 *
 * Writes never land under a final name half-done: a writer streams into `<random>.part`, renames it to
 * `<sha256>.<kind>.<random>` once complete (staged), and the owner promotes it to its final name only after the
 * database rows that reference it are committed. A crash therefore leaves only staged or partial files, which
 * `sweep` resolves on resume (promote what the database knows, delete the rest): no final blob is ever without its
 * database row, and none is lost.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { open, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  blobHeaderLength,
  createBlobSealer,
  issueBlobKey,
  MAX_BLOB_HEADER_BYTES,
  openBlobHeader,
  type BlobKeyGrant,
  type BlobOpener,
  type BlobSealer,
} from '../exchange/crypto/blob-keys.js';
import type { MasterKey } from '../exchange/crypto/master-key.js';

export type BlobKind = 'media' | 'thumb' | 'clue';
export const BLOB_KINDS: readonly BlobKind[] = ['media', 'thumb', 'clue'];

const SHA256_RE = /^[0-9a-f]{64}$/;
const STAGED_RE = /^([0-9a-f]{64})\.(media|thumb|clue)\.[0-9a-f]{16}$/;
const STAGING_KEY_RE = /^[A-Za-z0-9_-]{1,80}$/;

export function blobRoot(dataDir: string): string {
  return path.join(dataDir, 'blobs');
}

export function stagingDirFor(root: string, key: string): string {
  if (!STAGING_KEY_RE.test(key)) throw new Error(`invalid staging key ${JSON.stringify(key)}`);
  return path.join(root, 'staging', key);
}

export function finalBlobPath(root: string, kind: BlobKind, sha256: string): string {
  if (!SHA256_RE.test(sha256)) throw new Error('a blob name is a lower-case sha256');
  return path.join(root, kind, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export function parseStagedName(name: string): { sha256: string; kind: BlobKind } | undefined {
  const m = STAGED_RE.exec(name);
  return m ? { sha256: m[1]!, kind: m[2] as BlobKind } : undefined;
}

/**
 * Encrypts one blob into a staging directory. Used by ingest workers, which hold a key grant but never the master key.
 *
 * File operations are synchronous on purpose: writers run on worker threads, and Node's asynchronous file calls would
 * queue in the process-wide libuv pool behind the image decodes that occupy it, stalling the pipeline for no gain.
 */
export class StagedBlobWriter {
  private written = 0;
  private finished = false;

  private constructor(
    private readonly dir: string,
    private readonly partPath: string,
    private readonly fd: number,
    private readonly sealer: BlobSealer,
  ) {}

  static async create(stagingDir: string, grant: BlobKeyGrant): Promise<StagedBlobWriter> {
    const partPath = path.join(stagingDir, `${randomBytes(8).toString('hex')}.part`);
    let fd: number;
    try {
      fd = openSync(partPath, 'wx', 0o600);
    } catch (e) {
      // The folder is made on first use (and removed by a sweep once empty), not checked before every blob.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(stagingDir, { recursive: true, mode: 0o700 });
      fd = openSync(partPath, 'wx', 0o600);
    }
    const sealer = createBlobSealer(grant);
    const writer = new StagedBlobWriter(stagingDir, partPath, fd, sealer);
    writer.writeOut([sealer.header]);
    return writer;
  }

  /** Plaintext bytes accepted so far. */
  get size(): number {
    return this.written;
  }

  private writeOut(buffers: Buffer[]): void {
    if (buffers.length === 1) writeSync(this.fd, buffers[0]!);
    else if (buffers.length > 1) writevSync(this.fd, buffers);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.written += chunk.length;
    this.writeOut(this.sealer.push(chunk));
  }

  /** Seals the last segment and gives the staged file its content name. Returns the staged path. */
  async finish(kind: BlobKind, sha256: string): Promise<string> {
    if (!SHA256_RE.test(sha256)) throw new Error('a blob name is a lower-case sha256');
    this.writeOut(this.sealer.final());
    closeSync(this.fd);
    this.finished = true;
    const staged = path.join(this.dir, `${sha256}.${kind}.${randomBytes(8).toString('hex')}`);
    renameSync(this.partPath, staged);
    return staged;
  }

  async abort(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    try {
      unlinkSync(this.partPath);
    } catch {
      // already gone
    }
  }
}

/** Random access to one stored blob's plaintext; every byte returned has been authenticated. */
export interface BlobReader {
  size: number;
  read(start?: number, endInclusive?: number): Readable;
  readAll(): Promise<Buffer>;
}

export type BlobStore = ReturnType<typeof createBlobStore>;

export function createBlobStore(deps: { root: string; masterKey: MasterKey }) {
  const { root, masterKey } = deps;
  const madeDirs = new Set<string>();

  // Metadata calls are synchronous (microseconds each): asynchronous ones would wait in the libuv pool behind the
  // image decodes of a running ingest, and promotion sits on the ingest's critical path.
  function ensureDir(dir: string): void {
    if (madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    madeDirs.add(dir);
  }

  function existsNow(p: string): boolean {
    return statSync(p, { throwIfNoEntry: false }) !== undefined;
  }

  async function exists(p: string): Promise<boolean> {
    return existsNow(p);
  }

  /** Moves a staged blob to its final name; a blob already there is kept and the staged copy dropped. */
  async function promote(stagedPath: string): Promise<'stored' | 'existing'> {
    const parsed = parseStagedName(path.basename(stagedPath));
    if (!parsed) throw new Error(`not a staged blob: ${stagedPath}`);
    const target = finalBlobPath(root, parsed.kind, parsed.sha256);
    if (existsNow(target)) {
      try {
        unlinkSync(stagedPath);
      } catch {
        // already gone
      }
      return 'existing';
    }
    ensureDir(path.dirname(target));
    renameSync(stagedPath, target);
    return 'stored';
  }

  async function openReader(kind: BlobKind, sha256: string): Promise<BlobReader> {
    const file = finalBlobPath(root, kind, sha256);
    const fh = await open(file, 'r');
    let fileBytes: number;
    let opener: BlobOpener;
    try {
      fileBytes = (await fh.stat()).size;
      const head = Buffer.alloc(Math.min(MAX_BLOB_HEADER_BYTES, fileBytes));
      await fh.read(head, 0, head.length, 0);
      opener = openBlobHeader(masterKey, head.subarray(0, blobHeaderLength(head)));
    } finally {
      await fh.close();
    }
    const size = opener.plainSize(fileBytes);
    const segments = opener.segmentCount(fileBytes);

    function read(start = 0, endInclusive = size - 1): Readable {
      if (size === 0 || endInclusive < start) return Readable.from([]);
      if (start < 0 || endInclusive >= size) throw new RangeError(`range ${start}-${endInclusive} is outside the blob (${size} bytes)`);
      const first = Math.floor(start / opener.segmentBytes);
      const last = Math.floor(endInclusive / opener.segmentBytes);
      async function* gen() {
        const fd = await open(file, 'r');
        try {
          for (let i = first; i <= last; i++) {
            const { offset, length } = opener.segmentRange(i, fileBytes);
            const sealed = Buffer.alloc(length);
            const { bytesRead } = await fd.read(sealed, 0, length, offset);
            let plain = opener.openSegment(i, sealed.subarray(0, bytesRead), i === segments - 1);
            const segStart = i * opener.segmentBytes;
            const from = Math.max(start - segStart, 0);
            const to = Math.min(endInclusive - segStart + 1, plain.length);
            if (from > 0 || to < plain.length) plain = plain.subarray(from, to);
            yield plain;
          }
        } finally {
          await fd.close();
        }
      }
      return Readable.from(gen(), { objectMode: false });
    }

    return {
      size,
      read,
      async readAll() {
        const parts: Buffer[] = [];
        for await (const chunk of read()) parts.push(chunk as Buffer);
        return Buffer.concat(parts);
      },
    };
  }

  return {
    root,

    stagingDir: (key: string) => stagingDirFor(root, key),

    /** A fresh key for one blob, for a writer (here or in a worker thread). */
    issueGrant: (): BlobKeyGrant => issueBlobKey(masterKey),

    promote,

    has: (kind: BlobKind, sha256: string) => exists(finalBlobPath(root, kind, sha256)),

    open: openReader,

    /** Stores a small blob directly (no database coordination needed by the caller). */
    async put(kind: BlobKind, sha256: string, bytes: Uint8Array): Promise<'stored' | 'existing'> {
      finalBlobPath(root, kind, sha256);
      const writer = await StagedBlobWriter.create(stagingDirFor(root, 'direct'), issueBlobKey(masterKey));
      try {
        await writer.write(bytes);
      } catch (e) {
        await writer.abort();
        throw e;
      }
      return promote(await writer.finish(kind, sha256));
    },

    /**
     * Resolves what a crashed writer left in one staging directory: partial files are deleted; a staged blob is
     * promoted when `committed` says the database holds its row, else deleted. Removes the directory when empty.
     */
    async sweep(key: string, committed: (sha256s: string[]) => Promise<Set<string>>): Promise<{ promoted: number; removed: number }> {
      const dir = stagingDirFor(root, key);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { promoted: 0, removed: 0 };
        throw e;
      }
      const staged = names.map((n) => ({ name: n, parsed: parseStagedName(n) }));
      const known = await committed([...new Set(staged.flatMap((s) => (s.parsed ? [s.parsed.sha256] : [])))]);
      let promoted = 0;
      let removed = 0;
      for (const s of staged) {
        const p = path.join(dir, s.name);
        if (s.parsed && known.has(s.parsed.sha256)) {
          if ((await promote(p)) === 'stored') promoted++;
          else removed++;
        } else {
          await rm(p, { force: true, recursive: true });
          removed++;
        }
      }
      await rmdir(dir).catch(() => {});
      return { promoted, removed };
    },

    /** Staging directories present (for a resume-all or an operator's check). */
    async stagingKeys(): Promise<string[]> {
      try {
        return (await readdir(path.join(root, 'staging'))).filter((k) => STAGING_KEY_RE.test(k));
      } catch {
        return [];
      }
    },

    /** Every stored blob name of a kind (verification and tests; walks the whole store). */
    async list(kind: BlobKind): Promise<string[]> {
      const out: string[] = [];
      const base = path.join(root, kind);
      const level = async (dir: string): Promise<string[]> => {
        try {
          return await readdir(dir);
        } catch {
          return [];
        }
      };
      for (const a of await level(base)) for (const b of await level(path.join(base, a))) for (const c of await level(path.join(base, a, b))) if (SHA256_RE.test(c)) out.push(c);
      return out.sort();
    },

    /** Where a stored blob's (encrypted) file is: tests use it to check the bytes at rest. */
    pathOf: (kind: BlobKind, sha256: string) => finalBlobPath(root, kind, sha256),
  };
}
