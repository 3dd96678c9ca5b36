import { describe, expect, it } from 'vitest';
import {
  decryptChunk,
  decryptForRecipient,
  encryptChunk,
  encryptToRecipients,
  exportAttachmentKey,
  importAttachmentKey,
  jweRecipientKeyIds,
  newAttachmentKey,
  openAttachmentKey,
  sealAttachmentKey,
} from './encryption.js';
import { generateKey, type PrivateKey } from './keys.js';
import { ephemeralMasterKey } from './master-key.js';

const text = (s: string) => new TextEncoder().encode(s);
const header = { typ: 'tessera-envelope+jwe', cty: 'tessera-message+jws' };

describe('encryption', async () => {
  const mk = ephemeralMasterKey();
  const [b, c, d] = await Promise.all(['b', 'c', 'd'].map((o) => generateKey(mk, o, 'enc')));
  const lookup = (k: { kid: string; key: PrivateKey<'enc'> }) => (kid: string) => (kid === k.kid ? k.key : undefined);

  it('seal once to several recipients, each of whom can open it alone', async () => {
    const jwe = await encryptToRecipients(text('hello both'), [b!, c!].map((k) => ({ kid: k.kid, jwk: k.publicJwk })), header);
    expect(JSON.parse(jwe).recipients).toHaveLength(2);
    expect(jweRecipientKeyIds(jwe)).toEqual([b!.kid, c!.kid]);
    expect(jwe).not.toContain('hello');
    for (const k of [b!, c!]) {
      const opened = await decryptForRecipient(jwe, lookup(k), { typ: header.typ });
      expect(new TextDecoder().decode(opened.plaintext)).toBe('hello both');
      expect(opened.kid).toBe(k.kid);
    }
  });

  it('refuse a recipient it was not sealed to, and any alteration', async () => {
    const jwe = await encryptToRecipients(text('for b only'), [{ kid: b!.kid, jwk: b!.publicJwk }], header);
    await expect(decryptForRecipient(jwe, lookup(d!), { typ: header.typ })).rejects.toThrow(/not addressed/);
    // d claims b's kid but holds its own key: the unwrap fails.
    await expect(decryptForRecipient(jwe, (kid) => (kid === b!.kid ? d!.key : undefined), { typ: header.typ })).rejects.toThrow(/does not decrypt/);
    const parsed = JSON.parse(jwe);
    const flipped = Buffer.from(parsed.ciphertext, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    const altered = JSON.stringify({ ...parsed, ciphertext: flipped.toString('base64url') });
    await expect(decryptForRecipient(altered, lookup(b!), { typ: header.typ })).rejects.toThrow(/does not decrypt/);
    await expect(decryptForRecipient(jwe, lookup(b!), { typ: 'other' })).rejects.toThrow(/expected a other/);
    await expect(decryptForRecipient('{"x":1}', lookup(b!), { typ: header.typ })).rejects.toThrow(/not a general JWE/);
  });

  it('encrypt chunks bound to their attachment and index', async () => {
    const key = newAttachmentKey();
    const chunk = await encryptChunk(key, text('chunk zero'), { attachment: 'a1', index: 0 });
    expect(new TextDecoder().decode(await decryptChunk(key, chunk, { attachment: 'a1', index: 0 }))).toBe('chunk zero');
    await expect(decryptChunk(key, chunk, { attachment: 'a1', index: 1 })).rejects.toThrow(/out of place/);
    await expect(decryptChunk(key, chunk, { attachment: 'a2', index: 0 })).rejects.toThrow(/out of place/);
    await expect(decryptChunk(newAttachmentKey(), chunk, { attachment: 'a1', index: 0 })).rejects.toThrow(/does not decrypt/);
    const roundTrip = importAttachmentKey(exportAttachmentKey(key));
    expect(new TextDecoder().decode(await decryptChunk(roundTrip, chunk, { attachment: 'a1', index: 0 }))).toBe('chunk zero');
    const sealed = sealAttachmentKey(mk, key, 'upload-1');
    const reopened = openAttachmentKey(mk, sealed, 'upload-1');
    expect(exportAttachmentKey(reopened)).toBe(exportAttachmentKey(key));
    expect(() => openAttachmentKey(mk, sealed, 'upload-2')).toThrow();
    expect(() => importAttachmentKey('short')).toThrow(/malformed/);
  });
});
