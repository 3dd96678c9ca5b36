import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The node master key protects secrets at rest (agency private keys, TOTP secrets, blob keys). It never leaves this
 * module as bytes: callers get a handle and the operations they need.
 */
declare const masterKeyBrand: unique symbol;
export interface MasterKey {
  readonly [masterKeyBrand]: true;
  /** Where the key came from, for the start-up log line (never the key itself). */
  readonly source: 'environment' | 'file' | 'generated';
}

interface MasterKeyInternal extends MasterKey {
  bytes: Buffer;
}

const KEY_FILE = 'master.key';
const SEALED_VERSION = 1;

function wrap(bytes: Buffer, source: MasterKey['source']): MasterKey {
  return { bytes, source } as unknown as MasterKey;
}

function bytesOf(key: MasterKey): Buffer {
  return (key as MasterKeyInternal).bytes;
}

/**
 * Takes the key from TESSERA_MASTER_KEY(_FILE) when given, else from `<dataDir>/master.key`, generating that file with
 * 0600 permissions on first start. A key file readable by others is refused: it would protect nothing.
 */
export function loadOrCreateMasterKey(dataDir: string, fromEnvironment?: string): MasterKey {
  if (fromEnvironment) return wrap(Buffer.from(fromEnvironment, 'base64'), 'environment');
  const file = path.join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new Error(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    }
    const bytes = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (bytes.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return wrap(bytes, 'file');
  }
  mkdirSync(dataDir, { recursive: true });
  const bytes = randomBytes(32);
  writeFileSync(file, `${bytes.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return wrap(bytes, 'generated');
}

/** For tests and tools that need a throwaway key. */
export function ephemeralMasterKey(): MasterKey {
  return wrap(randomBytes(32), 'generated');
}

function subkey(key: MasterKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', bytesOf(key), Buffer.alloc(0), `tessera/${purpose}`, 32));
}

/**
 * AES-256-GCM under a purpose-specific subkey; `context` is bound as additional data so a sealed value cannot be
 * moved to another row or column. Layout: version(1) | iv(12) | tag(16) | ciphertext.
 */
export function sealSecret(key: MasterKey, purpose: string, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subkey(key, purpose), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED_VERSION]), iv, cipher.getAuthTag(), body]);
}

export function openSecret(key: MasterKey, purpose: string, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 29 || sealed[0] !== SEALED_VERSION) throw new Error('sealed value is malformed');
  const decipher = createDecipheriv('aes-256-gcm', subkey(key, purpose), sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
}

/** A keyed MAC under a purpose-specific subkey (the audit chain uses it so a database-only attacker cannot re-forge it). */
export function macWithMasterKey(key: MasterKey, purpose: string, data: string | Buffer): string {
  return createHmac('sha256', subkey(key, purpose)).update(data).digest('hex');
}
