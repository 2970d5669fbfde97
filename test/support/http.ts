import type { LightMyRequestResponse } from 'fastify';
import type { Ledger } from '../../src/ledger/index.js';
import { buildServer, type Server } from '../../src/server/index.js';
import { FillbookService, type ServiceOptions } from '../../src/service/index.js';

export interface Client {
  key: string;
  userId: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body: unknown): Promise<LightMyRequestResponse>;
}

/** A server over the harness's ledger with two users, alice and bob, each with a key. */
export async function httpHarness(ledger: Ledger, options: ServiceOptions = {}, serverOptions: { streamRecheckMs?: number } = {}): Promise<{ server: Server; alice: Client; bob: Client; close(): Promise<void> }> {
  const service = new FillbookService(ledger, options);
  const server = await buildServer({ ledger, service, ...serverOptions });
  const client = async (name: string): Promise<Client> => {
    const { user, apiKey } = await server.users.create(`${name}-${crypto.randomUUID().slice(0, 8)}`);
    const auth = { authorization: `Bearer ${apiKey}` };
    return {
      key: apiKey,
      userId: user.id,
      get: (url) => server.app.inject({ method: 'GET', url, headers: auth }),
      post: (url, body, headers = {}) =>
        server.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body ?? {}) }),
      patch: (url, body) => server.app.inject({ method: 'PATCH', url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    };
  };
  const alice = await client('alice');
  const bob = await client('bob');
  return {
    server,
    alice,
    bob,
    async close() {
      await server.app.close();
      await service.stop();
    },
  };
}
