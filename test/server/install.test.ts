import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { buildServer } from '../../src/server/index.js';

// semver is what npm itself uses to decide EBADENGINE; it is in the tree through fastify.
const semver = createRequire(import.meta.url)('semver') as { minVersion(range: string): { version: string } | null; satisfies(version: string, range: string): boolean };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };

it("every locked package supports the oldest Node our engines field admits, and this one (npm ci prints no EBADENGINE)", () => {
  const oldest = semver.minVersion(root.engines.node)?.version;
  expect(oldest).toBeDefined();
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || range === undefined) continue;
    for (const version of [oldest!, process.versions.node]) {
      if (!semver.satisfies(version, range)) refusing.push(`${path} wants node ${range}, not ${version}`);
    }
  }
  expect(refusing).toEqual([]);
});

it('starting the server emits no process warning (deprecations included)', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const ledger = await Ledger.open();
  try {
    const server = await buildServer({ ledger });
    await server.app.close();
    await server.service.stop();
    await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
    await ledger.close();
  }
  expect(warnings).toEqual([]);
});
