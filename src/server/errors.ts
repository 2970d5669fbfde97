import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, errorCodes, FillbookError, isFillbookError } from '../domain/index.js';
import { dataException, databaseUnavailable } from '../storage/index.js';
import { VenueError } from '../venues/index.js';

/** What a 503 for a lost database asks the caller to wait before retrying, in seconds. */
export const databaseRetryAfterS = 1;

export function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'FILLBOOK_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'FILLBOOK_ERR_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'FILLBOOK_ERR_MALFORMED_JSON',
  FST_ERR_BAD_URL: 'FILLBOOK_ERR_BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'FILLBOOK_ERR_URI_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'FILLBOOK_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'FILLBOOK_ERR_MALFORMED_JSON',
};

/** Fastify's own refusals before a route runs (a bad URL, a path parameter too long), in the one error format. */
export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const code = (error.code === undefined ? undefined : fastifyCodes[error.code]) ?? 'FILLBOOK_ERR_BAD_REQUEST';
  const message = code === 'FILLBOOK_ERR_URI_TOO_LONG' ? `a path parameter is longer than ${pathParamCharsMax} characters` : error.message;
  void reply.code(errorCodes[code]).send(errorBody(code, message));
}

/** Longest path parameter (an id), in characters; Fastify refuses longer ones before routing. */
export const pathParamCharsMax = 100;

/**
 * Node refuses some requests before Fastify sees them (headers over the limit, a request not received
 * in time, a malformed request line). The socket gets the same JSON error shape, then is closed.
 */
export function clientErrorResponse(error: Error & { code?: string }): string {
  const [code, message]: [ErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['FILLBOOK_ERR_HEADERS_TOO_LARGE', `the request headers are larger than ${headerBytesMax} bytes`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['FILLBOOK_ERR_REQUEST_TIMEOUT', 'the request (headers and body) was not received in time; send it whole, then wait for the answer']
        : ['FILLBOOK_ERR_BAD_REQUEST', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify(errorBody(code, message));
  const status = errorCodes[code];
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status as 400 | 408 | 431];
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** Node's limit on the request line and headers together (its default, `--max-http-header-size`). */
export const headerBytesMax = 16_384;

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
    if (isFillbookError(error)) {
      const retryAfterS = error.details.retry_after_s;
      if (typeof retryAfterS === 'number') void reply.header('retry-after', String(retryAfterS));
      return reply.code(error.httpStatus).send(errorBody(error.code, error.message, error.details));
    }
    if (error instanceof VenueError) {
      const code: ErrorCode = error.kind === 'rejected' ? 'FILLBOOK_ERR_VENUE_REJECTED' : 'FILLBOOK_ERR_VENUE_UNAVAILABLE';
      if (code === 'FILLBOOK_ERR_VENUE_UNAVAILABLE') void reply.header('retry-after', String(databaseRetryAfterS));
      return reply.code(errorCodes[code]).send(errorBody(code, `the venue answered: ${error.message}`, { kind: error.kind }));
    }
    const mapped = error.code === undefined ? undefined : fastifyCodes[error.code];
    if (mapped !== undefined) return reply.code(errorCodes[mapped]).send(errorBody(mapped, error.message));
    if (error instanceof SyntaxError || error.code === 'FILLBOOK_ERR_MALFORMED_JSON') {
      return reply.code(400).send(errorBody('FILLBOOK_ERR_MALFORMED_JSON', 'the body is not valid JSON'));
    }
    if (databaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', String(databaseRetryAfterS))
        .send(errorBody('FILLBOOK_ERR_DATABASE_UNAVAILABLE', `the database cannot be reached; retry in ${databaseRetryAfterS} s with the same ids (client_order_id, exec_id): a retried write is recorded once`, { retry_after_s: databaseRetryAfterS }));
    }
    if (dataException(error)) {
      // Validation should have refused it first; this is the last line, so bad input is never a 500.
      request.log.warn({ err: error }, 'data exception from the database');
      return reply.code(422).send(errorBody('FILLBOOK_ERR_INVALID_INPUT', 'a value in the request cannot be stored (out of range or malformed)', {}));
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
