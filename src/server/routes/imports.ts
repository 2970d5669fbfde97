import { z } from 'zod';
import { importPhases, type ImportRecord, importStatuses } from '../../storage/index.js';
import { notFound } from '../errors.js';
import * as s from '../schemas.js';
import type { RouteContext } from '../server.js';
import type { TypedApp } from './typed.js';

export const importCreate = z.strictObject({
  account_id: z.uuid(),
  since: z.string().max(64).describe('a date or ISO 8601 time, not in the future: the venue history since then is imported'),
});

export const importJob = z.object({
  id: z.uuid(),
  account_id: z.uuid(),
  since: z.string(),
  status: z.enum(importStatuses),
  phase: z.enum(importPhases),
  counts: z.object({
    pages: z.number().int(),
    orders_seen: z.number().int(),
    fills_seen: z.number().int(),
    adopted: z.number().int(),
    imported: z.number().int(),
    quarantined: z.number().int(),
    opening_balances: z.number().int(),
  }),
  started_by: z.string(),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  error: z.string().nullable(),
});

export function importView(job: ImportRecord): z.output<typeof importJob> {
  const c = job.counts;
  return {
    id: job.id,
    account_id: job.accountId,
    since: job.since,
    status: job.status,
    phase: job.phase,
    counts: { pages: c.pages, orders_seen: c.ordersSeen, fills_seen: c.fillsSeen, adopted: c.adopted, imported: c.imported, quarantined: c.quarantined, opening_balances: c.openingBalances },
    started_by: job.startedBy,
    started_at: job.startedAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
    error: job.error,
  };
}

/**
 * `POST /v1/imports` starts (or resumes, for the same account and `since`) an import of the
 * account's venue history and answers 202 with the job at once; `GET /v1/imports/{id}` follows it.
 */
export function registerImportRoutes(app: TypedApp, { service, access }: RouteContext): void {
  app.post('/v1/imports', { schema: { operationId: 'createImport', summary: "Start importing an account's history from its venue", body: importCreate, response: { 202: importJob } } }, async (request, reply) => {
    const user = access.user(request);
    const account = await access.account(user, request.body.account_id);
    const { job, done } = await service.imports.start({ accountId: account.id, since: request.body.since, startedBy: `user:${user.name}` });
    // A failure is written to the job (status `failed`, `error`); the caller reads it there.
    done.catch((error: unknown) => request.log.warn({ err: error, import_id: job.id }, 'import failed'));
    return reply.code(202).send(importView(job));
  });

  app.get('/v1/imports/:id', { schema: { operationId: 'getImport', summary: 'An import and its progress', params: z.object({ id: z.uuid() }), response: { 200: importJob } } }, async (request) => {
    const job = await service.imports.get(request.params.id);
    await access.assertOwns(access.user(request), job.accountId).catch(() => {
      throw notFound('import', request.params.id);
    });
    return importView(job);
  });

  app.get('/v1/imports', { schema: { operationId: 'listImports', summary: "An account's imports", querystring: s.accountQuery, response: { 200: z.object({ data: z.array(importJob) }) } } }, async (request) => {
    const account = await access.account(access.user(request), request.query.account_id);
    return { data: (await service.imports.list(account.id)).map(importView) };
  });
}
