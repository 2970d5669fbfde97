import { writeFile } from 'node:fs/promises';
import { Ledger } from '../src/ledger/index.js';
import { buildServer } from '../src/server/index.js';

/** The service's OpenAPI document, as `GET /openapi.json` serves it, from a server on an empty embedded database. */
export async function openapiDocument(): Promise<Record<string, unknown>> {
  const ledger = await Ledger.open();
  try {
    const server = await buildServer({ ledger });
    try {
      return (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Record<string, unknown>;
    } finally {
      await server.app.close();
      await server.service.stop();
    }
  } finally {
    await ledger.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  const text = `${JSON.stringify(await openapiDocument(), null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFile(out, text);
}
