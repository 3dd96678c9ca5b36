import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { Id } from '../../cases/case-schemas.js';
import { AppError, BadRequestError } from '../../errors.js';
import { AgencyRefSchema } from '../../exchange/api-schemas.js';
import type { MessageDetail, Messages } from '../../exchange/node/messages.js';
import { MAX_BODY, MessagePriority } from '../../exchange/protocol.js';
import type { RequestContext } from '../../identity/context.js';
import type { Database } from '../../store/schema.js';
import { HandlingCode, HandlingRestriction } from '../vocabulary.js';
import { maySend } from './handling-policy.js';
import { composeRecordMessage } from './record-message.js';
import { agencyOf, toRecord, type RecordService } from './record-service.js';

export const MAX_SEND_NOTE = 10_000;

export const SendRecordSchema = Type.Object(
  {
    to: Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Recipient agency ids from the network directory' }),
    note: Type.Optional(Type.String({ maxLength: MAX_SEND_NOTE, description: 'Written above the record in the message' })),
    priority: Type.Optional(MessagePriority),
    rfiDeadline: Type.Optional(Type.String({ format: 'date-time', description: 'Makes the message a request for information answerable by then' })),
  },
  { additionalProperties: false },
);
export type SendRecord = Static<typeof SendRecordSchema>;

/** What the sender learns: the message in its outbox (to open it), not the whole message again. */
export const RecordSentSchema = Type.Object({
  id: Type.String({ description: 'This node’s id of the sent message (GET /messages/{id})' }),
  messageId: Type.String({ description: 'The network-wide message id' }),
  threadId: Type.String(),
  subject: Type.String(),
  caseReference: Type.Union([Type.String(), Type.Null()]),
  to: Type.Array(AgencyRefSchema),
  handling: Type.Object({ tlp: HandlingCode, restriction: Type.Optional(HandlingRestriction) }),
  status: Type.Enum(['queued', 'sent', 'failed', 'received']),
});
export type RecordSent = Static<typeof RecordSentSchema>;

export type RecordSending = ReturnType<typeof createRecordSending>;

/**
 * "Send this record": a record of a case, composed by the node into a message to other agencies of the network, under
 * the record's own handling code. Who may send what is the handling policy's answer (maySend); the message itself goes
 * through the exchange like any other (signed, sealed, audited as message.send), and the record's disclosure is a
 * record.send event of its own, so the trail of a record shows where it went.
 */
export function createRecordSending(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  access: CaseAccessPolicy;
  records: Pick<RecordService, 'loadVisible'>;
  messages: Pick<Messages, 'agencyOf' | 'send'>;
}) {
  const { db, audit, access, records, messages } = deps;

  return {
    async send(ctx: RequestContext, caseId: string, recordId: string, input: SendRecord): Promise<MessageDetail> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      // The roles that may send messages at all, before anything about the record is said.
      messages.agencyOf(ctx);
      const row = await records.loadVisible(ctx.actor, caseId, recordId);
      const record = toRecord(row, { edit: false, delete: false });

      const to = [...new Set(input.to)];
      if (to.length === 0) throw new BadRequestError('Choose at least one recipient agency.', 'no-recipients');
      const participants = await db.selectFrom('case_participants').select('agency_id').where('case_id', '=', caseId).execute();
      const decision = maySend(record, agencyOf(ctx.actor), to, participants.map((p) => p.agency_id));
      if (!decision.allowed) {
        const reason = decision.reason ?? 'the handling code does not allow it';
        throw new AppError(403, 'record-not-sendable', `This record may not be sent: ${reason}.`, { reason });
      }

      const c = await db.selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirstOrThrow();
      const message = composeRecordMessage(record, c.reference, input.note);
      if (message.body.length > MAX_BODY) {
        throw new BadRequestError(`The record is too long to travel as a message (${message.body.length} characters with the note; at most ${MAX_BODY}).`, 'record-too-long');
      }

      // The disclosure event is written in the transaction that queues the message: both are kept, or neither. The
      // exchange's own message.send event is written with the message; this one names the record that went out in it.
      const sent = await messages.send(
        ctx,
        {
          to,
          subject: message.subject,
          body: message.body,
          caseId,
          handling: message.handling,
          priority: input.priority,
          rfiDeadline: input.rfiDeadline,
        },
        async (trx, queued) => {
          await audit.record(trx, {
            actor: ctx.actor,
            operation: 'disclosure',
            action: 'record.send',
            object: { type: 'record', id: recordId },
            caseId,
            recipients: to,
            justification: ctx.justification,
            details: {
              message: queued.id,
              messageId: queued.messageId,
              kind: record.kind,
              version: record.version,
              handling: message.handling.tlp,
              restrictions: record.handlingRestrictions.map((r) => r.code),
              note: Boolean(input.note?.trim()),
            },
            requestId: ctx.requestId,
            ip: ctx.ip,
          });
        },
      );
      return sent;
    },
  };
}
