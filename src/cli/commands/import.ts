import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Ledger, type LedgerOptions } from '../../ledger/index.js';
import { FillbookService } from '../../service/index.js';
import type { ImportRecord } from '../../storage/index.js';

interface ImportFlags {
  account: string;
  since?: string;
  resume?: string;
  json?: boolean;
  dataDir: string;
}

/**
 * `fillbook import --account ID --since DATE` (or `--resume ID`): the account's venue history,
 * with a progress bar on a terminal. Ctrl-C stops after the page in hand is committed; running the
 * same command again (or `--resume ID`) continues from there.
 */
export function registerImportCommand(program: Command, storage: (flags: { dataDir: string }) => LedgerOptions, dataDirOption: readonly [string, string, string]): void {
  program
    .command('import')
    .description("import an account's venue history (orders, fills, positions) since a date; resumable")
    .requiredOption('--account <id>', 'the account to import into')
    .option('--since <date>', 'a date or ISO 8601 time: the venue history since then is imported')
    .option('--resume <import-id>', 'continue an interrupted import')
    .option('--json', 'print the finished import as JSON')
    .option(...dataDirOption)
    .action(async (flags: ImportFlags) => {
      if ((flags.since === undefined) === (flags.resume === undefined)) {
        console.error('give --since DATE for a new import (an unfinished one for the same account and date is resumed), or --resume ID');
        process.exitCode = 2;
        return;
      }
      const ledger = await Ledger.open(storage(flags));
      const service = new FillbookService(ledger);
      const abort = new AbortController();
      const onSigint = () => {
        console.error('\nstopping after the page in hand; run the same command again to continue');
        abort.abort();
      };
      process.once('SIGINT', onSigint);
      const bar = progressBar(!flags.json && process.stderr.isTTY === true);
      try {
        const { job, done } = await service.imports.start(
          { accountId: flags.account, since: flags.since ?? '', resumeId: flags.resume, startedBy: 'cli' },
          { signal: abort.signal, onProgress: bar.update },
        );
        if (!flags.json) console.error(`import ${job.id} of account ${job.accountId} since ${job.since}${job.counts.pages > 0 ? ' (resumed)' : ''}`);
        const finished = await done.finally(() => bar.stop());
        if (flags.json) console.log(JSON.stringify(finished, null, 2));
        else printImport(finished);
        process.exitCode = finished.status === 'completed' ? 0 : 130;
      } catch (error) {
        bar.stop();
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
        await service.stop();
        await ledger.close();
      }
    });
}

function printImport(job: ImportRecord): void {
  const c = job.counts;
  console.log(`import ${job.id}: ${job.status}${job.status === 'interrupted' ? ` in phase ${job.phase} (resume with --resume ${job.id})` : ''}`);
  console.log(`  pages ${c.pages}, orders seen ${c.ordersSeen}, fills seen ${c.fillsSeen}`);
  console.log(`  adopted ${c.adopted} order(s), imported ${c.imported} fill(s), quarantined ${c.quarantined}, opening balances ${c.openingBalances}`);
}

/** One bar on a terminal: pages read, with the phase and what was brought in; silent otherwise. */
function progressBar(enabled: boolean) {
  const bar = enabled
    ? new cliProgress.SingleBar({ format: '{phase} | pages {value} | orders {orders} | fills {fills} | adopted {adopted} | imported {imported}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  return {
    update: (job: ImportRecord) => {
      if (bar === undefined) return;
      const payload = { phase: job.phase.padEnd(9), orders: job.counts.ordersSeen, fills: job.counts.fillsSeen, adopted: job.counts.adopted, imported: job.counts.imported };
      // The venue does not say how many pages there are: the total is what has been read so far.
      if (!started) bar.start(Math.max(1, job.counts.pages), job.counts.pages, payload);
      else bar.setTotal(Math.max(1, job.counts.pages));
      started = true;
      bar.update(job.counts.pages, payload);
    },
    stop: () => bar?.stop(),
  };
}
