import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import { FillbookError } from '../domain/index.js';
import { claimIdempotencyKey, completeIdempotencyKey, type Database, type IdempotencyScope } from '../storage/index.js';

/**
 * `Idempotency-Key` on every authenticated POST, with Stripe's semantics. The first request with a
 * key holds it (a row in `idempotency_keys`, so every instance sees it) while it runs and leaves its
 * answer there; a retry with the same key and the same request gets that answer back (status and
 * body, with `idempotent-replayed: true`); the same key with another request is a 409, and so is a
 * retry while the first is still running. A bot that sends no `client_order_id` can retry a POST
 * /v1/orders safely this way. Keys are the user's, and the account's when the request names one,
 * and are kept 24 hours (idempotency-store.ts).
 *
 * A request refused before it ran (no key: 401; invalid: 422) leaves nothing, as with Stripe, so it
 * can be corrected and sent again under the same key. A request that never answered (the process
 * died) keeps its key in progress until it expires: whether it did its work is unknown, and
 * repeating it could make a second order.
 */
export const idempotencyHeader = 'idempotency-key';
export const idempotencyKeyCharsMax = 255;
export const replayedHeader = 'idempotent-replayed';

const headerSchema = z
  .string()
  .min(1)
  .max(idempotencyKeyCharsMax)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .optional()
  .describe('A key of your choosing (a UUID, say) that makes a retry of this request safe: the same key and request within 24 hours get the first answer back instead of doing it again.');

interface Held {
  scope: IdempotencyScope;
  request: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Held;
  }
  interface FastifyContextConfig {
    idempotent?: boolean;
  }
}

/** The POSTs that take a key: the authenticated API's (webhooks dedupe by delivery id instead). */
export function takesIdempotencyKey(method: string, url: string): boolean {
  return method === 'POST' && url.startsWith('/v1/') && !url.startsWith('/v1/webhooks/');
}

/** JSON with object keys sorted, so that the same request is the same text however it was written. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
}

function namedAccount(request: FastifyRequest): string | null {
  const fromBody = (request.body as { account_id?: unknown } | undefined)?.account_id;
  const fromPath = (request.params as { account_id?: unknown } | undefined)?.account_id;
  const accountId = typeof fromBody === 'string' ? fromBody : typeof fromPath === 'string' ? fromPath : null;
  return accountId !== null && z.uuid().safeParse(accountId).success ? accountId : null;
}

/** The top-level body fields whose values differ between two requests (or "route" when the route does). */
function differences(first: string, second: string): string[] {
  const [m1, r1, p1, b1] = JSON.parse(first) as [string, string, unknown, unknown];
  const [m2, r2, p2, b2] = JSON.parse(second) as [string, string, unknown, unknown];
  if (m1 !== m2 || r1 !== r2 || JSON.stringify(p1) !== JSON.stringify(p2)) return ['route'];
  const o1 = (b1 ?? {}) as Record<string, unknown>;
  const o2 = (b2 ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(o1), ...Object.keys(o2)])].filter((k) => JSON.stringify(o1[k]) !== JSON.stringify(o2[k])).sort();
}

export function installIdempotency(app: FastifyInstance, db: Database): void {
  // Every POST that takes a key documents and validates its header.
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => takesIdempotencyKey(m, route.url))) return;
    route.config = { ...(route.config as object), idempotent: true };
    if (route.schema === undefined) return;
    const existing = route.schema.headers as z.ZodObject | undefined;
    const shape = { ...(existing?.shape ?? {}), [idempotencyHeader]: headerSchema };
    route.schema.headers = z.looseObject(shape);
  });

  // After validation (so a refused request leaves no key), before the handler.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers[idempotencyHeader];
    if (typeof key !== 'string' || request.routeOptions.config.idempotent !== true || request.user === undefined) return;
    const scope: IdempotencyScope = { userId: request.user.id, accountId: namedAccount(request), key };
    const text = JSON.stringify(canonical([request.method, request.routeOptions.url, request.params ?? {}, request.body ?? null]));
    const held = await claimIdempotencyKey(db, scope, text);
    if (held === true) {
      request.idempotency = { scope, request: text };
      return;
    }
    if (held.request !== text) {
      const differing = differences(held.request, text);
      throw new FillbookError(
        'FILLBOOK_ERR_IDEMPOTENCY_KEY_REUSED',
        `the Idempotency-Key ${key} was used at ${held.createdAt} for another request (differing: ${differing.join(', ')}); use a new key for a new request`,
        { idempotency_key: key, first_used_at: held.createdAt, differing },
      );
    }
    if (held.state === 'in_progress') {
      throw new FillbookError('FILLBOOK_ERR_IDEMPOTENCY_IN_PROGRESS', `a request with the Idempotency-Key ${key} is still in progress (since ${held.createdAt}); retry after it has answered`, {
        idempotency_key: key,
        started_at: held.createdAt,
      });
    }
    return reply.code(held.status).header('content-type', 'application/json; charset=utf-8').header(replayedHeader, 'true').send(held.body);
  });

  // The answer of the request that holds a key is kept for its retries, whatever its status.
  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotency;
    if (held === undefined) return payload;
    request.idempotency = undefined;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload ?? null);
    await completeIdempotencyKey(db, held.scope, held.request, reply.statusCode, body);
    return payload;
  });
}
