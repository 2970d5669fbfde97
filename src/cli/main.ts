#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { Ledger } from '../ledger/index.js';
import { buildServer } from '../server/index.js';
import { FillbookService } from '../service/index.js';

export const portDefault = 7878;
export const hostDefault = '127.0.0.1';
export const dataDirDefault = '.fillbook/data';

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

function parsePort(value: string): number {
  const port = Number.parseInt(value, 10);
  if (!/^\d+$/.test(value) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

const program = new Command()
  .name('fillbook')
  .description('An order & fill ledger for automated trading: what did my bot actually do at the broker?');

program
  .command('serve')
  .description('run the Fillbook service')
  .option('--port <port>', 'port to listen on', parsePort, portDefault)
  .option('--host <host>', 'address to listen on', hostDefault)
  .option('--data-dir <dir>', 'data directory of the embedded database', dataDirDefault)
  .action(async (flags: StorageFlags & { port: number; host: string }) => {
    const ledger = await Ledger.open(storageOptions(flags));
    const app = await buildServer({ ledger, logger: true });
    const service = new FillbookService(ledger, { onError: (error, context) => app.log.error({ err: error }, context) });
    await service.start();
    const stop = async () => {
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

await program.parseAsync(process.argv);
