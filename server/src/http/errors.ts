import { ERRORS, type ErrorCode } from '@memberloop/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import { sqlState } from '../db/transaction';

/** An expected failure with a stable code; its HTTP status comes from ERRORS in @memberloop/shared. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

/** SQLSTATE class 22: a value the database cannot take (out of range, bad date, NUL byte). */
function isDataException(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && state.startsWith('22');
}

export type ErrorDetail = { path: string; message: string };

/** A 400 VALIDATION_FAILED listing every problem found, for checks the request schema cannot express. */
export function validationFailed(details: ErrorDetail[]): never {
  throw new AppError('VALIDATION_FAILED', details.map((detail) => `${detail.path}: ${detail.message}`).join('; '), details);
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** Fastify's own error codes for bad requests, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_JWT_NO_AUTHORIZATION_IN_HEADER: 'UNAUTHENTICATED',
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'TOKEN_INVALID',
  FST_JWT_AUTHORIZATION_TOKEN_INVALID: 'TOKEN_INVALID',
  FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED: 'TOKEN_INVALID',
  FST_JWT_BAD_REQUEST: 'TOKEN_INVALID',
  FST_JWT_BAD_COOKIE_REQUEST: 'TOKEN_INVALID',
  FST_ERR_BAD_URL: 'ROUTE_NOT_FOUND',
  FST_ERR_ASYNC_CONSTRAINT: 'VALIDATION_FAILED',
};

function statusFallback(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  return 'VALIDATION_FAILED';
}

/**
 * The one error handler: every error leaves as `{ code, message }` with a stable code.
 * 5xx errors are logged in full and shown to clients without any detail.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.status).send({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const details = fastifyError.validation.map((issue) => ({
        path: `${fastifyError.validationContext ?? 'body'}${issue.instancePath || ''}`,
        message: issue.message ?? 'is invalid',
      }));
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: fastifyError.message, details });
    }
    if (isDataException(error)) {
      // the database refused a value our validation let through: the client's input, not our failure
      request.log.warn({ err: error }, 'database refused input');
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: 'A value in the request is out of range or malformed' });
    }
    const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    const status = mapped ? ERRORS[mapped].status : fastifyError.statusCode;
    if (status && status >= 400 && status < 500) {
      const code = mapped ?? statusFallback(status);
      request.log.info({ code, reason: fastifyError.message }, 'request rejected');
      return reply.status(status).send({ code, message: mapped ? ERRORS[code].message : fastifyError.message });
    }
    request.log.error({ err: error }, 'request failed');
    const unavailable = status === 503;
    const code: ErrorCode = unavailable ? 'NOT_READY' : 'INTERNAL';
    return reply.status(unavailable ? 503 : 500).send({ code, message: ERRORS[code].message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });
}
