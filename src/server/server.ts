import Fastify, { type FastifyInstance } from 'fastify';
import type { Ledger } from '../ledger/index.js';

export interface ServerOptions {
  ledger: Ledger;
  logger?: boolean;
}

/**
 * The HTTP service. So far it answers health checks on the ledger's database; the v1 API
 * (orders, fills, positions, webhooks) is built on this in its own issue.
 */
export async function buildServer({ ledger, logger = false }: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger });
  app.get('/healthz', async (_request, reply) => {
    await ledger.db.query('select 1');
    return reply.send({ status: 'ok', engine: ledger.db.engine });
  });
  return app;
}
