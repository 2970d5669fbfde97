import type { FastifyDynamicSwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse } from './schemas.js';

/**
 * The OpenAPI document tells the whole truth: every operation lists the error responses it can give
 * (with the one error schema), the shapes are named components (registered in schemas.ts with
 * `.meta({ id })`), and a linter (`@redocly/cli`, recommended rules) finds nothing in it
 * (test/server/openapi.test.ts). The dashboard's types are generated from it.
 */

/** What each error status means in this API (README, "The HTTP API"). */
export const errorStatusDescriptions = {
  400: 'the body is not valid JSON (FILLBOOK_ERR_MALFORMED_JSON)',
  401: 'no API key or session, or a bad one (FILLBOOK_ERR_UNAUTHORIZED)',
  403: "a signed-in request that changes something without the session's x-csrf-token header (FILLBOOK_ERR_FORBIDDEN)",
  404: 'not found, or not yours: another user\'s account, order or position is indistinguishable from a missing one',
  409: 'conflict: an idempotency key or client_order_id reused with another body, a request with that key still in progress, the exposure guard, a refused transition, a conflicting fill',
  413: 'the body is over 1 MiB (FILLBOOK_ERR_PAYLOAD_TOO_LARGE)',
  415: 'the body is not application/json (FILLBOOK_ERR_UNSUPPORTED_MEDIA_TYPE)',
  422: 'well-formed but invalid: unknown fields, wrong types, bad decimals, unknown enum values',
  500: 'internal error; the message names the request id to quote',
  503: 'the venue is unavailable (FILLBOOK_ERR_VENUE_UNAVAILABLE); safe to retry with the same Idempotency-Key or client_order_id',
} as const;
type ErrorStatus = keyof typeof errorStatusDescriptions;

const successDescriptions: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

/** Routes that talk to a venue while the request waits, and so can answer 503. */
const venueRoutes = new Set(['POST /v1/orders', 'POST /v1/orders/:id/cancel', 'POST /v1/reconciliations']);
/** Routes that anyone may call: they authenticate by other means (a signature, a password). */
const unguardedPrefixes = ['/v1/webhooks/', '/auth/login'];
/** Fields that name something of the caller's, which may not exist or not be theirs. */
const ownedReferences = ['account_id', 'order_id', 'position_id'];

function fieldNames(schema: unknown): string[] {
  if (schema instanceof z.ZodOptional) return fieldNames(schema.unwrap());
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  return [];
}

/** The error statuses a route can answer, from what it reads and how it is guarded. */
export function errorStatuses(method: string, url: string, schema: { body?: unknown; querystring?: unknown; params?: unknown }): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>([401, 500]);
  const guarded = !unguardedPrefixes.some((p) => url.startsWith(p));
  const hasBody = schema.body !== undefined;
  if (hasBody) for (const s of [400, 413, 415] as const) statuses.add(s);
  if (hasBody || schema.querystring !== undefined || schema.params !== undefined) statuses.add(422);
  if (guarded && method !== 'GET' && method !== 'HEAD') statuses.add(403);
  const fields = [...fieldNames(schema.body), ...fieldNames(schema.querystring), ...fieldNames(schema.params)];
  if (url.includes('/:') || fields.some((f) => ownedReferences.includes(f))) statuses.add(404);
  // Every authenticated POST takes an Idempotency-Key (idempotency.ts), whose misuse is a 409.
  if (method === 'POST' && guarded && url.startsWith('/v1/')) statuses.add(409);
  if (venueRoutes.has(`${method} ${url}`)) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** Adds the error responses to every documented route's schema (the error handler's shape). */
export function documentErrorResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (RouteOptions['schema'] & { hide?: boolean }) | undefined;
    if (schema === undefined || schema.hide === true) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const response = { ...(schema.response as Record<string, unknown> | undefined) };
    for (const method of methods) {
      for (const status of errorStatuses(method, route.url, schema)) response[status] ??= errorResponse;
    }
    schema.response = response;
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Document = { paths?: Record<string, Record<string, { responses?: Record<string, { description?: string; content?: Record<string, Json> }> }>>; components?: { schemas?: Record<string, Json> } } & Record<string, unknown>;

const refPrefix = '#/components/schemas/';

function mapRefs(value: Json, rename: (name: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith(refPrefix) ? `${refPrefix}${rename(v.slice(refPrefix.length))}` : mapRefs(v, rename)]),
  );
}

function collectRefs(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(refPrefix)) into.add(v.slice(refPrefix.length));
      else collectRefs(v, into);
    }
  }
}

/**
 * The type provider names a component's request variant `<id>Input` and emits both variants of
 * every registered schema. Here: a request-only schema keeps its own name, a variant identical to
 * the response one is merged into it, and components that nothing references are dropped.
 */
export function tidyComponents(document: Document): Document {
  const schemas = document.components?.schemas ?? {};
  const renames = new Map<string, string>();
  const rename = (n: string) => renames.get(n) ?? n;
  // Merging one pair can make another identical (an object holding a merged enum): repeat until
  // nothing changes, at most once per component.
  for (let pass = 0, changed = true; changed && pass <= Object.keys(schemas).length; pass++) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      if (!name.endsWith('Input') || renames.has(name)) continue;
      const base = name.slice(0, -'Input'.length);
      if (!(base in schemas) || JSON.stringify(mapRefs(schemas[name]!, rename)) === JSON.stringify(mapRefs(schemas[base]!, rename))) {
        renames.set(name, base);
        changed = true;
      }
    }
  }
  const { components, ...rest } = document;
  let renamed = mapRefs({ ...rest, components: (components ?? {}) as Json } as Json, rename) as Document;
  const merged: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(renamed.components?.schemas ?? {})) {
    if (renames.has(name) && rename(name) in schemas) continue; // identical to the response variant
    merged[rename(name)] = schema;
  }
  // Keep what the paths reach, transitively.
  const reached = new Set<string>();
  collectRefs(renamed.paths as Json, reached);
  for (let frontier = [...reached]; frontier.length > 0; ) {
    const next = new Set<string>();
    for (const name of frontier) collectRefs(merged[name] ?? null, next);
    frontier = [...next].filter((n) => !reached.has(n));
    for (const n of frontier) reached.add(n);
  }
  const kept = Object.fromEntries(Object.entries(merged).filter(([n]) => reached.has(n)).sort(([a], [b]) => a.localeCompare(b)));
  renamed = { ...renamed, components: { ...renamed.components, schemas: kept } };
  // A CSV export streams text, which no zod response schema describes: its 200 is written here.
  for (const [path, operations] of Object.entries(renamed.paths ?? {})) {
    if (!path.endsWith('.csv')) continue;
    for (const operation of Object.values(operations)) {
      operation.responses = { '200': { description: 'the rows as CSV (RFC 4180), a header line first, streamed', content: { 'text/csv': { schema: { type: 'string' } } } }, ...(operation.responses ?? {}) };
    }
  }
  // Say what each response is (fastify-swagger writes "Default Response").
  for (const operations of Object.values(renamed.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description !== 'Default Response') continue;
        response.description = (errorStatusDescriptions as Record<string, string>)[status] ?? successDescriptions[status] ?? response.description;
      }
    }
  }
  return renamed;
}

/** The @fastify/swagger options: the document's header, and the transforms above. */
export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fillbook',
        description: 'Order & fill ledger for automated trading. Every error is `{"error":{"code","message","details"}}`; decimals travel as strings.',
        version: '1',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: 'http://127.0.0.1:7878', description: '`fillbook serve` with its default --host and --port' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key: `fillbook keys create <user>`' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => tidyComponents(jsonSchemaTransformObject(input) as unknown as Document) as ReturnType<SwaggerTransformObject>,
  };
}
