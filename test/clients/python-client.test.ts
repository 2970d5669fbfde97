import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot, start, stop, waitForHealth } from '../support/process.js';

const run = promisify(execFile);
const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];
/** Debian's Python, never a pyenv shim on the PATH: `.ci/run` installs its pytest (python3-pytest). */
const python = '/usr/bin/python3';

/**
 * The Python client's tests (clients/python/tests, pytest) against a real `fillbook serve` on a
 * fresh embedded database: a user is made with the CLI, then pytest runs with FILLBOOK_URL and
 * FILLBOOK_KEY. Any failing (or skipped) Python test fails this one.
 */
describe('the Python client against a running Fillbook', () => {
  let dir: string;
  let server: ReturnType<typeof start> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const pytest = spawnSync(python, ['-c', 'import pytest'], { encoding: 'utf8' });
    if (pytest.status !== 0) throw new Error(`${python} has no pytest: apt-get install -y python3-pytest (.ci/run does)\n${pytest.stderr}`);
    dir = await mkdtemp(join(tmpdir(), 'fillbook-python-'));
    const dataDir = join(dir, 'data');
    // Always the embedded database in dataDir, even where FILLBOOK_DATABASE_URL names a server.
    const embedded = { FILLBOOK_DATABASE_URL: '' };
    const { stdout } = await run(process.execPath, [...cli, 'users', 'create', 'python', '--json', '--data-dir', dataDir], { cwd: repoRoot, env: { ...process.env, ...embedded } });
    const { api_key: apiKey } = JSON.parse(stdout) as { api_key: string };
    const port = await freePort();
    server = start(process.execPath, [...cli, 'serve', '--port', String(port), '--data-dir', dataDir, '--reconcile-interval', '0'], embedded);
    await waitForHealth(port).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${server?.output()}`);
    });
    env = { FILLBOOK_URL: `http://127.0.0.1:${port}`, FILLBOOK_KEY: apiKey };
  });
  afterAll(async () => {
    if (server !== undefined) await stop(server.child);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('passes every pytest test, none skipped', async () => {
    const result = spawnSync(python, ['-m', 'pytest', 'clients/python/tests', '-q', '-p', 'no:cacheprovider', '-rs'], {
      cwd: repoRoot,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/\b\d+ passed\b/);
    expect(output, output).not.toMatch(/\bskipped\b/);
  });
});
