/**
 * Errors a person can act on. Services throw these; the HTTP layer maps each class to a status and an RFC 9457
 * problem document, the CLI to a message and an exit code. Anything else is an internal error and is never shown.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    /** Stable machine-readable code, also the last segment of the problem type URI. */
    public readonly code: string,
    message: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, code = 'bad-request', extra: Record<string, unknown> = {}) {
    super(400, code, message, extra);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in to continue.', code = 'unauthenticated', extra: Record<string, unknown> = {}) {
    super(401, code, message, extra);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this.', code = 'forbidden') {
    super(403, code, message);
  }
}

/** Also used when the object exists but the actor's agency may not know it exists. */
export class NotFoundError extends AppError {
  constructor(what = 'The requested item', code = 'not-found') {
    super(404, code, `${what} was not found.`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, public readonly retryAfterSeconds: number, code = 'too-many-requests') {
    super(429, code, message, { retryAfter: retryAfterSeconds });
  }
}
