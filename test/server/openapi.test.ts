import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { apiTypes, apiTypesPath } from '../../scripts/generate-api-types.js';
import { openapiDocument } from '../../scripts/openapi-document.js';

type Operation = { operationId?: string; summary?: string; parameters?: { name: string; in: string; schema: unknown }[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
type Document = { servers?: unknown[]; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

let doc: Document;
beforeAll(async () => {
  doc = (await openapiDocument()) as unknown as Document;
});
const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, op })));

it('names every operation and lists its error responses with the one error schema', () => {
  expect(operations().length).toBeGreaterThanOrEqual(20);
  const ids = new Set<string>();
  for (const { at, op } of operations()) {
    expect(op.operationId, at).toMatch(/^[a-z][A-Za-z]+$/);
    expect(ids.has(op.operationId!), `${at}: operationId ${op.operationId} twice`).toBe(false);
    ids.add(op.operationId!);
    expect(op.summary, at).toBeTruthy();
    const errors = Object.entries(op.responses).filter(([status]) => /^[45]/.test(status));
    expect(errors.map(([s]) => s), at).toEqual(expect.arrayContaining(['401', '500']));
    for (const [status, response] of errors) expect(response.content?.['application/json']?.schema, `${at} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
  }
  expect(doc.paths['/v1/orders']?.post?.responses['409']).toBeDefined();
  expect(doc.paths['/v1/orders/{id}']?.get?.responses['404']).toBeDefined();
  expect(doc.servers?.length).toBeGreaterThan(0);
});

it('names the shapes as component schemas, with enums on query parameters', () => {
  for (const name of ['Order', 'OrderDetail', 'Fill', 'Position', 'Account', 'Holding', 'Reconciliation', 'Finding', 'Error', 'OrderCreate', 'OrderStatus']) {
    expect(Object.keys(doc.components.schemas)).toContain(name);
  }
  expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { required: ['code', 'message', 'details'] } } });
  expect(doc.paths['/v1/orders/{id}']?.get?.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/OrderDetail' });
  const status = doc.paths['/v1/orders']?.get?.parameters?.find((p) => p.name === 'status');
  expect(status).toMatchObject({ in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { $ref: '#/components/schemas/OrderStatus' } } });
  expect(doc.components.schemas.OrderStatus).toMatchObject({ enum: expect.arrayContaining(['partially_filled', 'canceled']) });
});

it('passes the Redocly linter, recommended rules, with no error and no warning (offline)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fillbook-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const bin = new URL('../../node_modules/.bin/redocly', import.meta.url).pathname;
    // No config file in that directory, the ruleset named on the command line: nothing to fetch.
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const run = await promisify(execFile)(bin, ['lint', '--extends', 'recommended', '--format', 'json', file], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout: string }) => e);
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("the dashboard's committed API types are a fresh generation from this document (npm run generate:api)", async () => {
  expect(await readFile(apiTypesPath, 'utf8')).toBe(await apiTypes(doc as unknown as Record<string, unknown>));
});
