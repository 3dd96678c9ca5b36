import { Type } from 'typebox';

/** RFC 9457 problem details, as every error response of the API carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    retryAfter: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);

export const PROBLEM_BASE = 'https://tessera.invalid/problems/';

/** Responses every authenticated route can give; spread into a route's `response`. */
export const commonErrors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  413: ProblemSchema,
  415: ProblemSchema,
  429: ProblemSchema,
};
