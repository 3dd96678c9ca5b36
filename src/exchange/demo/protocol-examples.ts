/**
 * Regenerates the examples in docs/protocol.md with the real code: `npx tsx src/exchange/demo/protocol-examples.ts`.
 * Each example sits between `<!-- example:NAME -->` and `<!-- /example -->`; the prose around them is left alone.
 * The keys are throwaway keys made for the run. test/network/protocol-doc.test.ts verifies the examples committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../paths.js';
import { newId, nowIso } from '../../store/ids.js';
import { generateKey } from '../crypto/keys.js';
import { ephemeralMasterKey } from '../crypto/master-key.js';
import { signJws } from '../crypto/signatures.js';
import { sha256Digest } from '../digests.js';
import { openEnvelope, sealEnvelope } from '../envelope.js';
import { newEnrolmentToken } from '../enrolment-token.js';
import { partId, PROTOCOL_VERSION, type DirectoryDocument, type MessageContent, type ReceiptContent } from '../protocol.js';
import { signRequest } from '../request-signing.js';

const decode = (jws: string, i: 0 | 1) => JSON.parse(Buffer.from(jws.split('.')[i]!, 'base64url').toString('utf8'));
const json = (value: unknown) => `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;
const text = (value: string) => `\`\`\`text\n${value}\n\`\`\``;

async function main(): Promise<void> {
  const mk = ephemeralMasterKey();
  const party = async (name: string) => {
    const id = newId();
    return { name, id, sig: await generateKey(mk, id, 'sig'), enc: await generateKey(mk, id, 'enc') };
  };
  const pt = await party('PT');
  const es = await party('ES');
  const fr = await party('FR');
  const hubId = newId();
  const hubKey = await generateKey(mk, hubId, 'sig');

  const directory: DirectoryDocument = {
    v: PROTOCOL_VERSION,
    hub: hubId,
    version: 7,
    issued: nowIso(),
    members: [pt, es, fr].map((p) => ({
      id: p.id,
      name: `${p.name} example agency`,
      country: p.name,
      status: 'active' as const,
      keys: [
        { kid: p.sig.kid, use: 'sig' as const, status: 'current' as const, jwk: p.sig.publicJwk },
        { kid: p.enc.kid, use: 'enc' as const, status: 'current' as const, jwk: p.enc.publicJwk },
      ],
    })),
  };
  const directoryJws = await signJws(hubKey.key, 'tessera-directory+jws', directory);

  const id = newId();
  const attachmentId = newId();
  const content: MessageContent = {
    type: 'message',
    v: PROTOCOL_VERSION,
    id,
    from: pt.id,
    to: [es.id, fr.id],
    created: nowIso(),
    thread: id,
    caseReference: 'OP-EXAMPLE-7',
    handling: { tlp: 'TLP:AMBER', restriction: { code: 'H2' } },
    priority: 'high',
    rfiDeadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    subject: 'Request for information: forum handle example_handle',
    body: 'Do you hold records on this handle? Posting times attached.',
    attachments: [
      { index: 0, id: attachmentId, name: 'posting-times.csv', mediaType: 'text/csv', size: 2_411_008, sha256: 'a'.repeat(64), chunkSize: 2 * 1024 * 1024, chunks: 2, key: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' },
    ],
  };
  const parts = [
    { id: partId(0, 0), size: 2_796_411, digest: sha256Digest('chunk 0 (example)') },
    { id: partId(0, 1), size: 372_205, digest: sha256Digest('chunk 1 (example)') },
  ];
  const sealed = await sealEnvelope({
    content,
    signingKey: pt.sig.key,
    recipients: [es, fr].map((p) => ({ agencyId: p.id, kid: p.enc.kid, jwk: p.enc.publicJwk })),
    parts,
  });
  const senderKey = (agency: string, kid: string) => [pt, es, fr].find((p) => p.id === agency && p.sig.kid === kid)?.sig.publicJwk;
  const opened = await openEnvelope(sealed, es.id, { senderKey, decryptionKey: (kid) => (kid === es.enc.kid ? es.enc.key : undefined) });

  const receipt: ReceiptContent = { type: 'receipt', v: PROTOCOL_VERSION, id: newId(), from: es.id, to: [pt.id], created: nowIso(), of: id, status: 'read', at: nowIso() };
  const receiptSealed = await sealEnvelope({ content: receipt, signingKey: es.sig.key, recipients: [{ agencyId: pt.id, kid: pt.enc.kid, jwk: pt.enc.publicJwk }] });

  const ackBody = JSON.stringify({ ids: [id] });
  const requestHeader = await signRequest(pt.sig.key, { agency: pt.id, method: 'POST', path: '/hub/v1/ack', body: ackBody });

  const examples: Record<string, string> = {
    keys: json({ hub: { hubId, kid: hubKey.kid, key: hubKey.publicJwk }, agencies: [pt, es, fr].map((p) => ({ id: p.id, sig: { kid: p.sig.kid, jwk: p.sig.publicJwk }, enc: { kid: p.enc.kid, jwk: p.enc.publicJwk } })) }),
    token: text(newEnrolmentToken(hubKey.kid).token),
    content: json(opened.content),
    inner: text(opened.signed),
    'inner-header': json(decode(opened.signed, 0)),
    jwe: json(JSON.parse(sealed.jwe)),
    'jwe-protected': json(decode(JSON.parse(sealed.jwe).protected + '.x', 0)),
    routing: text(sealed.routing),
    'routing-header': json(decode(sealed.routing, 0)),
    'routing-payload': json(decode(sealed.routing, 1)),
    'request-body': text(ackBody),
    'request-header': text(`Tessera-Signature: ${requestHeader}`),
    'request-claims': json(decode(requestHeader, 1)),
    directory: text(directoryJws),
    'directory-payload': json(directory),
    receipt: json(receipt),
    'receipt-routing-payload': json(receiptSealed.routingDocument),
    'receipt-routing': text(receiptSealed.routing),
    'receipt-jwe': text(receiptSealed.jwe),
  };

  const file = path.join(packageRoot, 'docs', 'protocol.md');
  let doc = readFileSync(file, 'utf8');
  for (const [name, body] of Object.entries(examples)) {
    const pattern = new RegExp(`(<!-- example:${name} -->\\n)[\\s\\S]*?(\\n<!-- /example -->)`);
    if (!pattern.test(doc)) throw new Error(`docs/protocol.md has no example block "${name}"`);
    doc = doc.replace(pattern, (_m, open: string, close: string) => `${open}${body}${close}`);
  }
  writeFileSync(file, doc);
  process.stdout.write(`updated ${Object.keys(examples).length} examples in ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
