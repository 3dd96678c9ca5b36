import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { PROBLEM_BASE } from '../problem.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  if (typeof extra.retryAfter === 'number') reply.header('retry-after', String(extra.retryAfter));
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_BASE}${code}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail,
      instance: request.url.split('?')[0],
      code,
      requestId: request.id,
      ...extra,
    });
}

/** Maps fastify's own client errors (bad JSON, body too large, wrong content type) to problem documents. */
function clientError(error: FastifyError): { status: number; code: string; detail: string; errors?: { path: string; message: string }[] } | null {
  if (error.validation) {
    const errors = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string; additionalProperty?: string } | undefined) ?? {};
      const field = missing.missingProperty ?? missing.additionalProperty;
      const where = `${error.validationContext ?? 'body'}${v.instancePath || ''}${field ? `/${field}` : ''}`;
      const message = missing.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid');
      return { path: where, message };
    });
    return { status: 400, code: 'validation-failed', detail: errors.map((e) => `${e.path} ${e.message}`).join('; '), errors };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'invalid-json', detail: 'The request body is not valid JSON.' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'body-too-large', detail: 'The request body is larger than this node accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported-media-type', detail: 'Send the body as application/json.' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid-content-length', detail: 'The Content-Length header does not match the body.' };
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, code: 'bad-request', detail: error.message };
  }
  return null;
}

/**
 * One error handler for the whole app (Infisical's pattern): known errors become problem+json with their status,
 * anything else is logged with the request id and answered as a bare 500 that leaks nothing.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(request, reply, error.status, error.code, error.message, error.extra);
    }
    const client = clientError(error);
    if (client) {
      const { status, code, detail, ...extra } = client;
      return sendProblem(request, reply, status, code, detail, extra);
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, 500, 'internal-error', `Something went wrong on this node. Quote request id ${request.id} to its administrator.`);
  });
}
