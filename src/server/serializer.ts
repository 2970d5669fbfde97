import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

/**
 * Responses are written by fast-json-stringify (what Fastify uses for JSON-schema routes), compiled
 * once per route from the JSON schema of the route's zod response schema, the same schema the
 * OpenAPI document shows. It writes only the properties the schema names, so nothing undeclared
 * leaks, at a fraction of the cost of validating every response with zod and then stringifying it
 * (measured on the fill route: bench/README.md). Views are typed against the same schemas, so the
 * compiler, not each request, checks that handlers return the declared shape.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
};
