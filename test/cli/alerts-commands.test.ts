import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { queueAlert } from '../../src/storage/index.js';
import { Users } from '../../src/users/index.js';
import { Receiver, telegramReceiver } from '../support/alert-receivers.js';
import { repoRoot } from '../support/process.js';

const run = promisify(execFile);
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

describe('fillbook alerts list and alerts sinks list|add|remove|test (the embedded database)', { timeout: 180_000 }, () => {
  let dir: string;
  let dataDir: string;
  let accountId: string;
  const hook = new Receiver();
  const telegram = telegramReceiver();
  const fillbook = async (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FILLBOOK_TELEGRAM_API_URL: telegram.url };
    delete env.FILLBOOK_DATABASE_URL;
    return run(process.execPath, [...cli, ...args, '--data-dir', dataDir], { cwd: repoRoot, env });
  };

  beforeAll(async () => {
    await hook.up();
    await telegram.up();
    dir = await mkdtemp(join(tmpdir(), 'fillbook-alerts-cli-'));
    dataDir = join(dir, 'data');
    const ledger = await Ledger.open({ dataDir });
    const { user } = await new Users(ledger.db).create('dana');
    accountId = (await ledger.createAccount({ name: 'dana-bot', venue: 'manual', userId: user.id })).id;
    await ledger.close();
  });
  afterAll(async () => {
    await hook.down();
    await telegram.down();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds sinks (a made secret printed once), lists them with hints, tests each, lists alerts with their deliveries, removes a sink', async () => {
    const added = await fillbook('alerts', 'sinks', 'add', 'webhook', '--user', 'dana', '--name', 'ops', '--url', `${hook.url}/in`, '--json');
    const webhook = JSON.parse(added.stdout) as { id: string; secret: string; secret_hint: string };
    expect(webhook.secret).toMatch(/^whsec_/);
    const tg = JSON.parse((await fillbook('alerts', 'sinks', 'add', 'telegram', '--user', 'dana', '--name', 'phone', '--bot-token', '555:AAbcdefghijklmnopqrstuvwxyz_0123', '--chat-id', '@dana_alerts', '--kinds', 'account_halted,stream_down', '--json')).stdout) as { id: string };
    const listed = await fillbook('alerts', 'sinks', 'list', '--user', 'dana', '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject({ data: [{ id: webhook.id, kind: 'webhook', url: `${hook.url}/in` }, { id: tg.id, kind: 'telegram', chat_id: '@dana_alerts', kinds: ['account_halted', 'stream_down'], secret_hint: '555:…0123' }] });
    expect(listed.stdout).not.toContain(webhook.secret);
    expect(listed.stdout).not.toContain('AAbcdefghijklmnopqrstuvwxyz_0123');
    expect((await fillbook('alerts', 'sinks', 'list', '--user', 'dana')).stdout).toMatch(/webhook\s+on\s+ops/);

    expect((await fillbook('alerts', 'sinks', 'test', webhook.id, '--user', 'dana')).stdout).toMatch(/^delivered \(alert [0-9a-f-]{36}\)/);
    expect(hook.received.at(-1)!.json).toMatchObject({ test: true });
    expect(JSON.parse((await fillbook('alerts', 'sinks', 'test', tg.id, '--user', 'dana', '--json')).stdout)).toMatchObject({ delivered: true, error: null });
    expect(telegram.received.at(-1)!.path).toBe('/bot555:AAbcdefghijklmnopqrstuvwxyz_0123/sendMessage');
    await expect(fillbook('alerts', 'sinks', 'test', crypto.randomUUID(), '--user', 'dana')).rejects.toMatchObject({ stderr: expect.stringMatching(/fillbook: FILLBOOK_ERR_NOT_FOUND: alert sink/) });

    // An alert queued (as the server's causes do), listed with its pending delivery.
    const ledger = await Ledger.open({ dataDir });
    await queueAlert(ledger.db, accountId, { kind: 'account_halted', severity: 'critical', dedupeKey: 'halt-1', details: { run_id: crypto.randomUUID(), findings: { orphaned_at_broker: 1 } } }, new Date().toISOString());
    await ledger.close();
    const alerts = JSON.parse((await fillbook('alerts', 'list', '--account', accountId, '--json')).stdout) as { data: { kind: string; title: string; deliveries: { sink_name: string; status: string }[] }[]; next_cursor: null };
    expect(alerts).toMatchObject({ data: [{ kind: 'account_halted', title: 'Account halted for new entries: dana-bot (manual)' }], next_cursor: null });
    expect(alerts.data[0]!.deliveries.map((d) => [d.sink_name, d.status]).sort()).toEqual([['ops', 'pending'], ['phone', 'pending']]);
    expect((await fillbook('alerts', 'list', '--user', 'dana')).stdout).toMatch(/critical\s+account_halted\s+Account halted for new entries: dana-bot \(manual\)\n\s+[0-9a-f-]{36}\s+.*ops: pending/);
    await expect(fillbook('alerts', 'list', '--kind', 'nonsense')).rejects.toMatchObject({ stderr: expect.stringMatching(/unknown alert kind nonsense/) });

    expect((await fillbook('alerts', 'sinks', 'remove', tg.id, '--user', 'dana')).stdout).toBe(`removed ${tg.id}\n`);
    expect(JSON.parse((await fillbook('alerts', 'sinks', 'list', '--user', 'dana', '--json')).stdout).data).toHaveLength(1);
  });
});
