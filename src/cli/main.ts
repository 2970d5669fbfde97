#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { Ledger } from '../ledger/index.js';
import { buildServer } from '../server/index.js';
import cliProgress from 'cli-progress';
import { isFillbookError, type ReconciliationAction } from '../domain/index.js';
import { databaseUnavailable } from '../storage/index.js';
import { FillbookService, type ReconciliationRun, telegramApiBaseUrlDefault } from '../service/index.js';
import { Users } from '../users/index.js';
import { registerImportCommand } from './commands/import.js';
import { telegramApiUrlEnv } from './commands/alerts.js';
import { registerCommands } from './commands/index.js';

export const portDefault = 7878;
export const hostDefault = '127.0.0.1';
export const dataDirDefault = '.fillbook/data';

/** SIGTERM or SIGINT: in-flight requests get this long to finish before the process exits anyway. */
const shutdownMsMax = 10_000;

/** How often the webhook inbox is swept for due deliveries (new ones are processed at once). */
const inboxIntervalMs = 1_000;

/** Test hook: FILLBOOK_WEBHOOK_PROCESS_DELAY_MS holds deliveries back, so a crash can land in between. */
function webhookDelayMs(): number {
  return Number.parseInt(process.env.FILLBOOK_WEBHOOK_PROCESS_DELAY_MS ?? '0', 10) || 0;
}

interface StorageFlags {
  dataDir: string;
}

/** A PostgreSQL server when FILLBOOK_DATABASE_URL is set, else the embedded engine in `--data-dir`. */
function storageOptions(flags: StorageFlags) {
  const databaseUrl = process.env.FILLBOOK_DATABASE_URL;
  return databaseUrl ? { databaseUrl } : { dataDir: flags.dataDir };
}

function describeStorage(flags: StorageFlags): string {
  return process.env.FILLBOOK_DATABASE_URL ? 'PostgreSQL server (FILLBOOK_DATABASE_URL)' : `embedded PostgreSQL (PGlite) in ${flags.dataDir}`;
}

function parseSeconds(value: string): number {
  if (!/^\d{1,7}$/.test(value)) throw new InvalidArgumentError('a whole number of seconds');
  return Number.parseInt(value, 10);
}

function parsePort(value: string): number {
  const port = Number.parseInt(value, 10);
  if (!/^\d+$/.test(value) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('fillbook')
  .version(version, '-V, --version', 'print the version')
  .description('An order & fill ledger for automated trading: what did my bot actually do at the broker?');

program
  .command('serve')
  .description('run the Fillbook service')
  .option('--port <port>', 'port to listen on', parsePort, portDefault)
  .option('--host <host>', 'address to listen on', hostDefault)
  .option('--data-dir <dir>', 'data directory of the embedded database', dataDirDefault)
  .option('--reconcile-interval <seconds>', 'reconcile every account this often (0: only at start-up)', parseSeconds, 300)
  .option('--public-url <url>', 'the address users reach the service at (FILLBOOK_PUBLIC_URL); https makes the session cookie Secure', process.env.FILLBOOK_PUBLIC_URL)
  .option('--secure-cookies', 'mark the session cookie Secure even when --public-url is not https')
  .option('--stream-down-alert <seconds>', 'alert when a venue stream has been down this long', parseSeconds, 60)
  .option('--telegram-api-url <url>', `the Telegram Bot API's address for Telegram alert sinks (${telegramApiUrlEnv})`, process.env[telegramApiUrlEnv] ?? telegramApiBaseUrlDefault)
  .action(async (flags: StorageFlags & { port: number; host: string; reconcileInterval: number; publicUrl?: string; secureCookies?: boolean; streamDownAlert: number; telegramApiUrl: string }) => {
    const ledger = await Ledger.open(storageOptions(flags));
    const service = new FillbookService(ledger, {
      onError: (error, context) => console.error(context, error),
      reconcileIntervalMs: flags.reconcileInterval * 1000,
      streamDownAlertAfterMs: flags.streamDownAlert * 1000,
      alerts: { telegramApiBaseUrl: flags.telegramApiUrl },
      onReconciled: (run) => {
        const open = Object.entries(run.summary).filter(([category, n]) => n > 0 && !['matched', 'deferred', 'repaired'].includes(category));
        if ((run.summary.holding_mismatch ?? 0) > 0) {
          console.error(`\n  !!! account ${run.accountId}: its holdings do NOT reconcile with the venue (run ${run.id}); see GET /v1/reconciliations/${run.id}\n`);
        } else if (open.length > 0) {
          console.error(`account ${run.accountId}: reconciliation ${run.id} found ${open.map(([c, n]) => `${n} ${c}`).join(', ')}`);
        }
      },
    });
    const { app, inbox } = await buildServer({
      ledger,
      service,
      logger: true,
      webhookProcessDelayMs: webhookDelayMs(),
      ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
      ...(flags.secureCookies === true ? { secureCookies: true } : {}),
    });
    await service.start();
    await greetFirstUser(new Users(ledger.db), app.log);
    // Deliveries stored by an earlier process (acknowledged, then a crash) are processed now.
    const inboxTimer = setInterval(() => {
      inbox.processDue().catch((error: unknown) => app.log.error({ err: error }, 'webhook inbox'));
    }, Math.max(inboxIntervalMs, webhookDelayMs()));
    inboxTimer.unref();
    const stop = async () => {
      // A shutdown that hangs (a request that never ends) must not keep the process for ever.
      setTimeout(() => {
        console.error(`fillbook: FILLBOOK_ERR_INTERNAL: shutdown took over ${shutdownMsMax / 1000} s; exiting anyway`);
        process.exit(1);
      }, shutdownMsMax).unref();
      clearInterval(inboxTimer);
      await app.close();
      await service.stop();
      await ledger.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await app.listen({ port: flags.port, host: flags.host });
    app.log.info(`Fillbook is serving on http://${flags.host}:${flags.port} with the ${describeStorage(flags)}`);
  });

program
  .command('migrate')
  .description('apply the database migrations and exit')
  .option('--data-dir <dir>', 'data directory of the embedded database', dataDirDefault)
  .action(async (flags: StorageFlags) => {
    const ledger = await Ledger.open(storageOptions(flags));
    await ledger.close();
    console.log(`migrations applied to the ${describeStorage(flags)}`);
  });

/**
 * A fresh database has no user, so nobody could call the API: the first start makes `admin` and
 * prints its key once. Further users come from `fillbook users create` (with the server stopped when
 * the database is embedded).
 */
async function greetFirstUser(users: Users, log: { info(message: string): void }): Promise<void> {
  if (!(await users.isEmpty())) return;
  const { apiKey } = await users.create('admin');
  log.info('first start: created the user admin (its API key is printed on the terminal, never logged)');
  console.log(`\n  Fillbook's first start made the user "admin". API key (shown once):\n\n    ${apiKey}\n`);
}

/** Opens the ledger for a one-off command and closes it afterwards. */
async function withUsers<T>(flags: StorageFlags, work: (users: Users) => Promise<T>): Promise<T> {
  const ledger = await Ledger.open(storageOptions(flags));
  try {
    return await work(new Users(ledger.db));
  } finally {
    await ledger.close();
  }
}

const dataDirOption = ['--data-dir <dir>', 'data directory of the embedded database', dataDirDefault] as const;

const users = program.command('users').description('users who own accounts and sign in');
users
  .command('create <name>')
  .description("create a user and print their first API key (shown once)")
  .option('--json', 'print {"user_id","api_key"}')
  .option(...dataDirOption)
  .action(async (name: string, flags: StorageFlags & { json?: boolean }) => {
    const { user, apiKey } = await withUsers(flags, (u) => u.create(name));
    if (flags.json) console.log(JSON.stringify({ user_id: user.id, api_key: apiKey }));
    else console.log(`created user ${user.name} (${user.id})\nAPI key (shown once, keep it secret): ${apiKey}`);
  });
users
  .command('passwd <name>')
  .description('set the dashboard password of a user (read from stdin, or prompted)')
  .option(...dataDirOption)
  .action(async (name: string, flags: StorageFlags) => {
    const password = await readSecret(`password for ${name}: `);
    await withUsers(flags, async (u) => u.setPassword((await u.get(name)).id, password));
    console.log(`password set for ${name}`);
  });

const keys = program.command('keys').description("a user's API keys");
keys
  .command('create <user>')
  .description('create another API key for a user (shown once)')
  .option('--label <label>', 'what the key is for')
  .option('--json', 'print {"key_id","api_key"}')
  .option(...dataDirOption)
  .action(async (name: string, flags: StorageFlags & { label?: string; json?: boolean }) => {
    const { key, apiKey } = await withUsers(flags, async (u) => u.createKey((await u.get(name)).id, flags.label ?? null));
    console.log(flags.json ? JSON.stringify({ key_id: key.id, api_key: apiKey }) : `key ${key.id}\nAPI key (shown once, keep it secret): ${apiKey}`);
  });
keys
  .command('list <user>')
  .description("list a user's keys (never the keys themselves)")
  .option('--json', 'print JSON')
  .option(...dataDirOption)
  .action(async (name: string, flags: StorageFlags & { json?: boolean }) => {
    const list = await withUsers(flags, async (u) => u.listKeys((await u.get(name)).id));
    if (flags.json) console.log(JSON.stringify(list));
    else for (const k of list) console.log(`${k.id}  ${k.revokedAt === null ? 'active ' : 'revoked'}  created ${k.createdAt}  ${k.label ?? ''}`);
  });
keys
  .command('revoke <key-id>')
  .description('revoke a key; requests with it are refused from then on')
  .option(...dataDirOption)
  .action(async (keyId: string, flags: StorageFlags) => {
    const revoked = await withUsers(flags, (u) => u.revokeKey(keyId));
    console.log(revoked ? `revoked ${keyId}` : `no active key ${keyId}`);
    process.exitCode = revoked ? 0 : 1;
  });

program
  .command('reconcile')
  .description('compare the ledger with the venue for an account; a dry run unless actions are named')
  .requiredOption('--account <id>', 'the account to reconcile')
  .option('--clear-invalid', "apply the venue's final state to orders missing at the broker; close those it does not know")
  .option('--cancel-orphaned', 'cancel at the venue the orders the ledger does not know')
  .option('--adopt-orphaned', 'record the orders the ledger does not know, as external orders')
  .option('--import-fills', 'import missing fills, and inferred fills for unexplained quantity')
  .option('--yes', 'apply the actions without asking')
  .option('--json', 'print the run as JSON')
  .option(...dataDirOption)
  .action(async (flags: StorageFlags & { account: string; clearInvalid?: boolean; cancelOrphaned?: boolean; adoptOrphaned?: boolean; importFills?: boolean; yes?: boolean; json?: boolean }) => {
    const actions: ReconciliationAction[] = [];
    if (flags.clearInvalid) actions.push('clear_invalid');
    if (flags.cancelOrphaned) actions.push('cancel_orphaned');
    if (flags.adoptOrphaned) actions.push('adopt_orphaned');
    if (flags.importFills) actions.push('import_fills');
    const ledger = await Ledger.open(storageOptions(flags));
    const service = new FillbookService(ledger);
    try {
      const progress = progressBar(!flags.json && process.stderr.isTTY === true);
      let run = await service.reconciler.run({ accountId: flags.account, actions: [], startedBy: 'cli', onProgress: progress.update });
      progress.stop();
      if (actions.length > 0) {
        if (!flags.json) printRun(run);
        if (!flags.yes && !(await confirm(`apply ${actions.join(', ')} to account ${flags.account}?`))) {
          console.log('nothing applied');
          process.exitCode = remaining(run) > 0 ? 1 : 0;
          return;
        }
        const applying = progressBar(!flags.json && process.stderr.isTTY === true);
        run = await service.reconciler.run({ accountId: flags.account, actions, startedBy: 'cli', onProgress: applying.update });
        applying.stop();
      }
      if (flags.json) console.log(JSON.stringify(run, null, 2));
      else printRun(run);
      process.exitCode = remaining(run) > 0 ? 1 : 0;
    } finally {
      await service.stop();
      await ledger.close();
    }
  });

/** Findings nothing was done about. */
function remaining(run: ReconciliationRun): number {
  return run.findings.filter((f) => f.actionTaken === null).length;
}

function printRun(run: ReconciliationRun): void {
  console.log(`reconciliation ${run.id} of account ${run.accountId}: ${run.dryRun ? 'dry run' : `actions ${run.actions.join(', ')}`}\n`);
  const rows = Object.entries(run.summary);
  const width = Math.max(...rows.map(([c]) => c.length));
  for (const [category, n] of rows) console.log(`  ${category.padEnd(width)}  ${String(n).padStart(8)}`);
  const findingsShownMax = 50;
  if (run.findings.length > 0) console.log('');
  for (const f of run.findings.slice(0, findingsShownMax)) {
    const who = f.orderId ?? f.brokerOrderId ?? f.symbol ?? '';
    console.log(`  ${f.category.padEnd(22)} ${who.padEnd(38)} ${JSON.stringify(f.details)}${f.actionTaken ? `  => ${f.actionTaken}` : ''}`);
  }
  if (run.findings.length > findingsShownMax) console.log(`  … and ${run.findings.length - findingsShownMax} more (--json shows all)`);
}

/** A progress bar on a terminal for accounts with many orders; silent otherwise. */
function progressBar(enabled: boolean) {
  const bar = enabled ? new cliProgress.SingleBar({ format: '{phase} [{bar}] {value}/{total}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  let phase = '';
  return {
    update: (name: string, done: number, total: number) => {
      if (bar === undefined || total < progressMinimumItems) return;
      if (name !== phase) {
        if (phase !== '') bar.stop();
        phase = name;
        bar.start(total, done, { phase: name.padEnd(14) });
      } else bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}
const progressMinimumItems = 1000;

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error(`${question} There is no terminal to confirm on: pass --yes to apply without asking.`);
    return false;
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** Reads a secret from stdin when piped, or asks on the terminal without echoing it. */
async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.includes(prompt)) process.stdout.write(prompt);
  };
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

registerImportCommand(program, storageOptions, dataDirOption);
registerCommands(program);

/**
 * Every failure is one line on stderr, `fillbook: <code>: <message>`, and a non-zero exit: a coded
 * error keeps its code, a lost database is FILLBOOK_ERR_DATABASE_UNAVAILABLE, anything else INTERNAL
 * (its stack only with FILLBOOK_DEBUG=1).
 */
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = isFillbookError(error) ? error.code : databaseUnavailable(error) ? 'FILLBOOK_ERR_DATABASE_UNAVAILABLE' : 'FILLBOOK_ERR_INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  console.error(`fillbook: ${code}: ${message.replaceAll('\n', ' ')}`);
  if (process.env.FILLBOOK_DEBUG === '1' && error instanceof Error) console.error(error.stack);
  process.exit(1);
}
