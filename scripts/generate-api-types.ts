import { writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import { openapiDocument } from './openapi-document.js';

/** Where the dashboard's API types live: generated, committed, checked against a fresh generation by a test. */
export const apiTypesPath = new URL('../dashboard/src/api/schema.ts', import.meta.url);

const header = `/**
 * Generated from Fillbook's OpenAPI document (GET /openapi.json) by \`npm run generate:api\`.
 * Do not edit: change the zod schemas in src/server/schemas.ts and regenerate.
 * test/server/openapi.test.ts fails when this file differs from a fresh generation.
 */

`;

/** The TypeScript types (and enum value lists) of the API, from the service's own document. */
export async function apiTypes(document?: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS((document ?? (await openapiDocument())) as unknown as Parameters<typeof openapiTS>[0], { enumValues: true, rootTypes: true, rootTypesNoSchemaPrefix: true, alphabetize: true });
  return header + astToString(ast);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(apiTypesPath, await apiTypes());
}
