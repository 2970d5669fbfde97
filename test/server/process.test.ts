import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/service/index.js';
import { eventually } from '../support/eventually.js';
import { freePort, repoRoot, start, stop, waitForHealth } from '../support/process.js';

const run = promisify(execFile);
/** The CLI from source: Node runs it with tsx as its loader, so a SIGKILL lands on the server itself. */
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

// Each test starts processes: `npm start` builds the service and the dashboard first, which on a
// loaded 2-core machine took over a minute (the default timeout).
describe('the service as a process, on the embedded database', { timeout: 420_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fillbook-process-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it("the README's start command serves /healthz on a fresh data directory", async () => {
    const port = await freePort();
    const server = start('npm', ['start', '--', '--port', String(port), '--data-dir', join(dir, 'fresh')]);
    try {
      const health = await waitForHealth(port, 360_000).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${server.output()}`);
      });
      expect(await health.json()).toEqual({ status: 'ok', engine: 'pglite' });
      // The first start makes the admin user and shows its key, on the terminal only.
      expect(server.output()).toMatch(/API key \(shown once\):\s+fbk_[0-9a-f]{32}_\S{43}/);
      expect(server.output().split('\n').filter((line) => line.startsWith('{') && /fbk_/.test(line))).toEqual([]);
      // A second process may not open the embedded database the server holds.
      const second = await run(process.execPath, [...cli, 'users', 'create', 'intruder', '--data-dir', join(dir, 'fresh')], { cwd: repoRoot }).catch((e: { stderr: string }) => e);
      expect((second as { stderr: string }).stderr).toMatch(/is in use by process \d+/);
    } finally {
      await stop(server.child);
    }
  });

  it('processes a webhook acknowledged just before the process was killed (SIGKILL), after a restart', async () => {
    const dataDir = join(dir, 'webhook');
    const { stdout } = await run(process.execPath, [...cli, 'users', 'create', 'alice', '--json', '--data-dir', dataDir], { cwd: repoRoot });
    const { api_key: apiKey } = JSON.parse(stdout) as { api_key: string };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const call = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    // Deliveries are held back for a minute, so the kill lands between the 202 and the processing.
    let server = start(process.execPath, [...cli, 'serve', '--port', String(port), '--data-dir', dataDir], { FILLBOOK_WEBHOOK_PROCESS_DELAY_MS: '60000' });
    await waitForHealth(port);
    const account = (await (await call('/v1/accounts', { name: 'paper', venue: 'paper', venue_config: { fillMode: 'manual' } })).json()) as { id: string; webhook_secret: string };
    const order = (await (await call('/v1/orders', { account_id: account.id, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '3', client_order_id: 'wh-crash', submit: false })).json()) as { id: string };
    const body = JSON.stringify({ type: 'fill', fill: { exec_id: 'WHC-1', broker_order_id: 'P-crash', client_order_id: 'wh-crash', symbol: 'AAPL', side: 'buy', quantity: '3', price: '50', fee: '0', executed_at: new Date().toISOString() } });
    const delivered = await call(`/v1/webhooks/paper/${account.id}`, body, { 'fillbook-signature': signWebhook(account.webhook_secret, body) });
    expect(delivered.status).toBe(202);
    await stop(server.child, 'SIGKILL');

    server = start(process.execPath, [...cli, 'serve', '--port', String(port), '--data-dir', dataDir]);
    try {
      await waitForHealth(port);
      const detail = await eventually(async () => {
        const d = (await (await fetch(`${base}/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { status: string; fills: { exec_id: string; source: string }[] };
        expect(d.status).toBe('filled');
        return d;
      }, 20_000);
      expect(detail.fills.map((f) => [f.exec_id, f.source])).toEqual([['WHC-1', 'webhook']]);
    } finally {
      await stop(server.child);
    }
  });
});
