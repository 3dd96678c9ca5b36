import type { Readable } from 'node:stream';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import type { Role } from '../../identity/roles.js';
import type { HandlingCode, HandlingRestriction } from '../../intel/vocabulary.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, ExchangeMessagesTable } from '../../store/schema.js';
import { sealEnvelope } from '../envelope.js';
import type { KeyStore } from '../key-store.js';
import { MAX_ATTACHMENTS, PROTOCOL_VERSION, type AttachmentManifest, type MessageContent, type MessagePriority, type PartRef } from '../protocol.js';
import { sealSecret, type MasterKey } from '../crypto/master-key.js';
import type { AttachmentStore, Upload } from './attachment-store.js';
import { SIGNED_CONTENT_PURPOSE } from './inbox.js';
import type { NodeMembership } from './membership.js';
import type { Outbox } from './outbox.js';
import type { Receipts } from './receipts.js';

/** Who works with messages: the case roles that exchange intelligence. Prosecutors see one case, admins no content. */
export const MESSAGE_ROLES: Role[] = ['investigator', 'victim-id', 'analyst'];

export type Box = 'in' | 'out';

export interface AgencyRef {
  id: string;
  name: string;
  country: string;
}

export interface RecipientStatus extends AgencyRef {
  deliveredAt: string | null;
  readAt: string | null;
  answeredAt: string | null;
  rfiOverdue: boolean;
}

export interface MessageSummary {
  id: string;
  messageId: string;
  box: Box;
  threadId: string;
  inReplyTo: string | null;
  from: AgencyRef;
  to: AgencyRef[];
  caseReference: string | null;
  caseId: string | null;
  subject: string;
  handling: { tlp: HandlingCode; restriction?: HandlingRestriction };
  priority: MessagePriority;
  rfiDeadline: string | null;
  rfiOverdue: boolean;
  createdAt: string;
  receivedAt: string | null;
  status: 'queued' | 'sent' | 'failed' | 'received';
  unread: boolean;
  attachmentCount: number;
  recipients: RecipientStatus[];
}

export interface MessageDetail extends MessageSummary {
  body: string;
  answeredAt: string | null;
  attachments: { index: number; name: string; mediaType: string; size: number; sha256: string }[];
}

export interface NewMessage {
  to: string[];
  subject: string;
  body: string;
  caseReference?: string | undefined;
  caseId?: string | undefined;
  handling: { tlp: HandlingCode; restriction?: HandlingRestriction | undefined };
  priority?: MessagePriority | undefined;
  rfiDeadline?: string | undefined;
  inReplyTo?: string | undefined;
  attachments?: string[] | undefined;
}

export interface MessageQuery {
  box: Box;
  q?: string | undefined;
  caseReference?: string | undefined;
  threadId?: string | undefined;
  unread?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type Messages = ReturnType<typeof createMessages>;

/** The agency's mailbox as its users see it: compose and send, inbox and outbox, threads per case, receipts. */
export function createMessages(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  keys: KeyStore;
  masterKey: MasterKey;
  caseAccess: CaseAccessPolicy;
  membership: NodeMembership;
  attachments: AttachmentStore;
  outbox: Outbox;
  receipts: Receipts;
}) {
  const { db, audit, keys, membership, attachments, outbox, receipts } = deps;

  function agencyOf(ctx: RequestContext): string {
    const agencyId = ctx.actor.agencyId;
    if (!agencyId) throw new ForbiddenError('Messages belong to an agency; this caller has none.');
    if (ctx.actor.kind === 'user' && !ctx.actor.roles.some((r) => MESSAGE_ROLES.includes(r))) {
      throw new ForbiddenError(`Messages need one of the roles: ${MESSAGE_ROLES.join(', ')}.`);
    }
    return agencyId;
  }

  async function agencyRefs(ids: string[]): Promise<Map<string, AgencyRef>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await db.selectFrom('agencies').select(['id', 'name', 'country']).where('id', 'in', unique).execute();
    const map = new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, country: r.country }]));
    for (const id of unique) if (!map.has(id)) map.set(id, { id, name: 'Unknown agency', country: '' });
    return map;
  }

  async function summaries(rows: ExchangeMessagesTable[], userId: string | null): Promise<MessageSummary[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const recipientRows = await db.selectFrom('exchange_recipients').selectAll().where('message_row_id', 'in', ids).execute();
    const reads = userId ? await db.selectFrom('exchange_reads').select('message_row_id').where('user_id', '=', userId).where('message_row_id', 'in', ids).execute() : [];
    const readSet = new Set(reads.map((r) => r.message_row_id));
    const refs = await agencyRefs(rows.flatMap((r) => [r.from_agency_id, ...(JSON.parse(r.to_agency_ids) as string[])]));
    const now = nowIso();
    return rows.map((r) => {
      const overdueFor = (answeredAt: string | null) => Boolean(r.rfi_deadline && r.rfi_deadline < now && !answeredAt);
      const recipients = recipientRows
        .filter((x) => x.message_row_id === r.id)
        .map((x) => ({ ...refs.get(x.agency_id)!, deliveredAt: x.delivered_at, readAt: x.read_at, answeredAt: x.answered_at, rfiOverdue: overdueFor(x.answered_at) }));
      const box = r.box as Box;
      return {
        id: r.id,
        messageId: r.message_id,
        box,
        threadId: r.thread_id,
        inReplyTo: r.in_reply_to,
        from: refs.get(r.from_agency_id)!,
        to: (JSON.parse(r.to_agency_ids) as string[]).map((a) => refs.get(a)!),
        caseReference: r.case_reference,
        caseId: r.case_id,
        subject: r.subject,
        handling: { tlp: r.tlp as HandlingCode, ...(r.restriction ? { restriction: JSON.parse(r.restriction) as HandlingRestriction } : {}) },
        priority: r.priority as MessagePriority,
        rfiDeadline: r.rfi_deadline,
        rfiOverdue: box === 'in' ? overdueFor(r.answered_at) : recipients.some((x) => x.rfiOverdue),
        createdAt: r.created_at,
        receivedAt: r.received_at,
        status: r.status as MessageSummary['status'],
        unread: box === 'in' && !readSet.has(r.id),
        attachmentCount: r.attachment_count,
        recipients,
      };
    });
  }

  async function row(agencyId: string, id: string): Promise<ExchangeMessagesTable> {
    const found = await db.selectFrom('exchange_messages').selectAll().where('id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
    if (!found) throw new NotFoundError('The message');
    return found;
  }

  function filtered(agencyId: string, query: Omit<MessageQuery, 'limit' | 'offset'>, userId: string | null) {
    let q = db.selectFrom('exchange_messages').where('exchange_messages.agency_id', '=', agencyId).where('exchange_messages.box', '=', query.box);
    if (query.caseReference !== undefined) {
      q = query.caseReference === '' ? q.where('exchange_messages.case_reference', 'is', null) : q.where('exchange_messages.case_reference', '=', query.caseReference);
    }
    if (query.threadId) q = q.where('exchange_messages.thread_id', '=', query.threadId);
    if (query.q?.trim()) {
      const pattern = `%${escapeLike(query.q.trim().toLowerCase())}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['exchange_messages.subject']), 'like', eb.val(pattern)),
          eb(eb.fn('lower', ['exchange_messages.body']), 'like', eb.val(pattern)),
          eb(eb.fn('lower', ['exchange_messages.case_reference']), 'like', eb.val(pattern)),
        ]),
      );
    }
    if (query.unread && userId) {
      q = q.where((eb) =>
        eb.not(eb.exists(eb.selectFrom('exchange_reads').select('exchange_reads.user_id').whereRef('exchange_reads.message_row_id', '=', 'exchange_messages.id').where('exchange_reads.user_id', '=', userId))),
      );
    }
    return q;
  }

  const userIdOf = (ctx: RequestContext) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

  async function detail(r: ExchangeMessagesTable, userId: string | null): Promise<MessageDetail> {
    const [summary] = await summaries([r], userId);
    const files = await db.selectFrom('exchange_attachments').select(['idx', 'name', 'media_type', 'size', 'sha256']).where('message_row_id', '=', r.id).orderBy('idx').execute();
    return {
      ...summary!,
      unread: false,
      body: r.body,
      answeredAt: r.answered_at,
      attachments: files.map((f) => ({ index: f.idx, name: f.name, mediaType: f.media_type, size: Number(f.size), sha256: f.sha256 })),
    };
  }

  return {
    agencyOf,

    async list(ctx: RequestContext, query: MessageQuery): Promise<{ items: MessageSummary[]; total: number }> {
      const agencyId = agencyOf(ctx);
      const userId = userIdOf(ctx);
      const base = filtered(agencyId, query, userId);
      const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await base
        .selectAll('exchange_messages')
        .orderBy(query.box === 'in' ? 'exchange_messages.received_at' : 'exchange_messages.created_at', 'desc')
        .orderBy('exchange_messages.id', 'desc')
        .limit(query.limit ?? 50)
        .offset(query.offset ?? 0)
        .execute();
      const items = await summaries(rows, userId);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'message.list',
        object: { type: 'message' },
        justification: ctx.justification,
        details: { box: query.box, q: query.q ?? null, caseReference: query.caseReference ?? null, returned: items.map((i) => i.id) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { items, total: Number(total.n) };
    },

    /** Unread inbox messages of the user (a number only: no audit event). */
    async unreadCount(ctx: RequestContext): Promise<{ unread: number; overdue: number; changes: string }> {
      const agencyId = agencyOf(ctx);
      const unread = await filtered(agencyId, { box: 'in', unread: true }, userIdOf(ctx)).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const now = nowIso();
      const overdueIn = await db
        .selectFrom('exchange_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('agency_id', '=', agencyId)
        .where('box', '=', 'in')
        .where('rfi_deadline', '<', now)
        .where('answered_at', 'is', null)
        .executeTakeFirstOrThrow();
      // A value that changes whenever the mailbox does (a message in or out, a send, a receipt): pages poll it and
      // reload their lists only then, so an open mailbox does not fill the audit trail with consultations.
      const box = await db
        .selectFrom('exchange_messages')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('received_at').as('inAt'), eb.fn.max('created_at').as('outAt'), eb.fn.sum<number>(eb.case().when('status', '=', 'sent').then(1).else(0).end()).as('sent')])
        .where('agency_id', '=', agencyId)
        .executeTakeFirstOrThrow();
      const receipts = await db
        .selectFrom('exchange_recipients')
        .innerJoin('exchange_messages', 'exchange_messages.id', 'exchange_recipients.message_row_id')
        .select((eb) => [eb.fn.max('exchange_recipients.delivered_at').as('d'), eb.fn.max('exchange_recipients.read_at').as('r'), eb.fn.max('exchange_recipients.answered_at').as('a')])
        .where('exchange_messages.agency_id', '=', agencyId)
        .executeTakeFirstOrThrow();
      const changes = [box.n, box.inAt, box.outAt, box.sent, receipts.d, receipts.r, receipts.a].map((v) => String(v ?? '')).join('|');
      return { unread: Number(unread.n), overdue: Number(overdueIn.n), changes };
    },

    /** Threads grouped by case reference, with counts (the mailbox's left column). */
    async cases(ctx: RequestContext, box: Box): Promise<{ caseReference: string | null; messages: number; unread: number; lastAt: string }[]> {
      const agencyId = agencyOf(ctx);
      const userId = userIdOf(ctx) ?? '';
      const rows = await db
        .selectFrom('exchange_messages as m')
        .leftJoin('exchange_reads as r', (j) => j.onRef('r.message_row_id', '=', 'm.id').on('r.user_id', '=', userId))
        .select((eb) => [
          'm.case_reference',
          eb.fn.countAll<number>().as('messages'),
          eb.fn.sum<number>(eb.case().when('r.user_id', 'is', null).then(box === 'in' ? 1 : 0).else(0).end()).as('unread'),
          eb.fn.max('m.created_at').as('last_at'),
        ])
        .where('m.agency_id', '=', agencyId)
        .where('m.box', '=', box)
        .groupBy('m.case_reference')
        .orderBy(sql`max(m.created_at)`, 'desc')
        .execute();
      return rows.map((r) => ({ caseReference: r.case_reference, messages: Number(r.messages), unread: Number(r.unread ?? 0), lastAt: String(r.last_at) }));
    },

    /** Opens a message: a consultation in the audit trail; the first opening in the agency sends a read receipt. */
    async get(ctx: RequestContext, id: string): Promise<MessageDetail> {
      const agencyId = agencyOf(ctx);
      const r = await row(agencyId, id);
      const userId = userIdOf(ctx);
      const now = nowIso();
      let firstRead = false;
      await db.transaction().execute(async (trx) => {
        if (userId) {
          await trx.insertInto('exchange_reads').values({ message_row_id: id, user_id: userId, read_at: now }).onConflict((oc) => oc.columns(['message_row_id', 'user_id']).doNothing()).execute();
        }
        if (r.box === 'in' && !r.read_at) {
          const updated = await trx.updateTable('exchange_messages').set({ read_at: now }).where('id', '=', id).where('read_at', 'is', null).executeTakeFirst();
          firstRead = Number(updated.numUpdatedRows) === 1;
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'consultation',
          action: 'message.read',
          object: { type: 'message', id },
          caseId: r.case_id,
          justification: ctx.justification,
          details: { messageId: r.message_id, box: r.box, handling: r.tlp },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      if (firstRead) await receipts.send(agencyId, r.from_agency_id, r.message_id, 'read');
      return detail({ ...r, read_at: r.read_at ?? (firstRead ? now : null) }, userId);
    },

    /** Every message of a thread the agency holds, oldest first (no separate audit: each opening is audited). */
    async thread(ctx: RequestContext, id: string): Promise<MessageSummary[]> {
      const agencyId = agencyOf(ctx);
      const r = await row(agencyId, id);
      const rows = await db.selectFrom('exchange_messages').selectAll().where('agency_id', '=', agencyId).where('thread_id', '=', r.thread_id).orderBy('created_at').execute();
      return summaries(rows, userIdOf(ctx));
    },

    async upload(ctx: RequestContext, input: { name: string; mediaType: string; body: AsyncIterable<Buffer | Uint8Array> }): Promise<Upload> {
      const agencyId = agencyOf(ctx);
      const upload = await attachments.upload({ agencyId, userId: userIdOf(ctx) }, input);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'collection',
        action: 'message.attachment.upload',
        object: { type: 'attachment', id: upload.id },
        details: { size: upload.size, sha256: upload.sha256, mediaType: upload.mediaType },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return upload;
    },

    /** A stored attachment as plaintext, decrypted as it streams: a consultation in the audit trail. */
    async download(ctx: RequestContext, id: string, index: number): Promise<{ name: string; mediaType: string; size: number; stream: Readable }> {
      const agencyId = agencyOf(ctx);
      const r = await row(agencyId, id);
      const a = await attachments.attachmentRow(id, index);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'message.attachment.read',
        object: { type: 'message', id },
        caseId: r.case_id,
        justification: ctx.justification,
        details: { messageId: r.message_id, index, name: a.name, sha256: a.sha256 },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { name: a.name, mediaType: a.media_type, size: Number(a.size), stream: attachments.open({ id: a.attachment_id, dir: a.dir, chunks: a.chunks, keySealed: a.key_sealed }) };
    },

    /**
     * Composes, signs and seals a message to one or more network agencies and queues it for the hub: a disclosure in
     * the audit trail, with the recipients. Sealing happens now, so what waits in the outbox is already encrypted.
     */
    /**
     * `alsoWithin` runs inside the transaction that queues the message, so what a caller records about the send (the
     * record it carries, say) is committed with it or not at all.
     */
    async send(ctx: RequestContext, input: NewMessage, alsoWithin?: (trx: Transaction<Database>, sent: { id: string; messageId: string }) => Promise<void>): Promise<MessageDetail> {
      const agencyId = agencyOf(ctx);
      const member = await membership.membership(agencyId);
      if (!member) throw new ConflictError('Your agency has not joined the network yet; ask your agency admin.', 'not-a-member');
      if (member.status !== 'active') throw new ConflictError(`Your agency's network membership is ${member.status}; messages can be sent once the hub approves it.`, 'member-not-active');

      const to = [...new Set(input.to)];
      if (to.length === 0) throw new BadRequestError('A message needs at least one recipient agency.', 'no-recipients');
      if (to.includes(agencyId)) throw new BadRequestError('Your own agency cannot be a recipient.', 'self-addressed');
      const subject = input.subject.trim();
      if (!subject) throw new BadRequestError('A message needs a subject.', 'no-subject');
      if (input.rfiDeadline && !(Date.parse(input.rfiDeadline) > Date.now())) throw new BadRequestError('The deadline of a request for information must be in the future.', 'deadline-past');
      if ((input.attachments?.length ?? 0) > MAX_ATTACHMENTS) throw new BadRequestError(`At most ${MAX_ATTACHMENTS} attachments.`, 'too-many-attachments');

      let caseReference = input.caseReference?.trim() || undefined;
      let caseId: string | null = null;
      if (input.caseId) {
        await deps.caseAccess.require(ctx.actor, 'case.read', [input.caseId]);
        const c = await db.selectFrom('cases').select(['id', 'reference']).where('id', '=', input.caseId).executeTakeFirstOrThrow();
        caseId = c.id;
        caseReference = c.reference;
      }

      const id = newId();
      let thread = id;
      let replyTo: ExchangeMessagesTable | undefined;
      if (input.inReplyTo) {
        replyTo = await row(agencyId, input.inReplyTo);
        thread = replyTo.thread_id;
        caseReference ??= replyTo.case_reference ?? undefined;
        caseId ??= replyTo.case_id;
      }

      const uploads = await attachments.claimable(agencyId, input.attachments ?? []);
      const manifests: AttachmentManifest[] = [];
      const parts: (PartRef & { file: string })[] = [];
      for (const [i, upload] of uploads.entries()) {
        const m = await attachments.manifest(upload, i);
        manifests.push(m.manifest);
        parts.push(...m.parts);
      }

      const content: MessageContent = {
        type: 'message',
        v: PROTOCOL_VERSION,
        id,
        from: agencyId,
        to,
        created: nowIso(),
        thread,
        ...(replyTo ? { inReplyTo: replyTo.message_id } : {}),
        ...(caseReference ? { caseReference } : {}),
        handling: { tlp: input.handling.tlp, ...(input.handling.restriction ? { restriction: input.handling.restriction } : {}) },
        priority: input.priority ?? 'normal',
        ...(input.rfiDeadline ? { rfiDeadline: new Date(input.rfiDeadline).toISOString() } : {}),
        subject,
        body: input.body,
        attachments: manifests,
      };
      const recipients = await membership.recipientKeys(agencyId, to);
      const sealed = await sealEnvelope({ content, signingKey: await keys.currentKey(agencyId, 'sig'), recipients, parts: parts.map(({ id: p, size, digest }) => ({ id: p, size, digest })) });

      const rowId = newId();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('exchange_messages')
          .values({
            id: rowId,
            agency_id: agencyId,
            message_id: id,
            box: 'out',
            thread_id: thread,
            in_reply_to: content.inReplyTo ?? null,
            from_agency_id: agencyId,
            to_agency_ids: JSON.stringify(to),
            case_reference: caseReference ?? null,
            case_id: caseId,
            subject,
            body: input.body,
            tlp: content.handling.tlp,
            restriction: content.handling.restriction ? JSON.stringify(content.handling.restriction) : null,
            priority: content.priority,
            rfi_deadline: content.rfiDeadline ?? null,
            created_at: content.created,
            received_at: null,
            status: 'queued',
            hub_seq: null,
            signed_sealed: sealSecret(deps.masterKey, SIGNED_CONTENT_PURPOSE, Buffer.from(sealed.signed, 'utf8'), rowId),
            read_at: null,
            answered_at: null,
            attachment_count: manifests.length,
            created_by: userIdOf(ctx),
          })
          .execute();
        await trx
          .insertInto('exchange_recipients')
          .values(to.map((a) => ({ message_row_id: rowId, agency_id: a, delivered_at: null, read_at: null, answered_at: null })))
          .execute();
        for (const [i, upload] of uploads.entries()) {
          await trx
            .insertInto('exchange_attachments')
            .values({
              message_row_id: rowId,
              idx: i,
              attachment_id: upload.id,
              name: upload.name,
              media_type: upload.media_type,
              size: upload.size,
              sha256: upload.sha256,
              chunk_size: upload.chunk_size,
              chunks: upload.chunks,
              key_sealed: upload.key_sealed,
              dir: `uploads/${upload.id}`,
            })
            .execute();
          const claimed = await trx.updateTable('exchange_uploads').set({ message_row_id: rowId }).where('id', '=', upload.id).where('message_row_id', 'is', null).executeTakeFirst();
          if (Number(claimed.numUpdatedRows) !== 1) throw new ConflictError('An attachment was sent with another message a moment ago.', 'attachment-used');
        }
        if (replyTo && replyTo.box === 'in' && !replyTo.answered_at) {
          await trx.updateTable('exchange_messages').set({ answered_at: content.created }).where('id', '=', replyTo.id).execute();
        }
        await outbox.add(trx, agencyId, sealed, parts);
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'disclosure',
          action: 'message.send',
          object: { type: 'message', id: rowId },
          caseId,
          recipients: to,
          justification: ctx.justification,
          details: {
            messageId: id,
            handling: content.handling.tlp,
            restriction: content.handling.restriction?.code ?? null,
            priority: content.priority,
            rfiDeadline: content.rfiDeadline ?? null,
            attachments: manifests.map((m) => ({ name: m.name, size: m.size, sha256: m.sha256 })),
            inReplyTo: content.inReplyTo ?? null,
          },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
        if (alsoWithin) await alsoWithin(trx, { id: rowId, messageId: id });
      });
      await outbox.kick(agencyId);
      if (replyTo && replyTo.box === 'in' && !replyTo.answered_at) await receipts.send(agencyId, replyTo.from_agency_id, replyTo.message_id, 'answered');
      return detail(await row(agencyId, rowId), userIdOf(ctx));
    },

    async rejections(agencyId: string, limit = 100) {
      const rows = await db.selectFrom('exchange_rejections').selectAll().where('agency_id', '=', agencyId).orderBy('at', 'desc').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, envelopeId: r.envelope_id, kind: r.kind, fromAgencyId: r.from_agency_id, hubSeq: r.hub_seq === null ? null : Number(r.hub_seq), code: r.code, reason: r.reason, at: r.at }));
    },
  };
}
