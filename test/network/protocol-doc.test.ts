import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePublicJwk, type PublicJwk } from '../../src/exchange/crypto/keys.js';
import { verifyJws } from '../../src/exchange/crypto/signatures.js';
import { sha256Digest } from '../../src/exchange/digests.js';
import { parseEnrolmentToken } from '../../src/exchange/enrolment-token.js';
import { verifyRequest } from '../../src/exchange/request-signing.js';
import { packageRoot } from '../../src/paths.js';

/** The examples of docs/protocol.md are real: they verify with the code and agree with each other. */
describe('docs/protocol.md examples', () => {
  const doc = readFileSync(path.join(packageRoot, 'docs', 'protocol.md'), 'utf8');
  const block = (name: string): string => {
    const m = new RegExp(`<!-- example:${name} -->\\n\`\`\`(?:json|text)\\n([\\s\\S]*?)\\n\`\`\`\\n<!-- /example -->`).exec(doc);
    if (!m) throw new Error(`no example ${name}`);
    return m[1]!;
  };
  const json = (name: string) => JSON.parse(block(name));
  const keys = json('keys') as { hub: { kid: string; key: unknown }; agencies: { id: string; sig: { kid: string; jwk: unknown } }[] };
  const [pt, es] = keys.agencies;
  const keyOf = (agency: { sig: { kid: string; jwk: unknown } }) => (kid: string): PublicJwk | undefined => (kid === agency.sig.kid ? parsePublicJwk(agency.sig.jwk, 'sig') : undefined);

  it('the envelope: routing and content signed by the sender, the digest binding the JWE', async () => {
    const routing = await verifyJws(block('routing'), 'tessera-routing+jws', keyOf(pt!));
    expect(routing.payload).toEqual(json('routing-payload'));
    expect(json('routing-header')).toEqual({ alg: 'Ed25519', kid: pt!.sig.kid, typ: 'tessera-routing+jws' });
    expect(sha256Digest(JSON.stringify(json('jwe')))).toBe((routing.payload as { jweDigest: string }).jweDigest);
    expect(json('jwe').recipients.map((r: { header: { kid: string } }) => r.header.kid)).toEqual(keys.agencies.slice(1).map((a) => (a as unknown as { enc: { kid: string } }).enc.kid));
    const inner = await verifyJws(block('inner'), 'tessera-message+jws', keyOf(pt!));
    expect(inner.payload).toEqual(json('content'));
    expect(json('content')).toMatchObject({ id: (routing.payload as { id: string }).id, from: pt!.id });
  });

  it('the request signature', async () => {
    const header = block('request-header').replace(/^Tessera-Signature: /, '');
    const claims = json('request-claims');
    const verified = await verifyRequest(header, { method: 'POST', path: '/hub/v1/ack', bodyDigest: sha256Digest(block('request-body')), now: Date.parse(claims.ts) }, (agency, kid) =>
      agency === pt!.id ? keyOf(pt!)(kid) : undefined,
    );
    expect(verified).toEqual(claims);
  });

  it('the directory, signed by the hub', async () => {
    const hubKey = parsePublicJwk(keys.hub.key, 'sig');
    const directory = await verifyJws(block('directory'), 'tessera-directory+jws', (kid) => (kid === keys.hub.kid ? hubKey : undefined));
    expect(directory.payload).toEqual(json('directory-payload'));
    expect(parseEnrolmentToken(block('token')).hubKid).toBe(keys.hub.kid);
  });

  it('the receipt, signed by the recipient and sealed to the sender', async () => {
    const routing = await verifyJws(block('receipt-routing'), 'tessera-routing+jws', keyOf(es!));
    expect(routing.payload).toEqual(json('receipt-routing-payload'));
    expect(sha256Digest(block('receipt-jwe'))).toBe((routing.payload as { jweDigest: string }).jweDigest);
    expect(json('receipt')).toMatchObject({ type: 'receipt', from: es!.id, to: [pt!.id], of: json('content').id });
  });
});
