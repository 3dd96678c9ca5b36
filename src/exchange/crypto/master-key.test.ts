import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralMasterKey, loadOrCreateMasterKey, macWithMasterKey, openSecret, sealSecret } from './master-key.js';

describe('master key', () => {
  it('is generated once into the data directory with 0600 permissions and reused', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-mk-'));
    const first = loadOrCreateMasterKey(dir);
    expect(first.source).toBe('generated');
    expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    const second = loadOrCreateMasterKey(dir);
    expect(second.source).toBe('file');
    const sealed = sealSecret(first, 'test', Buffer.from('hello'), 'row-1');
    expect(openSecret(second, 'test', sealed, 'row-1').toString()).toBe('hello');
  });

  it('refuses a key file readable by others', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-mk-'));
    writeFileSync(path.join(dir, 'master.key'), Buffer.alloc(32).toString('base64'), { mode: 0o644 });
    expect(() => loadOrCreateMasterKey(dir)).toThrow(/chmod 600/);
  });

  it('binds sealed values to their purpose and context', () => {
    const key = ephemeralMasterKey();
    const sealed = sealSecret(key, 'totp', Buffer.from('secret'), 'user-1');
    expect(() => openSecret(key, 'totp', sealed, 'user-2')).toThrow();
    expect(() => openSecret(key, 'other', sealed, 'user-1')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openSecret(key, 'totp', tampered, 'user-1')).toThrow();
    expect(() => openSecret(ephemeralMasterKey(), 'totp', sealed, 'user-1')).toThrow();
  });

  it('gives different MACs under different keys', () => {
    expect(macWithMasterKey(ephemeralMasterKey(), 'audit', 'x')).not.toBe(macWithMasterKey(ephemeralMasterKey(), 'audit', 'x'));
  });
});
