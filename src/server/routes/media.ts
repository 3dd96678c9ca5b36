import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Id } from '../../cases/case-schemas.js';
import { AppError } from '../../errors.js';
import { CategoriseSchema, HASH_SET_FORMATS, MediaDetailSchema, MediaFacetsSchema, MediaQuerySchema, MediaSummarySchema } from '../../ingest/ingest-schemas.js';
import { commonErrors, ProblemSchema } from '../problem.js';
import type { Services } from '../services.js';

const tags = ['media'];
const CaseParams = Type.Object({ id: Id });
const MediaParams = Type.Object({ id: Id, mediaId: Id });
const Binary = Type.Unsafe<unknown>({ type: 'string', format: 'binary' });
/** Shown inline only when a browser can render them harmlessly; anything else downloads as bytes. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/(mp4|webm|quicktime))$/;

/** One byte range of `size` bytes from a Range header (single ranges only), or undefined for the whole. */
export function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw new AppError(416, 'range-not-satisfiable', 'Only a single byte range is supported.', { size });
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) throw new AppError(416, 'range-not-satisfiable', `The range is outside the ${size} bytes of this item.`, { size });
  return { start, end };
}

/**
 * The case's media library. Bytes are decrypted on the way out and, like every API response, sent with
 * `cache-control: no-store` (security-headers plugin): a thumbnail of abuse material must not sit in a disk cache.
 */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const media = services.media;

  app.get(
    '/cases/:id/media',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: "The case's media: filters (new/known, category, near-duplicate group, camera, GPS, capture dates, source, type), sort, pages",
        params: CaseParams,
        querystring: MediaQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(MediaSummarySchema), total: Type.Integer() }), ...commonErrors },
      },
    },
    async (request) => media.list(request.ctx(), request.params.id, request.query),
  );

  app.get(
    '/cases/:id/media/facets',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'Counts for the library filters: categories, types, sources, cameras, GPS, near-duplicate groups', params: CaseParams, response: { 200: MediaFacetsSchema, ...commonErrors } },
    },
    async (request) => media.facets(request.ctx(), request.params.id),
  );

  app.post(
    '/cases/:id/media/categorise',
    {
      config: { access: { kind: 'case', permission: 'case.contribute', param: 'id' } },
      schema: { tags, summary: 'Set the category of media items', params: CaseParams, body: CategoriseSchema, response: { 200: Type.Object({ updated: Type.Integer() }), ...commonErrors } },
    },
    async (request) => media.categorise(request.ctx(), request.params.id, request.body.mediaIds, request.body.category),
  );

  app.get(
    '/cases/:id/media/export',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: "The case's media as a hash set (VICS 2.0 JSON or CSV): a disclosure, recorded with the justification header",
        params: CaseParams,
        querystring: Type.Object({ format: Type.Enum(HASH_SET_FORMATS) }, { additionalProperties: false }),
        response: { 200: Binary, ...commonErrors },
      },
    },
    async (request, reply) => {
      const out = await services.hashSets.exportCase(request.ctx(), request.params.id, request.query.format);
      return reply.type(out.contentType).header('content-disposition', `attachment; filename="${out.fileName}"`).send(out.body);
    },
  );

  app.get(
    '/cases/:id/media/:mediaId',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'A media item: digests, metadata, occurrences, hash-set matches, near-duplicates', params: MediaParams, response: { 200: MediaDetailSchema, ...commonErrors } },
    },
    async (request) => media.get(request.ctx(), request.params.id, request.params.mediaId),
  );

  app.get(
    '/cases/:id/media/:mediaId/content',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: {
        tags,
        summary: 'The original bytes, decrypted (byte ranges for video); viewing is recorded in the audit trail',
        params: MediaParams,
        response: { 200: Binary, 206: Binary, 416: ProblemSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const item = await media.content(request.ctx(), request.params.id, request.params.mediaId);
      const range = parseByteRange(request.headers.range, item.size);
      await item.recordView(range);
      const inline = INLINE_TYPES.test(item.mime);
      reply
        .header('accept-ranges', 'bytes')
        .header('cross-origin-resource-policy', 'same-origin')
        .header('content-disposition', inline ? 'inline' : `attachment; filename="${request.params.mediaId}.bin"`)
        .type(inline ? item.mime : 'application/octet-stream');
      if (item.size === 0) return reply.header('content-length', '0').send(Buffer.alloc(0));
      const { start, end } = range ?? { start: 0, end: item.size - 1 };
      if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${item.size}`);
      return reply.header('content-length', String(end - start + 1)).send(item.stream(start, end));
    },
  );

  app.get(
    '/cases/:id/media/:mediaId/thumbnail',
    {
      config: { access: { kind: 'case', permission: 'case.read', param: 'id' } },
      schema: { tags, summary: 'A small JPEG of the item (the web app blurs it until revealed)', params: MediaParams, response: { 200: Binary, ...commonErrors } },
    },
    async (request, reply) => {
      const bytes = await media.thumbnail(request.ctx(), request.params.id, request.params.mediaId);
      return reply.type('image/jpeg').header('cross-origin-resource-policy', 'same-origin').send(bytes);
    },
  );
};
