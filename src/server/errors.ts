import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, errorCodes, FillbookError, isFillbookError } from '../domain/index.js';
import { VenueError } from '../venues/index.js';

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FILLBOOK_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'FILLBOOK_ERR_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'FILLBOOK_ERR_MALFORMED_JSON',
};

/**
 * Every error leaves as `{"error":{"code","message","details"}}`. Operating errors keep their code
 * and message; anything unexpected is a 500 that names the request id and nothing internal.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({ path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`, message: v.message ?? 'invalid' }));
      return reply.code(422).send(errorBody('FILLBOOK_ERR_VALIDATION', `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues }));
    }
    if (isFillbookError(error)) return reply.code(error.httpStatus).send(errorBody(error.code, error.message, error.details));
    if (error instanceof VenueError) {
      const code: ErrorCode = error.kind === 'rejected' ? 'FILLBOOK_ERR_VENUE_REJECTED' : 'FILLBOOK_ERR_VENUE_UNAVAILABLE';
      return reply.code(errorCodes[code]).send(errorBody(code, `the venue answered: ${error.message}`, { kind: error.kind }));
    }
    const mapped = error.code === undefined ? undefined : fastifyCodes[error.code];
    if (mapped !== undefined) return reply.code(errorCodes[mapped]).send(errorBody(mapped, error.message));
    if (error instanceof SyntaxError || error.code === 'FILLBOOK_ERR_MALFORMED_JSON') {
      return reply.code(400).send(errorBody('FILLBOOK_ERR_MALFORMED_JSON', 'the body is not valid JSON'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody('FILLBOOK_ERR_INTERNAL', `internal error; quote request id ${request.id} when reporting it`, { request_id: request.id }));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('FILLBOOK_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

export function notFound(what: string, id: string): FillbookError {
  return new FillbookError('FILLBOOK_ERR_NOT_FOUND', `${what} ${id} does not exist (or is not yours)`, { id });
}
