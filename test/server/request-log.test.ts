import { expect, it } from 'vitest';
import { buildServer } from '../../src/server/index.js';
import { FillbookService } from '../../src/service/index.js';
import { describeEachEngine } from '../support/backends.js';

describeEachEngine('the request log', (h) => {
  it('writes one line per request, with its id, route, status and time, and never the API key', async () => {
    const { ledger } = h();
    const lines: Record<string, unknown>[] = [];
    const service = new FillbookService(ledger);
    const server = await buildServer({ ledger, service, logger: { level: 'info', stream: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) } } });
    try {
      const { apiKey } = await server.users.create(`logger-${crypto.randomUUID().slice(0, 8)}`);
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': 'req-under-test' };
      const created = await server.app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: JSON.stringify({ name: 'logged', venue: 'manual' }) });
      expect(created.statusCode).toBe(201);
      const missing = await server.app.inject({ method: 'GET', url: `/v1/orders/${crypto.randomUUID()}`, headers: { authorization: `Bearer ${apiKey}` } });
      expect(missing.statusCode).toBe(404);

      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(2);
      expect(requests[0]).toMatchObject({ reqId: 'req-under-test', method: 'POST', route: '/v1/accounts', url: '/v1/accounts', status: 201 });
      expect(requests[1]).toMatchObject({ method: 'GET', route: '/v1/orders/:id', status: 404 });
      expect(typeof requests[0]!.ms).toBe('number');
      // Fastify's own two lines per request are off; nothing carries the key or the header.
      expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toHaveLength(0);
      const written = JSON.stringify(lines);
      expect(written).not.toContain(apiKey);
      expect(written.toLowerCase()).not.toContain('bearer');
    } finally {
      await server.app.close();
      await service.stop();
    }
  });
});
