import { type Command, InvalidArgumentError } from 'commander';
import { alertKinds, type AlertKind, alertSinkKinds, type AlertSinkKind } from '../../domain/index.js';
import { alertSinkView, alertView, decodeCursor, encodeCursor } from '../../server/index.js';
import { AlertSinks, telegramApiBaseUrlDefault } from '../../service/index.js';
import { selectAlerts } from '../../storage/index.js';
import { Users } from '../../users/index.js';
import { dataDirOption, type StorageFlags, withLedger } from './storage.js';

/** Where a test message to a Telegram sink goes (`fillbook serve --telegram-api-url` too). */
export const telegramApiUrlEnv = 'FILLBOOK_TELEGRAM_API_URL';
export const alertsListLimitDefault = 50;
export const alertsListLimitMax = 500;

function parseKinds(value: string): AlertKind[] {
  const list = value.split(',');
  const unknown = list.filter((k) => !(alertKinds as readonly string[]).includes(k));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown alert kind ${unknown.join(', ')}; one or more of ${alertKinds.join(', ')}`);
  return list as AlertKind[];
}

function parseKind(value: string): AlertKind {
  const [kind] = parseKinds(value);
  if (kind === undefined || value.includes(',')) throw new InvalidArgumentError(`one of ${alertKinds.join(', ')}`);
  return kind;
}

function parseSinkKind(value: string): AlertSinkKind {
  if (!(alertSinkKinds as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${alertSinkKinds.join(', ')}`);
  return value as AlertSinkKind;
}

function parseLimit(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!/^\d+$/.test(value) || n < 1 || n > alertsListLimitMax) throw new InvalidArgumentError(`a whole number from 1 to ${alertsListLimitMax}`);
  return n;
}

const json = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const sendOptions = () => ({ telegramApiBaseUrl: process.env[telegramApiUrlEnv] ?? telegramApiBaseUrlDefault });

/**
 * `fillbook alerts list` and `fillbook alerts sinks list|add|remove|test`: read and change the
 * database directly, as the other commands do (stop the server first when the database is
 * embedded). `--json` prints what the HTTP API answers. Alerts are delivered by `fillbook serve`.
 */
export function registerAlertCommands(program: Command): void {
  const alerts = program.command('alerts').description('alerts sent to your sinks (webhook, Slack, Telegram), and the sinks');
  alerts
    .command('list')
    .description("recent alerts, newest first, with each delivery's state")
    .option('--account <id>', "only this account's alerts")
    .option('--user <name>', "only the alerts of this user's accounts")
    .option('--kind <kind>', `only this kind: ${alertKinds.join(', ')}`, parseKind)
    .option('--limit <n>', `alerts per page (at most ${alertsListLimitMax})`, parseLimit, alertsListLimitDefault)
    .option('--cursor <cursor>', 'the next page: the cursor a previous page printed')
    .option('--json', 'print {"data":[alert, …],"next_cursor"} as GET /v1/alerts does')
    .option(...dataDirOption)
    .action(async (flags: StorageFlags & { account?: string; user?: string; kind?: AlertKind; limit: number; cursor?: string; json?: boolean }) => {
      const { listed, accounts } = await withLedger(flags, async (ledger) => {
        const all = flags.account !== undefined ? [await ledger.getAccount(flags.account)] : await ledger.listAccounts(flags.user === undefined ? undefined : (await new Users(ledger.db).get(flags.user)).id);
        const byId = new Map(all.map((a) => [a.id, a]));
        const listed = await selectAlerts(ledger.db, [...byId.keys()], { limit: flags.limit, after: flags.cursor === undefined ? null : decodeCursor(flags.cursor), kind: flags.kind ?? null });
        return { listed, accounts: byId };
      });
      const last = listed.at(-1);
      const next = listed.length === flags.limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null;
      const views = listed.map((a) => alertView(a, accounts.get(a.accountId)!));
      if (flags.json) return json({ data: views, next_cursor: next });
      if (views.length === 0) return console.log('no alerts');
      for (const v of views) {
        const state = v.deliveries.length === 0 ? 'no sinks' : v.deliveries.map((d) => `${d.sink_name}: ${d.status}${d.attempts > 1 ? ` (${d.attempts} attempts)` : ''}${d.status !== 'delivered' && d.last_error !== null ? ` — ${d.last_error}` : ''}`).join('; ');
        console.log(`${v.created_at}  ${v.severity.padEnd(8)} ${v.kind.padEnd(23)} ${v.title}\n  ${v.id}  ${state}`);
      }
      if (next !== null) console.log(`\nmore: --cursor ${next}`);
    });

  const sinks = alerts.command('sinks').description("a user's alert sinks");
  sinks
    .command('list')
    .description("a user's sinks (secrets as hints only)")
    .requiredOption('--user <name>', 'whose sinks')
    .option('--json', 'print {"data":[sink, …]} as GET /v1/alert-sinks does')
    .option(...dataDirOption)
    .action(async (flags: StorageFlags & { user: string; json?: boolean }) => {
      const list = await withLedger(flags, async (ledger) => new AlertSinks(ledger.db).list((await new Users(ledger.db).get(flags.user)).id));
      if (flags.json) return json({ data: list.map((s) => alertSinkView(s)) });
      if (list.length === 0) return console.log('no sinks');
      for (const s of list.map((x) => alertSinkView(x))) {
        console.log(`${s.id}  ${s.kind.padEnd(8)} ${s.enabled ? 'on ' : 'off'}  ${s.name}  ${s.url ?? s.chat_id ?? ''}  ${s.secret_hint}  ${s.kinds === null ? 'every kind' : s.kinds.join(',')}`);
      }
    });
  sinks
    .command('add <kind>')
    .description('add a sink: webhook (--url, [--secret]), slack (--webhook-url) or telegram (--bot-token, --chat-id)')
    .requiredOption('--user <name>', 'whose sink (every account of the user alerts to it)')
    .requiredOption('--name <name>', 'what to call it')
    .option('--url <url>', 'webhook: where to POST each alert')
    .option('--secret <secret>', 'webhook: the signing secret (one is made and printed once when absent)')
    .option('--webhook-url <url>', 'slack: the incoming-webhook URL')
    .option('--bot-token <token>', 'telegram: the bot token')
    .option('--chat-id <id>', 'telegram: the chat to send to')
    .option('--kinds <list>', `only these alert kinds (comma-separated: ${alertKinds.join(', ')})`, parseKinds)
    .option('--json', 'print the sink as POST /v1/alert-sinks does')
    .option(...dataDirOption)
    .action(async (kindText: string, flags: StorageFlags & { user: string; name: string; url?: string; secret?: string; webhookUrl?: string; botToken?: string; chatId?: string; kinds?: AlertKind[]; json?: boolean }) => {
      const kind = parseSinkKind(kindText);
      const { sink, generatedSecret } = await withLedger(flags, async (ledger) =>
        new AlertSinks(ledger.db).add((await new Users(ledger.db).get(flags.user)).id, {
          kind,
          name: flags.name,
          ...(flags.url === undefined ? {} : { url: flags.url }),
          ...(flags.secret === undefined ? {} : { secret: flags.secret }),
          ...(flags.webhookUrl === undefined ? {} : { webhookUrl: flags.webhookUrl }),
          ...(flags.botToken === undefined ? {} : { botToken: flags.botToken }),
          ...(flags.chatId === undefined ? {} : { chatId: flags.chatId }),
          ...(flags.kinds === undefined ? {} : { kinds: flags.kinds }),
        }),
      );
      const view = alertSinkView(sink, generatedSecret);
      if (flags.json) return json(view);
      console.log(`added ${view.kind} sink ${view.name} (${view.id})`);
      if (view.secret !== undefined) console.log(`signing secret (shown once, keep it secret): ${view.secret}`);
    });
  sinks
    .command('remove <sink-id>')
    .description('remove a sink; its deliveries not yet made are dropped')
    .requiredOption('--user <name>', 'whose sink')
    .option(...dataDirOption)
    .action(async (sinkId: string, flags: StorageFlags & { user: string }) => {
      await withLedger(flags, async (ledger) => new AlertSinks(ledger.db).remove((await new Users(ledger.db).get(flags.user)).id, sinkId));
      console.log(`removed ${sinkId}`);
    });
  sinks
    .command('test <sink-id>')
    .description(`send a test message to a sink now and say whether it arrived (Telegram through ${telegramApiUrlEnv} when set)`)
    .requiredOption('--user <name>', 'whose sink')
    .option('--json', 'print {"alert_id","delivered","error"} as POST /v1/alert-sinks/{id}/test does')
    .option(...dataDirOption)
    .action(async (sinkId: string, flags: StorageFlags & { user: string; json?: boolean }) => {
      const { alertId, outcome } = await withLedger(flags, async (ledger) => new AlertSinks(ledger.db, sendOptions()).test((await new Users(ledger.db).get(flags.user)).id, sinkId));
      if (flags.json) json({ alert_id: alertId, delivered: outcome.ok, error: outcome.ok ? null : outcome.error });
      else console.log(outcome.ok ? `delivered (alert ${alertId})` : `not delivered: ${outcome.error}`);
      process.exitCode = outcome.ok ? 0 : 1;
    });
}
