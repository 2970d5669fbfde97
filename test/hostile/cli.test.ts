import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/process.js';

const cli = ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts')];

/** Runs the CLI; never throws, returns the exit code and both outputs. */
function fillbook(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...cli, ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** One coded line, no stack trace. */
const oneCodedLine = (stderr: string, code: string) => {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !/Warning|--trace-warnings/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^fillbook: ${code}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('the CLI on bad input: one coded line and a non-zero exit (issue 13, item 17)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fillbook-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await fillbook(['--version']);
    expect([result.code, result.stdout.trim()]).toEqual([0, version]);
  });

  it('an unknown user, a short password, a bad account id', async () => {
    const dataDir = join(dir, 'db');
    expect((await fillbook(['users', 'create', 'alice', '--json', '--data-dir', dataDir])).code).toBe(0);
    const unknown = await fillbook(['keys', 'create', 'nobody', '--data-dir', dataDir]);
    expect(unknown.code).not.toBe(0);
    oneCodedLine(unknown.stderr, 'FILLBOOK_ERR_[A-Z_]+');
    const short = await fillbook(['users', 'passwd', 'alice', '--data-dir', dataDir], 'short\n');
    expect(short.code).not.toBe(0);
    oneCodedLine(short.stderr, 'FILLBOOK_ERR_[A-Z_]+');
    const badAccount = await fillbook(['reconcile', '--account', 'not-an-id', '--data-dir', dataDir]);
    expect(badAccount.code).not.toBe(0);
    oneCodedLine(badAccount.stderr, 'FILLBOOK_ERR_[A-Z_]+');
  }, 180_000);

  it('repairs without a terminal to confirm on say that --yes is needed', async () => {
    const dataDir = join(dir, 'db');
    const { Ledger } = await import('../../src/ledger/index.js');
    const ledger = await Ledger.open({ dataDir });
    const account = await ledger.createAccount({ name: 'p', venue: 'paper', venueConfig: { fillMode: 'manual', latencyMs: 0 } });
    // While this process holds the embedded database, the CLI is refused with a coded line.
    const locked = await fillbook(['reconcile', '--account', account.id, '--data-dir', dataDir]);
    expect(locked.code).not.toBe(0);
    oneCodedLine(locked.stderr, 'FILLBOOK_ERR_DATABASE_IN_USE');
    await ledger.close();
    const result = await fillbook(['reconcile', '--account', account.id, '--clear-invalid', '--data-dir', dataDir]);
    expect(result.stderr).toMatch(/pass --yes/);
    expect(result.stdout).toMatch(/nothing applied/);
  }, 180_000);
});
