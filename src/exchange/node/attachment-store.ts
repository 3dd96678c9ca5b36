import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import {
  decryptChunk,
  encryptChunk,
  exportAttachmentKey,
  importAttachmentKey,
  newAttachmentKey,
  openAttachmentKey,
  sealAttachmentKey,
  type AttachmentKey,
} from '../crypto/encryption.js';
import type { MasterKey } from '../crypto/master-key.js';
import { sha256Digest } from '../digests.js';
import { CHUNK_SIZE, MAX_ATTACHMENT_BYTES, partId, type AttachmentManifest, type PartRef } from '../protocol.js';

export interface Upload {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** Where a sealed attachment's chunks live, relative to `<dataDir>/exchange`. */
export interface StoredAttachment {
  id: string;
  dir: string;
  chunks: number;
  keySealed: Buffer;
}

export type AttachmentStore = ReturnType<typeof createAttachmentStore>;

function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = path.basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (cleaned || 'attachment').slice(0, 255);
}

/**
 * Attachments as this node keeps them: only as sealed chunks (compact JWEs under a per-attachment key, the key sealed
 * with the master key). An upload is encrypted chunk by chunk as it streams in, so a large file is never held whole in
 * memory; reading decrypts chunk by chunk the same way.
 */
export function createAttachmentStore(deps: { db: Kysely<Database>; masterKey: MasterKey; dataDir: string }) {
  const { db, masterKey } = deps;
  const root = path.join(deps.dataDir, 'exchange');

  const chunkFile = (dir: string, chunk: number) => path.join(root, dir, `${chunk}.jwe`);

  function keyOf(stored: { dir: string; keySealed: Buffer }): AttachmentKey {
    return openAttachmentKey(masterKey, stored.keySealed, stored.dir);
  }

  return {
    root,

    /** Encrypts an upload as it streams in. Bounded by MAX_ATTACHMENT_BYTES; memory by one chunk. */
    async upload(owner: { agencyId: string; userId: string | null }, input: { name: string; mediaType: string; body: AsyncIterable<Buffer | Uint8Array> }): Promise<Upload> {
      const id = newId();
      const dir = `uploads/${id}`;
      await mkdir(path.join(root, dir), { recursive: true });
      const key = newAttachmentKey();
      const hash = createHash('sha256');
      let size = 0;
      let chunks = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (final: boolean) => {
        while (pendingBytes >= CHUNK_SIZE || (final && pendingBytes > 0)) {
          const all = Buffer.concat(pending);
          const take = all.subarray(0, Math.min(CHUNK_SIZE, all.length));
          const rest = all.subarray(take.length);
          await writeFile(chunkFile(dir, chunks), await encryptChunk(key, take, { attachment: id, index: chunks }));
          chunks++;
          pending = rest.length ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
          // Encoding a chunk is synchronous work: let other requests in between chunks.
          await new Promise((r) => setImmediate(r));
        }
      };
      try {
        for await (const piece of input.body) {
          // A copy: an iterable may hand out the same buffer again for its next piece.
          const buf = Buffer.from(piece);
          size += buf.length;
          if (size > MAX_ATTACHMENT_BYTES) throw new BadRequestError(`An attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 ** 3} GiB.`, 'attachment-too-large');
          hash.update(buf);
          pending.push(buf);
          pendingBytes += buf.length;
          if (pendingBytes >= CHUNK_SIZE) await flush(false);
        }
        await flush(true);
      } catch (err) {
        await rm(path.join(root, dir), { recursive: true, force: true });
        throw err;
      }
      const row = {
        id,
        agency_id: owner.agencyId,
        user_id: owner.userId,
        name: safeName(input.name),
        media_type: input.mediaType.slice(0, 255) || 'application/octet-stream',
        size,
        sha256: hash.digest('hex'),
        chunk_size: CHUNK_SIZE,
        chunks,
        key_sealed: sealAttachmentKey(masterKey, key, dir),
        message_row_id: null,
        created_at: nowIso(),
      };
      await db.insertInto('exchange_uploads').values(row).execute();
      return { id, name: row.name, mediaType: row.media_type, size, sha256: row.sha256, createdAt: row.created_at };
    },

    /** Uploads of the agency not yet attached to a message, by id (in the given order). */
    async claimable(agencyId: string, ids: string[]) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('exchange_uploads').selectAll().where('agency_id', '=', agencyId).where('id', 'in', ids).where('message_row_id', 'is', null).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => {
        const row = byId.get(id);
        if (!row) throw new BadRequestError(`Attachment ${id} is not an unsent upload of your agency.`, 'unknown-attachment');
        return row;
      });
    },

    /** The manifest entry (with the key, for the sealed content) and the parts to upload for an upload. */
    async manifest(
      upload: { id: string; name: string; media_type: string; size: number; sha256: string; chunk_size: number; chunks: number; key_sealed: Buffer },
      index: number,
    ): Promise<{ manifest: AttachmentManifest; parts: (PartRef & { file: string })[] }> {
      const dir = `uploads/${upload.id}`;
      const key = keyOf({ dir, keySealed: upload.key_sealed });
      const parts: (PartRef & { file: string })[] = [];
      for (let c = 0; c < upload.chunks; c++) {
        const file = chunkFile(dir, c);
        const bytes = await readFile(file);
        parts.push({ id: partId(index, c), size: bytes.length, digest: sha256Digest(bytes), file: path.relative(root, file) });
      }
      return {
        manifest: {
          index,
          id: upload.id,
          name: upload.name,
          mediaType: upload.media_type,
          size: Number(upload.size),
          sha256: upload.sha256,
          chunkSize: upload.chunk_size,
          chunks: upload.chunks,
          key: exportAttachmentKey(key),
        },
        parts,
      };
    },

    readPart: (relativeFile: string) => readFile(path.join(root, relativeFile)),

    /** Where a received attachment's chunks are written before they are verified. */
    receivedDir(messageRowId: string, index: number): string {
      return `received/${messageRowId}/${index}`;
    },

    async prepareDir(dir: string): Promise<void> {
      await mkdir(path.join(root, dir), { recursive: true });
    },

    chunkPath: (dir: string, chunk: number) => chunkFile(dir, chunk),

    async removeDir(dir: string): Promise<void> {
      await rm(path.join(root, dir), { recursive: true, force: true });
    },

    /**
     * Decrypts every chunk of a received attachment with the key from the sealed content and checks the whole against
     * the signed SHA-256; returns the key resealed for storage. Throws when any chunk or the digest fails.
     */
    async verifyReceived(dir: string, manifest: AttachmentManifest): Promise<Buffer> {
      const key = importAttachmentKey(manifest.key);
      const hash = createHash('sha256');
      let size = 0;
      for (let c = 0; c < manifest.chunks; c++) {
        const plain = await decryptChunk(key, (await readFile(chunkFile(dir, c))).toString('utf8'), { attachment: manifest.id, index: c });
        size += plain.length;
        hash.update(plain);
      }
      if (size !== manifest.size || hash.digest('hex') !== manifest.sha256) throw new Error(`attachment "${manifest.name}" does not match the digest its sender signed`);
      return sealAttachmentKey(masterKey, key, dir);
    },

    /** A plaintext stream of a stored attachment, decrypted one chunk at a time. */
    open(stored: { id: string; dir: string; chunks: number; keySealed: Buffer }): Readable {
      const key = keyOf(stored);
      let next = 0;
      return new Readable({
        async read() {
          try {
            if (next >= stored.chunks) return void this.push(null);
            const jwe = (await readFile(chunkFile(stored.dir, next))).toString('utf8');
            this.push(Buffer.from(await decryptChunk(key, jwe, { attachment: stored.id, index: next })));
            next++;
          } catch (err) {
            this.destroy(err instanceof Error ? err : new Error(String(err)));
          }
        },
      });
    },

    async attachmentRow(messageRowId: string, index: number) {
      const row = await db.selectFrom('exchange_attachments').selectAll().where('message_row_id', '=', messageRowId).where('idx', '=', index).executeTakeFirst();
      if (!row) throw new NotFoundError('The attachment');
      return row;
    },
  };
}
