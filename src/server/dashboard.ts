import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The dashboard's built files (`npm run build:dashboard` writes them). */
export const dashboardDir = new URL('../../dashboard/dist/', import.meta.url).pathname;

/** Serves the dashboard at `/` when it is built; every other unknown GET path gets its index (client routing). */
export async function registerDashboard(app: FastifyInstance): Promise<void> {
  if (!existsSync(`${dashboardDir}index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain').send('Fillbook is running. The dashboard is not built: run `npm run build:dashboard` (npm start does).'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: dashboardDir, prefix: '/', index: ['index.html'], wildcard: false });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/v1/') || path.startsWith('/auth/')) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}
