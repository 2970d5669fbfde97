import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { checkExportSize, type ExportKind, exportCsv, exportKinds } from '../../exports/index.js';
import { parseTimestamp } from './ledger-commands.js';
import { dataDirOption, type StorageFlags, withLedger } from './storage.js';

function parseKind(value: string): ExportKind {
  if (!(exportKinds as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${exportKinds.join(', ')}`);
  return value as ExportKind;
}

/**
 * `fillbook export fills|orders|trades`: the same CSV as `GET /v1/exports/<kind>.csv`, read from the
 * database in pages and written as it is read. A file is written under a temporary name and renamed
 * when complete, so a file by the asked-for name is never a partial export.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export <kind>')
    .description(`export an account's ${exportKinds.join(', ')} (closed positions) as CSV; columns in the README`)
    .requiredOption('--account <id>', 'the account')
    .option('--since <time>', 'from this time (fills: executed, orders: created, trades: closed), ISO 8601', parseTimestamp)
    .option('--until <time>', 'up to, not including, this time', parseTimestamp)
    .option('--out <file>', 'write to this file (else standard output)')
    .option(...dataDirOption)
    .action(async (kindText: string, flags: StorageFlags & { account: string; since?: string; until?: string; out?: string }) => {
      const kind = parseKind(kindText);
      await withLedger(flags, async (ledger) => {
        const request = { kind, account: await ledger.getAccount(flags.account), since: flags.since ?? null, until: flags.until ?? null };
        const total = await checkExportSize(ledger.db, request);
        // A bar on a terminal only; a pipe or a log gets the CSV and nothing else.
        const terminal = process.stderr.isTTY === true && (flags.out !== undefined || process.stdout.isTTY !== true);
        const bar = terminal
          ? new cliProgress.SingleBar({ format: `${kind} [{bar}] {value}/{total}`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic)
          : undefined;
        bar?.start(total, 0);
        let done = 0;
        const csv = exportCsv(ledger.db, request, (n) => bar?.update((done += n)));
        const target = flags.out === undefined ? undefined : `${flags.out}.partial`;
        try {
          if (target === undefined) await pipeline(csv, process.stdout, { end: false });
          else {
            await pipeline(csv, createWriteStream(target));
            await rename(target, flags.out!);
          }
        } catch (error) {
          if (target !== undefined) await rm(target, { force: true });
          throw error;
        } finally {
          bar?.stop();
        }
        if (flags.out !== undefined) console.error(`wrote ${flags.out}`);
      });
    });
}
